"""The evidence beside practice cards, loaded for many cards at once.

`evidence_for_cards(cards)` answers, for each card, its school's published index on each dimension the card
tags ("<family key>/<dimension key>") across the comparable closed rounds of the family's current lineage, and
the measured change since the practice began (`survey.analysis.evidence`). It is set-based because the network
learning view asks for thousands of cards: the cards' facts and tags in two queries, the rounds in one per
family; the series and changes of every school of a lineage are computed together from the rounds' frozen results
(read through `survey.results.service.round_results`) and kept per process, keyed by the rounds and their results'
content hashes (frozen results do not change; a re-freeze gives a new hash), so later calls only look them up.

Only published cells are used (a school's `all` row as every reader of the results gets it, "–" where
suppressed): the evidence tells a reader of a card nothing that the school's results do not publish.
`CardEvidence.shown()` writes the numbers in the reader's language for the macro
`templates/learning/_evidence.html`.
"""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from babel.dates import format_date
from sqlalchemy import bindparam, select

from survey.analysis.evidence import (MEASURED, NOT_MEASURED, EvidenceRound, change_since_start, evidence_series)
from survey.catalog.models import QuestionnaireFamily, QuestionnaireVersion
from survey.catalog.texts import text_in
from survey.extensions import db
from survey.network.models import Network, School
from survey.practices.models import PracticeCard, PracticeTag, TagKind
from survey.reporting.format import (format_index, format_interval, format_n, format_percent, format_signed,
                                     format_signed_interval)
from survey.results.loading import questionnaire_spec
from survey.results.models import RoundResult
from survey.results.service import lineage_root, round_results
from survey.rounds.models import SurveyRound

UP, DOWN = "up", "down"


@dataclass(frozen=True)
class RoundPoint:
    """A school's published cell of a dimension in one round: no number where it is suppressed."""

    round_id: int
    round_name: str
    closes_on: date
    n: int | None
    index: float | None
    ci_low: float | None
    ci_high: float | None
    response_rate: float | None
    suppressed: bool


@dataclass(frozen=True)
class MeasuredChange:
    """The change since the practice began: `status` one of `survey.analysis.evidence.STATUSES`; the numbers only
    when it is "measured". `flag` "up", "down" or "" (the METHOD.md v2 trend rule)."""

    status: str
    baseline: RoundPoint | None = None
    latest: RoundPoint | None = None
    change: float | None = None
    change_low: float | None = None
    change_high: float | None = None
    q_value: float | None = None
    flag: str = ""


@dataclass(frozen=True)
class DimensionEvidence:
    tag: str  # "<family key>/<dimension key>" as the card tags it
    family: str
    dimension: str
    title: Mapping[str, str]  # the dimension's title by language (the latest round's questionnaire); {} unknown
    series: tuple[RoundPoint, ...]  # oldest first
    change: MeasuredChange


@dataclass(frozen=True)
class CardEvidence:
    card_id: int
    school: str  # the card's school's code
    started_on: date | None
    minimal_difference: float  # the network's minimal important difference (index points)
    k_min: int  # the network's minimum group size, for the footnote of "–"
    dimensions: tuple[DimensionEvidence, ...]  # one per dimension tag of the card, in the card's tag order

    def shown(self, language: str | None = None) -> list[ShownDimension]:
        """The evidence written in `language` (default: the reader's), for the macro."""
        return [_shown(dimension, self, language or _reader_language()) for dimension in self.dimensions]


@dataclass(frozen=True)
class ShownRound:
    round: str
    closed: str
    index: str
    interval: str
    n: str
    response_rate: str


@dataclass(frozen=True)
class ShownDimension:
    tag: str
    title: str
    rows: list[ShownRound]
    status: str
    change: str
    interval: str
    flag: str
    baseline: str
    latest: str
    started: str
    minimal_difference: str


def card_evidence(card: PracticeCard, *, today: date | None = None) -> CardEvidence:
    """The evidence beside one card (`evidence_for_cards` for a list of one)."""
    return evidence_for_cards([card], today=today)[card.id]


