"""Report inputs from the database: a round's results (survey.results.service), its questionnaire's labels and
the schools' own free-text comments.

The only module of survey.reporting that touches the ORM; everything after it works on plain data.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from survey.extensions import db
from survey.outcomes.operations import report_outcomes
from survey.reporting.inputs import (LANGUAGES, NETWORK, Dimension, NetworkReportInputs, OrganiserReportInputs,
                                     QuestionInfo, RoundInfo, SchoolReportInputs, overall_rows, school_slice)


def _text(labels: dict | None, language: str, fallback: str) -> str:
    labels = labels or {}
    return labels.get(language) or labels.get("da") or labels.get("en") or fallback


def report_language(school) -> str:
    """The school's report language (`School.report_language`: da, en or sv; Danish unless set)."""
    return school.report_language


def scale_labels(definition, language: str) -> list[str]:
    """The questionnaire's own answer labels 1..k in `language` (else Danish, else its first language)."""
    scale = definition.scale_of(definition.rating_items()[0])
    return [scale.point_label(code, language, definition.default_language) or str(code)
            for code in range(1, scale.points + 1)]


def item_scales(definition, language: str) -> dict[str, list[str]]:
    """Each rating item's scale labels of points 1..k in `language` (else the default language); a point the
    scale labels only at its ends shows its number."""
    scales = {}
    for item in definition.rating_items():
        scale = definition.scale_of(item)
        scales[item.key] = [scale.point_label(code, language, definition.default_language) or str(code)
                            for code in range(1, scale.points + 1)]
    return scales


def non_substantive(definition, language: str) -> dict[str, list[tuple[str, str]]]:
    return {item.key: [(option.key, definition.text(option.label, language))
                       for option in definition.scale_of(item).non_substantive]
            for item in definition.rating_items()}


def question_infos(definition, language: str) -> list[QuestionInfo]:
    """The background questions with results of their own (choice with options, numeric)."""
    infos = []
    for question in definition.background_questions():
        options = getattr(question, "options", None) or []
        if question.type in ("single", "multiple") and not options:
            continue  # answered by the link's program: the program breakdown shows it
        unit = getattr(question, "unit", None)
        infos.append(QuestionInfo(question.key, question.type, definition.text(question.text, language),
                                  tuple((o.key, definition.text(o.label, language)) for o in options),
                                  definition.text(unit, language) if unit else ""))
    return infos


def equivalent_scales(definition, language: str) -> list[tuple[str, str]]:
    """The items whose changed scale this version declares equivalent, with the reason (the method note)."""
    return [(definition.text(item.text, language), item.equivalent_scale)
            for item in definition.rating_items() if item.equivalent_scale]


def group_names(school, version, language: str) -> dict[str, dict[str, str]]:
    """Each breakdown's group codes as the report names them: the school's programs by name, the options of
    the background questions by the questionnaire's label in `language` (else Danish, else English)."""
    names = {"program": {program.code: program.name for program in school.programs}}
    for question in version.background_questions:
        if question.source is None and question.options:
            names[question.key] = {option["key"]: _text(option.get("label"), language, option["key"])
                                   for option in question.options}
    return names


def submitted_counts(survey_round) -> dict[int, int]:
    """Submitted responses per school id in the round."""
    from survey.responses.models import Response

    rows = db.session.execute(select(Response.school_id, func.count(Response.id))
                              .where(Response.round_id == survey_round.id).group_by(Response.school_id)).all()
    return {school_id: count for school_id, count in rows}


def school_comments(survey_round, school, definition, language: str) -> list[tuple[str, list[str]]]:
    """The free-text answers of the school's responses in the round, per question in questionnaire order:
    (question text in `language`, answers in alphabetical order: never the order of submission, METHOD.md).
    Only ever for the school's own report (and for admins where the network allows it)."""
    from survey.responses.models import FreeTextAnswer, Response

    rows = db.session.execute(
        select(FreeTextAnswer.question_key, FreeTextAnswer.text)
        .join(Response, FreeTextAnswer.response_id == Response.id)
        .where(Response.round_id == survey_round.id, Response.school_id == school.id)
        ).all()
    by_question: dict[str, list[str]] = {}
    for key, text in rows:
        if text and text.strip():
            by_question.setdefault(key, []).append(text.strip())
    questions = [(q.key, _text(q.text, language, q.key)) for q in definition.text_questions()]
    known = {key for key, _ in questions}
    questions += [(key, key) for key in by_question if key not in known]  # a key no longer asked
    return [(title, sorted(by_question[key], key=str.casefold)) for key, title in questions if by_question.get(key)]


