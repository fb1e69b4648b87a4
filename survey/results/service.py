"""Per round results, as every presenter reads them: frozen once the round has closed, a dated provisional
snapshot while it is open. Reading never writes.

`round_results(round)` is the one entry point for every presenter (pages, exports, API, reports):

- closed round: its stored `RoundResult`, `frozen=True`;
- open round: its stored `ResultSnapshot`, `frozen=False`, `as_of` the day it was taken;
- otherwise (a draft, a closed round not frozen yet, an open round before its first snapshot):
  `ResultsNotReady`, which presenters show as "results are being prepared".

Nothing here stores anything: the results are frozen and the snapshots taken by explicit operations
(`survey.results.operations`: the periodic job `results.freeze_due` from Celery beat or `benchlearn jobs run-due`, `benchlearn results freeze-due`, or "Close now"), never by
whichever reader comes first. `compute_round` computes without storing, for those operations.
The stored `aggregates` is the aggregates table as Parquet; the item and partner tables travel
inside the same file (Parquet key-value metadata `benchlearn.items` and `benchlearn.partners`, each itself
Parquet), so one column keeps the three tables. A fourth, `benchlearn.contributions`, holds each school's exact
part of every network cell: never shown, only checked against (school-level confidentiality,
`RoundResults.for_school`). The content hash is sha256 over the canonical CSV text of the
three published tables (`compute.content_hash`): the same responses give the same hash on SQLite and PostgreSQL.
Results frozen before partners were stored have no `benchlearn.partners`: their partners table is empty and
their hash covers the first two tables, as when they were frozen.

No presenter ever gets a suppressed cell's exact n: results computed now carry none (`n` <NA>, with
`suppression` and `n_shown`, see `survey.results.compute`), and results frozen before that are passed through
the same `survey.analysis.hide_suppressed_n` when read (under the network's k_min); their stored bytes and
content hash stay as they were frozen.
"""
from __future__ import annotations

import base64
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from survey.analysis import hide_suppressed_n
from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Program, School
from survey.results.compute import (LEVEL, ComputedResults, PreviousRound, SchoolFacts, compute_results, content_hash,
                                    empty_partners)
from survey.results.loading import load_round, questionnaire_spec
from survey.results.models import ResultSnapshot, RoundResult
from survey.results.questions import empty_questions
from survey.results.staff_view import staff_questions, staff_view
from survey.rounds.models import Population, RoundState, SurveyRound

_ITEMS_KEY = b"benchlearn.items"
_PARTNERS_KEY = b"benchlearn.partners"
_CONTRIBUTIONS_KEY = b"benchlearn.contributions"
_QUESTIONS_KEY = b"benchlearn.questions"