def evidence_for_cards(cards: Iterable[PracticeCard], *, today: date | None = None) -> dict[int, CardEvidence]:
    """Card id -> its evidence, for every card given (drafts too: the caller decides who reads what)."""
    today = today or date.today()
    ids = sorted({int(card.id) for card in cards})
    if not ids:
        return {}
    # thousands of ids: written into the SQL as integers, not sent as as many parameters (3x faster on psycopg)
    wanted_ids = bindparam("ids", ids, expanding=True, literal_execute=True)
    facts = db.session.execute(
        select(PracticeCard.id, PracticeCard.network_id, School.code, PracticeCard.started_on)
        .join(School, PracticeCard.school_id == School.id).where(PracticeCard.id.in_(wanted_ids))).all()
    tags: dict[int, list[str]] = defaultdict(list)
    for card_id, value in db.session.execute(
            select(PracticeTag.card_id, PracticeTag.value)
            .where(PracticeTag.card_id.in_(wanted_ids), PracticeTag.kind == TagKind.DIMENSION.value)
            .order_by(PracticeTag.card_id, PracticeTag.value)):
        tags[card_id].append(value)
    networks = {network.id: network for network in db.session.scalars(
        select(Network).where(Network.id.in_({network_id for _, network_id, _, _ in facts})))}

    wanted: dict[tuple[int, str], list] = defaultdict(list)  # (network, family) -> the cards' facts
    for fact in facts:
        for family in {_split(tag)[0] for tag in tags[fact.id]}:
            wanted[(fact.network_id, family)].append(fact)
    lineages = {key: _lineage(key, {fact.started_on for fact in cards_facts}, networks[key[0]], today)
                for key, cards_facts in wanted.items()}

    evidence = {}
    for fact in facts:
        network = networks[fact.network_id]
        dimensions = []
        for tag in tags[fact.id]:
            family, dimension = _split(tag)
            lineage = lineages.get((fact.network_id, family))
            dimensions.append(lineage.dimension(tag, fact.code, fact.started_on) if lineage
                              else DimensionEvidence(tag, family, dimension, {}, (), MeasuredChange(NOT_MEASURED)))
        evidence[fact.id] = CardEvidence(fact.id, fact.code, fact.started_on, float(network.minimal_difference),
                                         network.k_min, tuple(dimensions))
    return evidence


def _split(tag: str) -> tuple[str, str]:
    family, _, dimension = tag.partition("/")
    return family, dimension


class _Lineage:
    """One family's current lineage in a network, as plain data: its rounds' names and closing days, and the
    evidence of every school in them for each start "bucket" (practices begun between the same two rounds share
    their baselines). Kept per process (`_LINEAGES`, keyed by everything the numbers depend on: the rounds, their
    frozen results' hashes and the network's k_min and minimal difference), so that it is computed once."""

    def __init__(self, key: tuple):
        self.key = key
        self.names = {round_id: name for round_id, name, _, _ in key[0]}
        self.closes = [closes for _, _, closes, _ in key[0]]
        self.closed = {round_id: closes for round_id, _, closes, _ in key[0]}
        self.titles: dict[str, dict] = {}
        self.points: dict[tuple[str, str], tuple[RoundPoint, ...]] | None = None
        self.changes: dict[int, dict[tuple[str, str], MeasuredChange]] = {}
        self.made: dict[tuple[str, str, int], DimensionEvidence] = {}

    def bucket(self, start: date | None) -> int:
        """How many of the lineage's rounds closed before the practice began (-1: no start given)."""
        return -1 if start is None else bisect_left(self.closes, start)  # closes: in order

    def prepare(self, rounds: list[SurveyRound], network: Network, today: date, buckets: set[int]) -> None:
        """Compute the series and the changes of `buckets` that this process has not computed yet, from the
        rounds' frozen results (`rounds`: this lineage's rounds, loaded in the current session)."""
        specs: dict[int, object] = {}
        for survey_round in rounds:
            if survey_round.version_id not in specs:
                specs[survey_round.version_id] = questionnaire_spec(survey_round.version)
        ordered = [EvidenceRound(r.id, r.closes_on, specs[r.version_id]) for r in rounds]
        cells = pd.concat([_school_cells(r, today) for r in rounds], ignore_index=True)
        if self.points is None:
            self.titles = {d.key: dict(d.title or {}) for d in rounds[-1].version.dimensions}
            self.points = self._points(evidence_series(cells, ordered))
        for bucket in buckets - set(self.changes):
            start = None if bucket < 0 else (self.closes[bucket - 1] + timedelta(days=1) if bucket else date.min)
            self.changes[bucket] = self._changes(change_since_start(
                cells, ordered, start, k_min=network.k_min, minimal_difference=network.minimal_difference))

    def _point(self, row) -> RoundPoint:
        round_id = int(row["round"])
        return RoundPoint(round_id, self.names[round_id], self.closed[round_id],
                          None if pd.isna(row["n"]) else int(row["n"]), _number(row["index"]),
                          _number(row["ci_low"]), _number(row["ci_high"]), _number(row["response_rate"]),
                          bool(row["suppressed"]))

    def _points(self, series: pd.DataFrame) -> dict[tuple[str, str], tuple[RoundPoint, ...]]:
        found: dict[tuple[str, str], list[RoundPoint]] = defaultdict(list)
        for row in series.to_dict("records"):
            found[(row["school"], row["dimension"])].append(self._point(row))
        return {key: tuple(points) for key, points in found.items()}

    def _changes(self, table: pd.DataFrame) -> dict[tuple[str, str], MeasuredChange]:
        changes = {}
        for row in table.to_dict("records"):
            key = (row["school"], row["dimension"])
            if row["status"] != MEASURED:
                changes[key] = MeasuredChange(row["status"])
                continue
            points = {point.round_id: point for point in self.points.get(key, ())}
            changes[key] = MeasuredChange(MEASURED, points.get(int(row["baseline_round"])),
                                          points.get(int(row["latest_round"])), _number(row["change"]),
                                          _number(row["change_low"]), _number(row["change_high"]),
                                          _number(row["q_value"]), row["flag"])
        return changes

    def dimension(self, tag: str, school: str, started_on: date | None) -> DimensionEvidence:
        """The evidence of one tag at one school (the same object for every card that shares all three)."""
        key = (tag, school, self.bucket(started_on))
        made = self.made.get(key)
        if made is None:
            family, dimension = _split(tag)
            change = self.changes[key[2]].get((school, dimension), MeasuredChange(NOT_MEASURED))
            made = self.made[key] = DimensionEvidence(tag, family, dimension, self.titles.get(dimension, {}),
                                                      self.points.get((school, dimension), ()), change)
        return made


