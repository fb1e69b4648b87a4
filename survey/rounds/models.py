"""Survey rounds and how respondents reach them: links, personal invitations, populations.

A round is a questionnaire version run over a period at a set of schools. Its state (draft, open, closed) is
computed from its dates; the version is fixed once the round opens, and a version a round uses cannot be
withdrawn.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, String, Table, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Network, Program, School

round_school = Table(
    "round_school",
    db.metadata,
    Column("round_id", ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="RESTRICT"), primary_key=True),
)


class RoundState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


def round_state(opens_on: date, closes_on: date, day: date) -> RoundState:
    """A round is a draft before it opens, open from its first to its last day, closed after."""
    if day < opens_on:
        return RoundState.DRAFT
    if day > closes_on:
        return RoundState.CLOSED
    return RoundState.OPEN


class SurveyRound(db.Model):
    __tablename__ = "survey_round"
    __table_args__ = (
        UniqueConstraint("network_id", "name"),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    # reminders to personal invitations not yet answered: the schedule (days after opening, days before closing;
    # blank: none) and how many reminders one person gets at most, on demand and scheduled together
    remind_after_days: Mapped[int | None]
    remind_before_days: Mapped[int | None]
    max_reminders: Mapped[int] = mapped_column(default=2, server_default="2")

    network: Mapped[Network] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()
    schools: Mapped[list[School]] = relationship(secondary=round_school, order_by="School.code")

    def state_on(self, day: date) -> RoundState:
        return round_state(self.opens_on, self.closes_on, day)

    def __repr__(self) -> str:
        return f"<SurveyRound {self.name!r} {self.opens_on}..{self.closes_on}>"


class SurveyLink(db.Model):
    """An anonymous link `/s/<token>` for one school of a round, or one program of it (then the program is
    known without asking). The token is shown to the school's staff, so it is stored as it is."""

    __tablename__ = "survey_link"
    __table_args__ = (
        UniqueConstraint("round_id", "school_id", "program_id"),
        CheckConstraint("length(token) >= 22", name="token_at_least_128_bits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id", ondelete="RESTRICT"))
    token: Mapped[str] = mapped_column(String(64), unique=True)

    round: Mapped[SurveyRound] = relationship()
    school: Mapped[School] = relationship()
    program: Mapped[Program | None] = relationship()


class PersonalInvitation(db.Model):
    """A single-use personal token sent by e-mail (staff and company rounds). Only the token's hash is kept;
    once used it is marked used, and nothing links it to the answers given: not even the day of use, which beside
    a response's submission date would single out the person on a quiet day.

    Messages go out through the paced sender (`survey.invitations.delivery`): `pending` names the message
    waiting to be sent ("invite", "remind", "resend"), `retry_at` when a temporary SMTP failure may be tried
    again, `bounced` a permanent refusal. Each message carries a fresh token (only hashes are kept, so an earlier
    link cannot be repeated); `sent_on` is the day of the latest one."""

    __tablename__ = "personal_invitation"
    __table_args__ = (UniqueConstraint("round_id", "school_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_on: Mapped[date | None]
    used: Mapped[bool] = mapped_column(default=False, server_default=false())
    pending: Mapped[str | None] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bounced: Mapped[bool] = mapped_column(default=False, server_default=false())
    reminders: Mapped[int] = mapped_column(default=0, server_default="0")

    round: Mapped[SurveyRound] = relationship()
    school: Mapped[School] = relationship()


class Population(db.Model):
    """How many could answer, per program, as the school gives it for the round: the response rate's base."""

    __tablename__ = "population"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="RESTRICT"), primary_key=True)
    size: Mapped[int]

    program: Mapped[Program] = relationship()


def rounds_using(version_id: int):
    return select(SurveyRound).where(SurveyRound.version_id == version_id)
