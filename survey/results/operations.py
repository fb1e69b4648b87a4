"""The writes of results: freezing a closed round, the daily snapshot of an open one, "Close now".

Readers never store results (`survey.results.service`); these operations do, when they are due:
the periodic job `results.freeze_due` (`survey.results.jobs`: Celery beat, or `benchlearn jobs run-due` from
cron), `benchlearn results freeze-due` and an admin's "Close now" call them. Like every operation they flush and
never commit: the CLI command, task or request that calls them commits once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import delete, or_, select

from survey.extensions import db
from survey.results.models import ResultSnapshot, RoundResult
from survey.results.service import compute_round, to_parquet
from survey.rounds.models import RoundState, SurveyRound
from survey.rounds.operations import close_now

log = logging.getLogger(__name__)


def freeze_round_results(survey_round: SurveyRound, *, today: date | None = None,
                         now: datetime | None = None) -> RoundResult:
    """Compute and store a closed round's results, and drop its last provisional snapshot (nothing reads it
    any more); an already frozen round is returned unchanged."""
    today = today or date.today()
    if survey_round.state_on(today) is not RoundState.CLOSED:
        raise ValueError(f"round {survey_round.name!r} is not closed: its results cannot be frozen yet")
    stored = db.session.get(RoundResult, survey_round.id)
    if stored is not None:
        return stored
    stored = RoundResult(round_id=survey_round.id, **_computed_columns(survey_round, today, now))
    db.session.add(stored)
    db.session.execute(delete(ResultSnapshot).where(ResultSnapshot.round_id == survey_round.id))
    db.session.flush()
    return stored


def take_snapshot(survey_round: SurveyRound, *, today: date | None = None,
                  now: datetime | None = None) -> ResultSnapshot:
    """Store an open round's provisional results as of `today`, replacing an earlier day's snapshot; a
    snapshot of today already is returned unchanged (at most one a day)."""
    today = today or date.today()
    if survey_round.state_on(today) is not RoundState.OPEN:
        raise ValueError(f"round {survey_round.name!r} is not open: it has no provisional results")
    stored = db.session.get(ResultSnapshot, survey_round.id)
    if stored is not None and stored.as_of >= today:
        return stored
    columns = _computed_columns(survey_round, today, now)  # computed before a new row can be autoflushed
    if stored is None:
        stored = ResultSnapshot(round_id=survey_round.id)
        db.session.add(stored)
    stored.as_of = today
    for name, value in columns.items():
        setattr(stored, name, value)
    db.session.flush()
    return stored


def _computed_columns(survey_round: SurveyRound, today: date, now: datetime | None) -> dict[str, object]:
    """The round's results computed now, as the columns that frozen results and snapshots both hold."""
    computed = compute_round(survey_round, today=today)
    return {
        "content_hash": computed.content_hash,
        "responses": computed.responses,
        "computed_at": now or datetime.now(timezone.utc),
        "aggregates": to_parquet(computed.aggregates, computed.items, computed.partners, computed.contributions,
                                  computed.questions),
    }


@dataclass
class DueRun:
    """What one run of the periodic job did: rounds frozen, rounds snapshotted, and rounds that failed (with
    the error), which the others never wait for."""

    frozen: list[SurveyRound] = field(default_factory=list)
    snapshots: list[SurveyRound] = field(default_factory=list)
    failed: list[tuple[SurveyRound, str]] = field(default_factory=list)


def freeze_due_rounds(*, today: date | None = None, now: datetime | None = None) -> DueRun:
    """The periodic job: freeze every closed round whose results are not frozen yet (the earliest first, so a
    later round's trends read its predecessor's frozen results) and take today's snapshot of every open round
    that has none yet. Each round in a savepoint of its own: one that fails is reported and skipped."""
    today = today or date.today()
    run = DueRun()
    closed = db.session.scalars(
        select(SurveyRound).outerjoin(RoundResult, RoundResult.round_id == SurveyRound.id)
        .where(SurveyRound.closes_on < today, RoundResult.round_id.is_(None))
        .order_by(SurveyRound.closes_on, SurveyRound.id)).all()
    open_ = db.session.scalars(
        select(SurveyRound).outerjoin(ResultSnapshot, ResultSnapshot.round_id == SurveyRound.id)
        .where(SurveyRound.opens_on <= today, SurveyRound.closes_on >= today,
               or_(ResultSnapshot.round_id.is_(None), ResultSnapshot.as_of < today))
        .order_by(SurveyRound.opens_on, SurveyRound.id)).all()
    for rounds, operation, done in ((closed, freeze_round_results, run.frozen),
                                    (open_, take_snapshot, run.snapshots)):
        for survey_round in rounds:
            try:
                with db.session.begin_nested():
                    operation(survey_round, today=today, now=now)
            except Exception as error:  # one round's fault must not keep every other round waiting
                log.exception("results of round %s (%s) failed", survey_round.id, survey_round.name)
                run.failed.append((survey_round, f"{type(error).__name__}: {error}"))
            else:
                done.append(survey_round)
    return run


def close_and_freeze(survey_round: SurveyRound, *, today: date | None = None) -> RoundResult:
    """An admin's "Close now": the round accepts no answer from today on, and its results are frozen at once."""
    today = today or date.today()
    close_now(survey_round, today)
    return freeze_round_results(survey_round, today=today)
