"""A survey round. The round's version is fixed once it opens; a version that a round uses cannot be withdrawn."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Network, School

round_school = Table(
    "round_school",
    db.metadata,
    Column("round_id", ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("school.id", ondelete="RESTRICT"), primary_key=True),
)


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

    network: Mapped[Network] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()
    schools: Mapped[list[School]] = relationship(secondary=round_school, order_by="School.code")

    def __repr__(self) -> str:
        return f"<SurveyRound {self.name!r} {self.opens_on}..{self.closes_on}>"


def rounds_using(version_id: int):
    return select(SurveyRound).where(SurveyRound.version_id == version_id)
