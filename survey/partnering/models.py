"""A benchlearning request from one school to another and the notes the two share.

The requesting school picks a partner from its benchmark partners of a round (METHOD.md v2); in a network that
does not share school names it knows the partner only by the anonymous label it saw (`partner_label`), and the
partner knows the requester only as "a school in the network". Each side may agree to reveal itself; names are
shown to both when both agreed (or always where the network shares names).
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.accounts.models import User
from survey.extensions import db
from survey.network.models import Network, School
from survey.practices.models import utc_now
from survey.rounds.models import SurveyRound


class RequestStatus(StrEnum):
    PENDING = "pending"  # sent, not answered
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by the requester, before an answer
    VISIT_PLANNED = "visit_planned"  # accepted, and a visit or meeting has a date
    COMPLETED = "completed"  # the visit or meeting took place


REQUEST_STATUSES = tuple(status.value for status in RequestStatus)
OPEN_STATUSES = (RequestStatus.PENDING.value, RequestStatus.ACCEPTED.value, RequestStatus.VISIT_PLANNED.value)
_OPEN = text(f"status IN {OPEN_STATUSES!r}")
MEETING_KINDS = ("visit_to_partner", "visit_from_partner", "online", "other")


class BenchlearningRequest(db.Model):
    __tablename__ = "benchlearning_request"
    __table_args__ = (
        CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="known_status"),
        CheckConstraint("from_school_id <> to_school_id", name="not_to_itself"),
        Index("ix_benchlearning_request_to_status", "to_school_id", "status"),
        # one open request per pair of schools and dimension (migration 0023)
        Index("uq_benchlearning_request_open_pair", "from_school_id", "to_school_id", "dimension", unique=True,
              sqlite_where=_OPEN, postgresql_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    from_school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    to_school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="RESTRICT"))
    dimension: Mapped[str] = mapped_column(String(64))  # what the requester wants to learn about
    partner_label: Mapped[str] = mapped_column(String(200))  # how the requester saw the partner
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING.value)
    from_reveals: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    to_reveals: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    meeting_on: Mapped[date | None]
    meeting_kind: Mapped[str | None] = mapped_column(String(24))
    meeting_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # who accepted or declined (migration 0023): the answering school's contact once names are revealed
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    network: Mapped[Network] = relationship()
    from_school: Mapped[School] = relationship(foreign_keys=[from_school_id])
    to_school: Mapped[School] = relationship(foreign_keys=[to_school_id])
    round: Mapped[SurveyRound] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    notes: Mapped[list[RequestNote]] = relationship(back_populates="request", cascade="all, delete-orphan",
                                                    order_by="RequestNote.created_at")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return (f"<BenchlearningRequest {self.id} {self.from_school_id}->{self.to_school_id} {self.dimension} "
                f"{self.status}>")

    def identities_revealed(self) -> bool:
        return self.network.share_school_names or (self.from_reveals and self.to_reveals)


class RequestNote(db.Model):
    """A note shared between the two schools of a request (agendas, what was learnt, follow-up)."""

    __tablename__ = "request_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("benchlearning_request.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))  # the author's school
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    request: Mapped[BenchlearningRequest] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()