@dataclass(frozen=True)
class RoundResults:
    """A round's results. `aggregates`, `items` and `partners`: see `survey.results.compute`. `frozen`: a
    closed round's final results (else a provisional snapshot, taken on `as_of`). `computed_at`: when the
    numbers were computed (UTC)."""

    round: SurveyRound
    aggregates: pd.DataFrame
    items: pd.DataFrame
    content_hash: str
    frozen: bool
    computed_at: datetime
    responses: int
    partners: pd.DataFrame = field(default_factory=empty_partners)
    as_of: date | None = None
    # each school's exact part of every network cell (never shown); None: frozen before it was kept
    contributions: pd.DataFrame | None = None
    # the background questions' item results (`survey.results.questions`); empty: frozen before they were kept
    questions: pd.DataFrame = field(default_factory=empty_questions)

    def for_organiser(self, code: str, schools: Collection[str]) -> RoundResults:
        """What an organiser's staff see: the NETWORK rows, the organiser's own rows and its schools' `all`
        rows as published. The network cells follow school-level confidentiality with the organiser's schools
        taken together as the viewer (`survey.results.staff_view`): a network cell is shown only when it pools
        at least 3 schools (the organiser counting as one) and k_min respondents outside the organiser."""
        viewer = f"organiser:{code}"
        contributions = _as_one_viewer(self.contributions, schools, viewer)
        level = self.aggregates[LEVEL] if LEVEL in self.aggregates.columns else None
        own = self.aggregates["school"].isin(list(schools)) & (self.aggregates["breakdown"] == "all")
        if level is not None:
            own &= level == "school"
            own |= (level == "organiser") & (self.aggregates["school"] == code)
        keep = ((self.aggregates["school"] == "NETWORK") & _not_organiser(self.aggregates)) | own
        keep_items = (self.items["school"] == "NETWORK") & _not_organiser(self.items)
        if LEVEL in self.items.columns:
            keep_items |= (self.items[LEVEL] == "organiser") & (self.items["school"] == code)
        aggregates, items = staff_view(self.aggregates[keep].reset_index(drop=True),
                                       self.items[keep_items].reset_index(drop=True), contributions, viewer,
                                       self.round.network.k_min)
        return RoundResults(self.round, aggregates, items, self.content_hash, self.frozen, self.computed_at,
                            self.responses, empty_partners(), self.as_of, None, empty_questions())

    def for_school(self, code: str, *, staff: bool = True, viewer_schools: Collection[str] = ()) -> RoundResults:
        """Only the school's own rows and the NETWORK rows: its own list of benchmark partners, whose codes are
        blanked unless the network shares school names (the label is then the anonymous one). With `staff`
        (what the school's staff see, in every output they read: pages, exports, API, the school's PDF) the
        network cells that fail school-level confidentiality for this school are shown as suppressed
        (`survey.results.staff_view`); `staff=False` is a network admin's view of the school. `viewer_schools`:
        a reader who knows several schools' parts (an organiser's staff, who read each of its schools): the
        network cells are checked against those schools taken together, so that reading two schools' pages
        tells no more than the organiser's own page."""
        keep = self.aggregates["school"].isin([code, "NETWORK"]) & _not_organiser(self.aggregates)
        keep_items = self.items["school"].isin([code, "NETWORK"]) & _not_organiser(self.items)
        aggregates = self.aggregates[keep].reset_index(drop=True)
        items = self.items[keep_items].reset_index(drop=True)
        questions = self.questions[self.questions["school"].isin([code, "NETWORK"])].reset_index(drop=True)
        if staff:
            viewer, contributions = code, self.contributions
            if viewer_schools:
                viewer = "viewer:" + ",".join(sorted(viewer_schools))
                contributions = _as_one_viewer(contributions, [code, *viewer_schools], viewer)
            aggregates, items = staff_view(aggregates, items, contributions, viewer, self.round.network.k_min)
            questions = staff_questions(questions, contributions, viewer, self.round.network.k_min)
        partners = self.partners[self.partners["school"] == code].reset_index(drop=True)
        if not self.round.network.share_school_names:
            partners = partners.assign(partner_school=pd.Series(pd.NA, index=partners.index, dtype="str"))
        return RoundResults(self.round, aggregates, items, self.content_hash, self.frozen,
                            self.computed_at, self.responses, partners, self.as_of, None, questions)


def _not_organiser(table: pd.DataFrame) -> pd.Series:
    """The rows that are not an organiser's (whose code may equal a school's)."""
    if LEVEL not in table.columns:
        return pd.Series(True, index=table.index)
    return table[LEVEL] != "organiser"


class ResultsNotReady(LookupError):
    """The round has no results to show yet: a draft, a closed round whose results are not frozen yet, or an
    open round before its first daily snapshot. Presenters say the results are being prepared."""

    def __init__(self, survey_round: SurveyRound, state: RoundState):
        self.round, self.state = survey_round, state
        if state is RoundState.DRAFT:
            message = f"round '{survey_round.name}' has not opened yet: it has no results"
        elif state is RoundState.CLOSED:
            message = (f"the results of round '{survey_round.name}' are being prepared: the periodic job freezes "
                       "them shortly after the round closes")
        else:
            message = (f"the provisional results of round '{survey_round.name}' are being prepared: the periodic "
                       "job takes a snapshot once a day")
        super().__init__(message)


