"""What a dashboard reads: the round's stored results, parsed once per process, and the school's labels.

Dashboards read frozen results (or the day's provisional snapshot) and never compute. Parsing the stored
Parquet is the costly part of a page at a million responses, so the parsed `RoundResults` are kept per process,
keyed by the stored row's content hash (and snapshot day): a new freeze or snapshot has a new key, and the
cached copy is rebound to the request's `SurveyRound` before use.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.reporting.inputs import Dimension, QuestionInfo
from survey.reporting.loader import group_names, item_scales, non_substantive, question_infos, school_comments
from survey.results.models import ResultSnapshot, RoundResult
from survey.results.service import ResultsNotReady, RoundResults, round_results
from survey.network.models import School
from survey.rounds.models import RoundState, SurveyRound, round_school

class Kept:
    """A small least-recently-used store shared by a process's threads: what a page computes once per stored
    version of a round's results."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: tuple, make):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = make()
        with self._lock:
            self._items[key] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found


_rounds = Kept(8)
_slices = Kept(512)  # schools' views of the kept rounds (a slice is a few hundred rows)


@dataclass(frozen=True)
class SchoolResults:
    """One school's slice of a round's results with the labels a page prints, in one language. `key` names
    the slice (the stored results' version, the school, the audience and the network's rules): what is
    computed from it alone may be kept under it."""

    key: tuple
    survey_round: SurveyRound
    code: str
    school_name: str
    language: str
    results: RoundResults  # `for_school` already applied (staff: school-level confidentiality)
    dimensions: list[Dimension]
    items: dict[str, tuple[str, str]]  # item key -> (dimension key, text)
    item_scales: dict[str, list[str]]
    reverse_items: frozenset[str]  # the reverse-worded items (marked, their answers coloured by meaning)
    non_substantive: dict[str, list[tuple[str, str]]]
    breakdowns: dict[str, str]  # breakdown key -> its heading (program, the background questions)
    group_names: dict[str, dict[str, str]]
    questions: list[QuestionInfo]
    comments: list[tuple[str, list[str]]]
    respondents: int
    structural: bool


def stored_results(survey_round: SurveyRound, today: date) -> tuple[tuple, RoundResults]:
    """The round's stored results (frozen, or an open round's snapshot), parsed at most once per process for
    each stored version, with the key they are kept under. Raises `ResultsNotReady` like `round_results`."""
    state = survey_round.state_on(today)
    model = {RoundState.CLOSED: RoundResult, RoundState.OPEN: ResultSnapshot}.get(state)
    stamp = None
    if model is not None:
        day = ResultSnapshot.as_of if model is ResultSnapshot else func.current_date()
        stamp = db.session.execute(select(model.content_hash, day).where(model.round_id == survey_round.id)).first()
    if stamp is None:
        raise ResultsNotReady(survey_round, state)
    key = (model.__name__, survey_round.id, stamp[0], stamp[1] if model is ResultSnapshot else None)
    results = _rounds.get(key, lambda: round_results(survey_round, today=today))
    return key, replace(results, round=survey_round)


def school_view(survey_round: SurveyRound, code: str, *, staff: bool, today: date,
                viewer_schools: tuple[str, ...] = ()) -> tuple[tuple, RoundResults]:
    """`RoundResults.for_school` of the stored results, kept like the results it is cut from (a school's staff
    view checks every network cell against the school's part, the same on every page until the results or
    the network's rules change), with its key."""
    network = survey_round.network
    key, results = stored_results(survey_round, today)
    key = (*key, code, staff, network.k_min, network.share_school_names, viewer_schools)
    return key, replace(_slices.get(key, lambda: results.for_school(code, staff=staff,
                                                                     viewer_schools=viewer_schools)),
                        round=survey_round)


def _text(labels: dict | None, language: str, fallback: str) -> str:
    labels = labels or {}
    return labels.get(language) or labels.get("da") or labels.get("en") or fallback


@dataclass(frozen=True)
class VersionLabels:
    """A questionnaire version's texts in one language, as a page prints them. A published version never
    changes (the catalog refuses it), so they are kept per process by version and language."""

    definition: object  # the parsed definition (`survey.catalog.operations.definition_of`)
    dimensions: list[Dimension]
    items: dict[str, tuple[str, str]]
    item_scales: dict[str, list[str]]
    reverse_items: frozenset[str]
    non_substantive: dict[str, list[tuple[str, str]]]
    breakdowns: dict[str, str]
    questions: list[QuestionInfo]
    structural: bool


_labels = Kept(64)


def version_labels(version, language: str) -> VersionLabels:
    def make() -> VersionLabels:
        definition = definition_of(version)
        return VersionLabels(
            definition=definition,
            dimensions=[Dimension(d.key, _text(d.title, language, d.key), d.is_overall) for d in version.dimensions],
            items={i.key: (i.dimension.key, _text(i.text, language, i.key)) for i in version.items},
            item_scales=item_scales(definition, language),
            reverse_items=frozenset(item.key for item in definition.rating_items() if item.reverse),
            non_substantive=non_substantive(definition, language),
            breakdowns={q.key: _text(q.text, language, q.key) for q in version.background_questions},
            questions=question_infos(definition, language), structural=definition.overall is not None)

    return _labels.get((version.id, version.checksum, language), make)


def school_results(survey_round: SurveyRound, code: str, language: str, *, staff: bool, today: date,
                   viewer_schools: tuple[str, ...] = ()) -> SchoolResults:
    """The school's results as its staff (`staff`) or a network admin see them, labelled in `language`.
    Comments only when the school has at least k_min responses, and for admins only where the network lets
    them read comments (METHOD.md, Anonymity)."""
    from survey.responses.models import Response

    key, results = school_view(survey_round, code, staff=staff, today=today, viewer_schools=viewer_schools)
    school = school_of_round(survey_round, code)
    version = survey_round.version
    labels = version_labels(version, language)
    network = survey_round.network
    respondents = db.session.scalar(select(func.count(Response.id)).where(
        Response.round_id == survey_round.id, Response.school_id == school.id)) or 0
    comments = (school_comments(survey_round, school, labels.definition, language)
                if respondents >= network.k_min and (staff or network.admins_read_comments) else [])
    return SchoolResults(
        key=key, survey_round=survey_round, code=code, school_name=school.name, language=language, results=results,
        dimensions=labels.dimensions, items=labels.items, item_scales=labels.item_scales,
        reverse_items=labels.reverse_items, non_substantive=labels.non_substantive, breakdowns=labels.breakdowns,
        group_names=group_names(school, version, language), questions=labels.questions, comments=comments,
        respondents=respondents, structural=labels.structural)


def school_of_round(survey_round: SurveyRound, code: str) -> School | None:
    """The round's school of that code, None when the round has no such school (one row, not the round's
    hundreds of schools)."""
    return db.session.scalar(select(School).join(round_school, round_school.c.school_id == School.id)
                             .where(round_school.c.round_id == survey_round.id, School.code == code))