def load_round_inputs(survey_round, *, today: date | None = None, school_codes=None, language_of=report_language,
                      staff: bool = True, admin_copies: bool = False
                      ) -> tuple[list[SchoolReportInputs], NetworkReportInputs]:
    """Every school's report inputs and the network report's. `staff`: each school's inputs as its staff may
    see them (network cells under school-level confidentiality, `RoundResults.for_school`): always so for a
    PDF, which the school's staff download; False for a network admin's dashboard, which then carries the
    comments only where the network lets admins read them. `admin_copies` (report builds): for every school
    report with comments or an action plan's review, when the network does not let admins read them, a copy
    without them for the admins (`SchoolReportInputs.for_admins`). The review of a school's action plan
    (`survey.plans.review`) is in the staff inputs only."""
    from survey.plans.review import reviews_on_round
    from survey.catalog.operations import definition_of
    from survey.learning.learn_from import cards_by_dimension, learn_from, round_strength
    from survey.learning.view import published_cards
    from survey.results.service import round_results

    results = round_results(survey_round, today=today)
    version = survey_round.version
    definition = definition_of(version)
    network = survey_round.network
    info = RoundInfo(round_id=survey_round.id, name=survey_round.name, version_label=f"{version.family.key}:{version.version}",
                     k_min=network.k_min, share_names=network.share_school_names,
                     scale_points=version.scale_points, results_hash=results.content_hash,
                     provisional=not results.frozen,
                     as_of=results.as_of.isoformat() if results.as_of else "",
                     minimal_difference=network.minimal_difference)
    submitted = submitted_counts(survey_round)
    cards = cards_by_dimension(published_cards(network.id, version.family.key, [d.key for d in version.dimensions],
                                               details=True))
    strength = round_strength(results)
    chosen = [school for school in survey_round.schools if not school_codes or school.code in school_codes]
    reviews = reviews_on_round(survey_round, chosen, language_of, today=today) if staff else {}
    reports = []
    for school in survey_round.schools:
        if school_codes and school.code not in school_codes:
            continue
        language = language_of(school)
        if language not in LANGUAGES:
            raise ValueError(f"school {school.code}: report language {language!r} is not one of {LANGUAGES}")
        own = results.for_school(school.code, staff=staff)
        dimensions = [Dimension(d.key, _text(d.title, language, d.key), d.is_overall) for d in version.dimensions]
        items = {i.key: (i.dimension.key, _text(i.text, language, i.key)) for i in version.items}
        groups = {q.key: _text(q.text, language, q.key) for q in version.background_questions}
        respondents = submitted.get(school.id, 0)
        # METHOD.md, Anonymity: free text only for the school itself and only when its n >= k_min
        comments = (school_comments(survey_round, school, definition, language)
                    if respondents >= network.k_min and (staff or network.admins_read_comments) else [])
        reports.append(SchoolReportInputs(
            round=info, school_code=school.code, school_name=school.name, language=language,
            dimensions=dimensions, items=items, aggregates=school_slice(own.aggregates, school.code),
            item_results=own.items[own.items["school"].isin([school.code, NETWORK])].reset_index(drop=True),
            scale_labels=scale_labels(definition, language), group_labels=groups,
            group_names=group_names(school, version, language),
            partners=own.partners, comments=comments, respondents=respondents,
            item_scales=item_scales(definition, language), non_substantive=non_substantive(definition, language),
            questions=question_infos(definition, language),
            question_results=own.questions[own.questions["school"].isin([school.code, NETWORK])].reset_index(drop=True),
            equivalent_scales=equivalent_scales(definition, language), structural=definition.overall is not None,
            reverse_items=tuple(item.key for item in definition.rating_items() if item.reverse),
            learn_from=learn_from(strength, school.code, dimensions, cards, share_names=network.share_school_names),
            plan_review=reviews.get(school.code),
        ))
        hide_comments = bool(comments) and not network.admins_read_comments
        hide_plan = school.code in reviews and not network.admins_read_plans
        if admin_copies and (hide_comments or hide_plan):
            reports.append(replace(reports[-1], comments=[] if hide_comments else comments,
                                   plan_review=None if hide_plan else reports[-1].plan_review, for_admins=True))
    language = "da"
    network_inputs = NetworkReportInputs(
        round=info, network_name=network.name, language=language,
        dimensions=[Dimension(d.key, _text(d.title, language, d.key), d.is_overall) for d in version.dimensions],
        aggregates=overall_rows(results.aggregates),
        school_names={s.code: s.name for s in survey_round.schools},
        respondents={s.code: submitted.get(s.id, 0) for s in survey_round.schools},
        outcomes=report_outcomes(survey_round, language))
    return reports, network_inputs


def load_organiser_inputs(survey_round, organiser, *, today: date | None = None, language: str = "da"
                          ) -> OrganiserReportInputs:
    """The organiser report's inputs: the results as the organiser's staff may see them
    (`RoundResults.for_organiser`), its schools in the round by name."""
    from survey.results.service import round_results

    if language not in LANGUAGES:
        raise ValueError(f"report language {language!r} is not one of {LANGUAGES}")
    results = round_results(survey_round, today=today)
    version = survey_round.version
    network = survey_round.network
    schools = {s.code: s.name for s in survey_round.schools if s.organiser_id == organiser.id}
    info = RoundInfo(round_id=survey_round.id, name=survey_round.name,
                     version_label=f"{version.family.key}:{version.version}", k_min=network.k_min,
                     share_names=network.share_school_names, scale_points=version.scale_points,
                     results_hash=results.content_hash, provisional=not results.frozen,
                     as_of=results.as_of.isoformat() if results.as_of else "",
                     minimal_difference=network.minimal_difference)
    return OrganiserReportInputs(
        round=info, network_name=network.name, organiser_code=organiser.code, organiser_name=organiser.name,
        language=language,
        dimensions=[Dimension(d.key, _text(d.title, language, d.key), d.is_overall) for d in version.dimensions],
        aggregates=results.for_organiser(organiser.code, schools).aggregates, school_names=schools)