def round_results(survey_round: SurveyRound, *, today: date | None = None) -> RoundResults:
    """The round's stored results: frozen for a closed round, the latest daily snapshot for an open one.
    Raises `ResultsNotReady` when there are none (yet); never computes or stores anything."""
    state = survey_round.state_on(today or date.today())
    if state is RoundState.CLOSED:
        stored = db.session.get(RoundResult, survey_round.id)
    elif state is RoundState.OPEN:
        stored = db.session.get(ResultSnapshot, survey_round.id)
    else:
        stored = None
    if stored is None:
        raise ResultsNotReady(survey_round, state)
    return _from_stored(survey_round, stored)


def stored_results_of(round_ids: list[int]) -> tuple[set[int], dict[int, date]]:
    """Of these rounds: those with frozen results, and the day of each one's provisional snapshot."""
    frozen = set(db.session.scalars(select(RoundResult.round_id).where(RoundResult.round_id.in_(round_ids))))
    snapshots = dict(db.session.execute(select(ResultSnapshot.round_id, ResultSnapshot.as_of)
                                        .where(ResultSnapshot.round_id.in_(round_ids))).all())
    return frozen, snapshots


def compute_round(survey_round: SurveyRound, *, today: date | None = None) -> ComputedResults:
    """Load the round's responses and compute its complete results (not stored)."""
    network = survey_round.network
    data = load_round(survey_round)
    return compute_results(
        data,
        k_min=network.k_min,
        driver_min_cases=network.driver_min_cases,
        minimal_difference=network.minimal_difference,
        seed=f"{survey_round.network.name}\x1f{survey_round.name}",
        schools=tuple(school.code for school in survey_round.schools),
        populations=_populations(survey_round),
        previous=_previous(survey_round, today or date.today()),
        school_facts=SchoolFacts(types={school.code: school.type for school in survey_round.schools},
                                 names={school.code: school.name for school in survey_round.schools},
                                 share_names=network.share_school_names,
                                 organisers={school.code: school.organiser.code for school in survey_round.schools
                                             if school.organiser is not None}),
        organisers={school.code: school.organiser.code for school in survey_round.schools
                    if school.organiser is not None},
    )


def _as_one_viewer(contributions: pd.DataFrame | None, schools: Collection[str], viewer: str
                   ) -> pd.DataFrame | None:
    """The schools' exact parts of the network cells with `schools` counted as one contributor, `viewer`: what a
    reader who knows all of their parts checks a network cell against (school-level confidentiality)."""
    if contributions is None:
        return None
    merged = contributions.assign(school=contributions["school"].where(
        ~contributions["school"].isin(list(schools)), viewer))
    return merged.groupby(["table", "school", "breakdown", "group", "cell"], as_index=False, sort=False)["n"].sum()


def lineage_root(version: QuestionnaireVersion) -> int:
    """The id of the first version of `version`'s lineage: where its chain of `previous` versions starts."""
    seen: set[int] = set()
    while version.previous is not None and version.id not in seen:
        seen.add(version.id)
        version = version.previous
    return version.id


def previous_round(survey_round: SurveyRound, today: date) -> SurveyRound | None:
    """The earlier round for the trends (METHOD.md, Trends): the last round of the network that closed before
    this one opened (and before today) whose questionnaire shares lineage with this one's, i.e. whose chain
    of `previous` versions starts where this one's does. Not merely the same family name: a family may start
    a new lineage (a version without `previous`), and rounds of other families never count."""
    root = lineage_root(survey_round.version)
    candidates = db.session.scalars(
        select(SurveyRound)
        .where(SurveyRound.network_id == survey_round.network_id, SurveyRound.id != survey_round.id,
               SurveyRound.closes_on < survey_round.opens_on, SurveyRound.closes_on < today)
        .order_by(SurveyRound.closes_on.desc(), SurveyRound.id.desc()))
    return next((earlier for earlier in candidates if lineage_root(earlier.version) == root), None)


def _previous(survey_round: SurveyRound, today: date) -> PreviousRound | None:
    """The previous round's results for the trends: frozen ones, else computed the same way (not stored)."""
    earlier = previous_round(survey_round, today)
    if earlier is None:
        return None
    try:
        results = round_results(earlier, today=today)
    except ResultsNotReady:
        results = compute_round(earlier, today=today)
    return PreviousRound(results.aggregates, questionnaire_spec(earlier.version), results.contributions)


