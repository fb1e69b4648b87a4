"""Results per round: frozen once the round closes, provisional while it is open.

`round_results(round)` is the one entry point for every presenter (pages, exports, API, reports):

- closed round: the stored `RoundResult` (computed and stored on the first call; later calls read it and
  never recompute), `frozen=True`;
- open (or draft) round: computed from the responses so far, not stored, `frozen=False` (for admins).

Like every operation here it flushes and never commits: the request or CLI command that calls it commits.
The stored `RoundResult.aggregates` is the aggregates table as Parquet; the item table travels inside the same
file (Parquet key-value metadata `benchlearn.items`, itself Parquet), so one column keeps both tables.
The content hash is sha256 over the canonical CSV text of both tables (`compute.content_hash`): the same
responses give the same hash on SQLite and PostgreSQL.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Program, School
from survey.results.compute import ComputedResults, PreviousRound, compute_results, content_hash
from survey.results.loading import load_round, questionnaire_spec
from survey.results.models import RoundResult
from survey.rounds.models import Population, RoundState, SurveyRound

_ITEMS_KEY = b"benchlearn.items"


@dataclass(frozen=True)
class RoundResults:
    """A round's results. `aggregates` and `items`: see `survey.results.compute`. `frozen`: stored for a
    closed round (else provisional). `computed_at`: when the numbers were computed (UTC)."""

    round: SurveyRound
    aggregates: pd.DataFrame
    items: pd.DataFrame
    content_hash: str
    frozen: bool
    computed_at: datetime
    responses: int

    def for_school(self, code: str) -> RoundResults:
        """Only the school's own rows and the NETWORK rows (what the school's staff may see)."""
        keep = self.aggregates["school"].isin([code, "NETWORK"])
        keep_items = self.items["school"].isin([code, "NETWORK"])
        return RoundResults(self.round, self.aggregates[keep].reset_index(drop=True),
                            self.items[keep_items].reset_index(drop=True), self.content_hash, self.frozen,
                            self.computed_at, self.responses)


def round_results(survey_round: SurveyRound, *, today: date | None = None) -> RoundResults:
    """The round's results: frozen for a closed round (computed and stored on first call), provisional
    (not stored) for an open or draft one."""
    today = today or date.today()
    if survey_round.state_on(today) is not RoundState.CLOSED:
        computed = compute_round(survey_round, today=today)
        return RoundResults(survey_round, computed.aggregates, computed.items, computed.content_hash,
                            False, datetime.now(timezone.utc), computed.responses)
    stored = db.session.get(RoundResult, survey_round.id)
    if stored is None:
        stored = freeze_round_results(survey_round, today=today)
    return _from_stored(survey_round, stored)


def freeze_round_results(survey_round: SurveyRound, *, today: date | None = None) -> RoundResult:
    """Compute and store a closed round's results; an already frozen round is returned unchanged."""
    today = today or date.today()
    if survey_round.state_on(today) is not RoundState.CLOSED:
        raise ValueError(f"round {survey_round.name!r} is not closed: its results cannot be frozen yet")
    stored = db.session.get(RoundResult, survey_round.id)
    if stored is not None:
        return stored
    computed = compute_round(survey_round, today=today)
    stored = RoundResult(round_id=survey_round.id, content_hash=computed.content_hash,
                         responses=computed.responses, computed_at=datetime.now(timezone.utc),
                         aggregates=to_parquet(computed.aggregates, computed.items))
    db.session.add(stored)
    db.session.flush()
    return stored


def compute_round(survey_round: SurveyRound, *, today: date | None = None) -> ComputedResults:
    """Load the round's responses and compute its complete results (not stored)."""
    network = survey_round.network
    data = load_round(survey_round)
    return compute_results(
        data,
        k_min=network.k_min,
        driver_min_cases=network.driver_min_cases,
        schools=tuple(school.code for school in survey_round.schools),
        populations=_populations(survey_round),
        previous=_previous(survey_round, today or date.today()),
    )


def previous_round(survey_round: SurveyRound, today: date) -> SurveyRound | None:
    """The latest closed round of the same network and questionnaire family that closed before this one
    opened."""
    family_id = survey_round.version.family_id
    return db.session.scalar(
        select(SurveyRound).join(QuestionnaireVersion, SurveyRound.version_id == QuestionnaireVersion.id)
        .where(SurveyRound.network_id == survey_round.network_id, SurveyRound.id != survey_round.id,
               QuestionnaireVersion.family_id == family_id, SurveyRound.closes_on < survey_round.opens_on,
               SurveyRound.closes_on < today)
        .order_by(SurveyRound.closes_on.desc(), SurveyRound.id.desc()).limit(1))


def _previous(survey_round: SurveyRound, today: date) -> PreviousRound | None:
    earlier = previous_round(survey_round, today)
    if earlier is None:
        return None
    results = round_results(earlier, today=today)
    return PreviousRound(results.aggregates, questionnaire_spec(earlier.version))


def _populations(survey_round: SurveyRound) -> pd.DataFrame:
    rows = db.session.execute(
        select(School.code, Program.code, Population.size)
        .join(Program, Population.program_id == Program.id).join(School, Program.school_id == School.id)
        .where(Population.round_id == survey_round.id)).all()
    return pd.DataFrame(rows, columns=["school", "program", "size"])


def _from_stored(survey_round: SurveyRound, stored: RoundResult) -> RoundResults:
    aggregates, items = from_parquet(stored.aggregates)
    computed_at = stored.computed_at
    if computed_at.tzinfo is None:  # SQLite keeps no time zone; the value was stored in UTC
        computed_at = computed_at.replace(tzinfo=timezone.utc)
    return RoundResults(survey_round, aggregates, items, stored.content_hash, True, computed_at,
                        stored.responses)


def to_parquet(aggregates: pd.DataFrame, items: pd.DataFrame) -> bytes:
    """One Parquet file: the aggregates table, with the item table (Parquet too) in its metadata."""
    item_table = pa.Table.from_pandas(items, preserve_index=False)
    item_buffer = io.BytesIO()
    pq.write_table(item_table, item_buffer, compression="zstd")
    table = pa.Table.from_pandas(aggregates, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[_ITEMS_KEY] = base64.b64encode(item_buffer.getvalue())
    table = table.replace_schema_metadata(metadata)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def from_parquet(payload: bytes) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = pq.read_table(io.BytesIO(payload))
    encoded = (table.schema.metadata or {}).get(_ITEMS_KEY)
    items = (pq.read_table(io.BytesIO(base64.b64decode(encoded))).to_pandas() if encoded is not None
             else pd.DataFrame())
    return table.to_pandas(), items


def verify(stored: RoundResult) -> bool:
    """Whether the stored tables still give the stored hash."""
    aggregates, items = from_parquet(stored.aggregates)
    return content_hash(aggregates, items) == stored.content_hash
