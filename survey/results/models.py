"""Frozen results, provisional snapshots and API tokens."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db


class RoundResult(db.Model):
    """A closed round's results, computed once. The same responses always give the same bytes and hash."""

    __tablename__ = "round_result"
    __table_args__ = (CheckConstraint("length(content_hash) = 64", name="hash_is_sha256"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    responses: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    aggregates: Mapped[bytes] = mapped_column(LargeBinary)  # the long-format aggregates table, as Parquet

    round = relationship("SurveyRound")


class ResultSnapshot(db.Model):
    """An open round's provisional results as of one day, stored in the same form as `RoundResult`.

    Taken at most once a day by the periodic job (`survey.results.operations.snapshot_open_rounds`) and never
    on read: two reads around one submission show the same numbers, so their difference cannot give that
    respondent's answers. Replaced by the next day's snapshot, and dropped when the round's results are frozen."""

    __tablename__ = "result_snapshot"
    __table_args__ = (CheckConstraint("length(content_hash) = 64", name="hash_is_sha256"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[date]
    content_hash: Mapped[str] = mapped_column(String(64))
    responses: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    aggregates: Mapped[bytes] = mapped_column(LargeBinary)  # as RoundResult.aggregates

    round = relationship("SurveyRound")


class ApiToken(db.Model):
    """A bearer token for /api/v1. Only its hash is stored; a school staff member's token sees their school."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_on: Mapped[date]
    last_used_on: Mapped[date | None]
    revoked_on: Mapped[date | None]

    user = relationship("User")