_LINEAGES: OrderedDict[tuple, _Lineage] = OrderedDict()
_LINEAGES_KEPT = 64
_LOCK = threading.Lock()


def _lineage(key: tuple[int, str], starts: set[date | None], network: Network, today: date) -> _Lineage | None:
    """The family's closed rounds with frozen results in the lineage of its latest such round (None: none), with
    the evidence for `starts` ready."""
    network_id, family = key
    found = db.session.execute(
        select(SurveyRound, RoundResult.content_hash)
        .join(QuestionnaireVersion, SurveyRound.version_id == QuestionnaireVersion.id)
        .join(QuestionnaireFamily, QuestionnaireVersion.family_id == QuestionnaireFamily.id)
        .join(RoundResult, RoundResult.round_id == SurveyRound.id)
        .where(SurveyRound.network_id == network_id, QuestionnaireFamily.key == family,
               SurveyRound.closes_on < today)
        .order_by(SurveyRound.closes_on, SurveyRound.id)).all()
    if not found:
        return None
    root = lineage_root(found[-1][0].version)
    rounds = [survey_round for survey_round, _ in found if lineage_root(survey_round.version) == root]
    hashes = {survey_round.id: content for survey_round, content in found}
    key = (tuple((r.id, r.name, r.closes_on, hashes[r.id]) for r in rounds), network.k_min,
           float(network.minimal_difference))
    with _LOCK:
        lineage = _LINEAGES.get(key)
        if lineage is None:
            lineage = _LINEAGES[key] = _Lineage(key)
            while len(_LINEAGES) > _LINEAGES_KEPT:
                _LINEAGES.popitem(last=False)
        _LINEAGES.move_to_end(key)
        buckets = {lineage.bucket(start) for start in starts}
        if lineage.points is None or not buckets <= set(lineage.changes):
            lineage.prepare(rounds, network, today, buckets)
    return lineage


def _school_cells(survey_round: SurveyRound, today: date) -> pd.DataFrame:
    """Every school's published `all` cells of a closed round (what any reader of the results gets)."""
    aggregates = round_results(survey_round, today=today).aggregates
    rows = (aggregates["breakdown"] == "all").to_numpy() & (aggregates["school"] != "NETWORK").to_numpy()
    if "level" in aggregates.columns:
        rows &= (aggregates["level"] == "school").to_numpy()
    cells = aggregates.loc[rows, _CELL_COLUMNS].reset_index(drop=True)
    cells["school"] = cells["school"].astype(str)
    return cells.assign(round=survey_round.id)


_CELL_COLUMNS = ["school", "dimension", "n", "index", "sd", "ci_low", "ci_high", "response_rate", "suppressed"]


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _reader_language() -> str:
    from survey.results.dashboard.page import page_language
    return page_language()


def _shown(dimension: DimensionEvidence, card: CardEvidence, language: str) -> ShownDimension:
    rows = [ShownRound(point.round_name, format_date(point.closes_on, "medium", locale=language),
                       format_index(point.index, language), format_interval(point.ci_low, point.ci_high, language),
                       format_n(point.n, point.suppressed), format_percent(point.response_rate, language))
            for point in dimension.series]
    change = dimension.change
    return ShownDimension(
        tag=dimension.tag, title=text_in(dimension.title, language) if dimension.title else dimension.dimension,
        rows=rows, status=change.status, change=format_signed(change.change, language),
        interval=format_signed_interval(change.change_low, change.change_high, language), flag=change.flag,
        baseline=change.baseline.round_name if change.baseline else "",
        latest=change.latest.round_name if change.latest else "",
        started=format_date(card.started_on, "MMMM y", locale=language) if card.started_on else "",
        minimal_difference=format_signed(card.minimal_difference, language).lstrip("+"))
