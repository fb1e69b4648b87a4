"""An action plan of a school, its focus dimensions, its actions and the practice cards it adopts.

A plan starts from one closed round of a questionnaire family (`base_round`): its focus dimensions are keys of
that family, and "what changed" is measured on the next closed round that is comparable with it (METHOD.md v2,
Trends). Plans are the school's: a network's admins read them only when `Network.admins_read_plans` is set.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, CheckConstraint, DateTime, Float, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.network.models import School
from survey.practices.models import PracticeCard, utc_now
from survey.rounds.models import SurveyRound


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


PLAN_STATUSES = tuple(status.value for status in PlanStatus)
ACTION_STATUSES = tuple(status.value for status in ActionStatus)

plan_adopted_card = Table(
    "plan_adopted_card", db.metadata,
    Column("plan_id", ForeignKey("action_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("card_id", ForeignKey("practice_card.id", ondelete="CASCADE"), primary_key=True),
)


class ActionPlan(db.Model):
    __tablename__ = "action_plan"
    __table_args__ = (
        CheckConstraint(f"status IN {PLAN_STATUSES!r}", name="known_status"),
        UniqueConstraint("school_id", "base_round_id"),  # one plan per school and round
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    base_round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.DRAFT.value)
    # the school it learns from: a benchmark partner; its name is shown only where the network shares names or
    # both schools agreed to reveal themselves (survey/partnering)
    partner_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    partner_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    school: Mapped[School] = relationship(foreign_keys=[school_id])
    base_round: Mapped[SurveyRound] = relationship()
    partner_school: Mapped[School | None] = relationship(foreign_keys=[partner_school_id])
    focuses: Mapped[list[PlanFocus]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                    order_by="PlanFocus.position")
    actions: Mapped[list[PlanAction]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                     order_by="(PlanAction.deadline, PlanAction.id)")
    adopted_cards: Mapped[list[PracticeCard]] = relationship(secondary=plan_adopted_card,
                                                             order_by="PracticeCard.title")

    def __repr__(self) -> str:
        return f"<ActionPlan {self.id} school={self.school_id} round={self.base_round_id} ({self.status})>"


class PlanFocus(db.Model):
    """A focus dimension of a plan with the baseline it starts from and the goal set for the next comparable
    round. `goal` is the index the school aims at; `detectable_change` the smallest change its n can detect
    (survey/analysis/detectable.py), as it was when the goal was set."""

    __tablename__ = "plan_focus"
    __table_args__ = (UniqueConstraint("plan_id", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(64))  # the dimension key in the base round's questionnaire
    position: Mapped[int] = mapped_column(default=0)
    baseline: Mapped[float | None] = mapped_column(Float)  # the school's published index in the base round
    goal: Mapped[float | None] = mapped_column(Float)
    detectable_change: Mapped[float | None] = mapped_column(Float)
    suggested: Mapped[bool] = mapped_column(default=False)  # "Improve first" in the base round's results

    plan: Mapped[ActionPlan] = relationship(back_populates="focuses")


class PlanAction(db.Model):
    __tablename__ = "plan_action"
    __table_args__ = (CheckConstraint(f"status IN {ACTION_STATUSES!r}", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str | None] = mapped_column(String(64))  # the focus it serves, if one
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")  # a person or a team, as the school names it
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.PLANNED.value)

    plan: Mapped[ActionPlan] = relationship(back_populates="actions")
