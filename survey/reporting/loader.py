"""Report inputs from the database: a round's results (survey.results.service) and its questionnaire's labels.

The only module of survey.reporting that touches the ORM; everything after it works on plain data.
"""
from __future__ import annotations

from datetime import date

from survey.reporting.inputs import (LANGUAGES, NETWORK, Dimension, NetworkReportInputs, RoundInfo,
                                     SchoolReportInputs, overall_rows, school_slice)


def _text(labels: dict | None, language: str, fallback: str) -> str:
    labels = labels or {}
    return labels.get(language) or labels.get("da") or labels.get("en") or fallback


def report_language(school) -> str:
    """Danish by default; a school may be set to English or Swedish (`report_language`, when the model has it)."""
    language = getattr(school, "report_language", None) or "da"
    return language if language in LANGUAGES else "da"


def load_round_inputs(survey_round, *, today: date | None = None, school_codes=None, language_of=report_language
                      ) -> tuple[list[SchoolReportInputs], NetworkReportInputs]:
    from survey.results.service import round_results

    results = round_results(survey_round, today=today)
    version = survey_round.version
    network = survey_round.network
    info = RoundInfo(round_id=survey_round.id, name=survey_round.name, version_label=f"{version.family.key}:{version.version}",
                     k_min=network.k_min, share_names=network.share_school_names,
                     scale_points=version.scale_points, results_hash=results.content_hash)
    reports = []
    for school in survey_round.schools:
        if school_codes and school.code not in school_codes:
            continue
        language = language_of(school)
        dimensions = [Dimension(d.key, _text(d.title, language, d.key), d.is_overall) for d in version.dimensions]
        items = {i.key: (i.dimension.key, _text(i.text, language, i.key)) for i in version.items}
        groups = {q.key: _text(q.text, language, q.key) for q in version.background_questions}
        reports.append(SchoolReportInputs(
            round=info, school_code=school.code, school_name=school.name, language=language,
            dimensions=dimensions, items=items, aggregates=school_slice(results.aggregates, school.code),
            item_results=results.items[results.items["school"].isin([school.code, NETWORK])].reset_index(drop=True),
            scale_labels=[str(i) for i in range(1, version.scale_points + 1)], group_labels=groups,
        ))
    language = "da"
    network_inputs = NetworkReportInputs(
        round=info, network_name=network.name, language=language,
        dimensions=[Dimension(d.key, _text(d.title, language, d.key), d.is_overall) for d in version.dimensions],
        aggregates=overall_rows(results.aggregates),
        school_names={s.code: s.name for s in survey_round.schools})
    return reports, network_inputs