def _populations(survey_round: SurveyRound) -> pd.DataFrame:
    rows = db.session.execute(
        select(School.code, Program.code, Population.size)
        .join(Program, Population.program_id == Program.id).join(School, Program.school_id == School.id)
        .where(Population.round_id == survey_round.id)).all()
    return pd.DataFrame(rows, columns=["school", "program", "size"])


def _from_stored(survey_round: SurveyRound, stored: RoundResult | ResultSnapshot) -> RoundResults:
    """Results as stored: frozen (`RoundResult`) or a provisional snapshot (`ResultSnapshot`)."""
    aggregates, items, partners = from_parquet(stored.aggregates)
    k_min = survey_round.network.k_min
    aggregates, items = hide_suppressed_n(aggregates, k_min), hide_suppressed_n(items, k_min)
    questions = questions_from_parquet(stored.aggregates)
    computed_at = stored.computed_at
    if computed_at.tzinfo is None:  # SQLite keeps no time zone; the value was stored in UTC
        computed_at = computed_at.replace(tzinfo=timezone.utc)
    snapshot = isinstance(stored, ResultSnapshot)
    return RoundResults(survey_round, aggregates, items, stored.content_hash, not snapshot, computed_at,
                        stored.responses, empty_partners() if partners is None else partners,
                        stored.as_of if snapshot else None, contributions_from_parquet(stored.aggregates),
                        empty_questions() if questions is None else hide_suppressed_n(questions, k_min))


def _table_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer, compression="zstd")
    return base64.b64encode(buffer.getvalue())


def _table_from(encoded: bytes) -> pd.DataFrame:
    return pq.read_table(io.BytesIO(base64.b64decode(encoded))).to_pandas()


def to_parquet(aggregates: pd.DataFrame, items: pd.DataFrame, partners: pd.DataFrame,
               contributions: pd.DataFrame | None = None, questions: pd.DataFrame | None = None) -> bytes:
    """One Parquet file: the aggregates table, with the item, partner and contribution tables (Parquet too)
    in its metadata."""
    table = pa.Table.from_pandas(aggregates, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[_ITEMS_KEY] = _table_bytes(items)
    metadata[_PARTNERS_KEY] = _table_bytes(partners)
    if contributions is not None:
        metadata[_CONTRIBUTIONS_KEY] = _table_bytes(contributions)
    if questions is not None:
        metadata[_QUESTIONS_KEY] = _table_bytes(questions)
    table = table.replace_schema_metadata(metadata)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def from_parquet(payload: bytes) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """aggregates, items, partners (None when the results were frozen before partners were stored)."""
    table = pq.read_table(io.BytesIO(payload))
    metadata = table.schema.metadata or {}
    items = _table_from(metadata[_ITEMS_KEY]) if _ITEMS_KEY in metadata else pd.DataFrame()
    partners = _table_from(metadata[_PARTNERS_KEY]) if _PARTNERS_KEY in metadata else None
    return table.to_pandas(), items, partners


def contributions_from_parquet(payload: bytes) -> pd.DataFrame | None:
    """The schools' parts of the network cells, None when the results were frozen without them."""
    metadata = pq.read_schema(io.BytesIO(payload)).metadata or {}
    return _table_from(metadata[_CONTRIBUTIONS_KEY]) if _CONTRIBUTIONS_KEY in metadata else None


def questions_from_parquet(payload: bytes) -> pd.DataFrame | None:
    """The background questions' results, None when the results were frozen without them."""
    metadata = pq.read_schema(io.BytesIO(payload)).metadata or {}
    return _table_from(metadata[_QUESTIONS_KEY]) if _QUESTIONS_KEY in metadata else None


def verify(stored: RoundResult) -> bool:
    """Whether the stored tables still give the stored hash."""
    payload = stored.aggregates
    return content_hash(*from_parquet(payload), questions_from_parquet(payload)) == stored.content_hash
