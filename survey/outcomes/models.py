"""An outcome indicator of a network and its values per school (and program) and year."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.network.models import Network, Program, School
from survey.practices.models import utc_now

DIRECTIONS = ("higher_is_better", "lower_is_better")


class OutcomeIndicator(db.Model):
    __tablename__ = "outcome_indicator"
    __table_args__ = (
        UniqueConstraint("network_id", "key"),
        CheckConstraint(f"direction IN {DIRECTIONS!r}", name="known_direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[dict] = mapped_column(JSON)  # {"da": ..., "sv": ..., "en": ...}
    unit: Mapped[str] = mapped_column(String(32), default="")  # "%", "days", ...
    direction: Mapped[str] = mapped_column(String(16), default="higher_is_better")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    network: Mapped[Network] = relationship()
    values: Mapped[list[OutcomeValue]] = relationship(back_populates="indicator", cascade="all, delete-orphan")


class OutcomeValue(db.Model):
    """One value: a school's (program_id None) or one of its programs', for one year. `n`: how many students
    (or cases) it is computed over, where the source gives it."""

    __tablename__ = "outcome_value"
    __table_args__ = (UniqueConstraint("indicator_id", "school_id", "program_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("outcome_indicator.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    n: Mapped[int | None]

    indicator: Mapped[OutcomeIndicator] = relationship(back_populates="values")
    school: Mapped[School] = relationship()
    program: Mapped[Program | None] = relationship()
