"""A network's retention schedule: how long each category of personal data is kept after a round closes."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.network.models import Network

DEFAULT_DRAFT_DAYS = 30
DEFAULT_FREE_TEXT_YEARS = 3
DEFAULT_MICRODATA_YEARS = 5
DEFAULT_AUDIT_YEARS = 5


class RetentionSchedule(db.Model):
    """One network's schedule. Invitation addresses have no setting: they are removed as the round closes,
    since nothing needs them after. A network without a row follows the defaults (`schedule_of`)."""

    __tablename__ = "retention_schedule"
    __table_args__ = (
        CheckConstraint("draft_days >= 0", name="draft_days_not_negative"),
        CheckConstraint("free_text_years >= 1 AND free_text_years <= microdata_years",
                        name="free_text_before_microdata"),
        CheckConstraint("audit_years >= 1", name="audit_years_positive"),
    )

    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), primary_key=True)
    draft_days: Mapped[int] = mapped_column(default=DEFAULT_DRAFT_DAYS)  # after the round closes
    free_text_years: Mapped[int] = mapped_column(default=DEFAULT_FREE_TEXT_YEARS)  # after the round closes
    microdata_years: Mapped[int] = mapped_column(default=DEFAULT_MICRODATA_YEARS)  # after the round closes
    audit_years: Mapped[int] = mapped_column(default=DEFAULT_AUDIT_YEARS)  # after the entry was written
    contact_email: Mapped[str | None] = mapped_column(String(254))  # data protection contact, records of processing

    network: Mapped[Network] = relationship()

    def __repr__(self) -> str:
        return (f"<RetentionSchedule network={self.network_id} drafts={self.draft_days}d "
                f"free_text={self.free_text_years}y microdata={self.microdata_years}y audit={self.audit_years}y>")


def schedule_of(network: Network) -> RetentionSchedule:
    """The network's schedule; the defaults, not added to the session, where it has none (a GET never writes)."""
    schedule = db.session.get(RetentionSchedule, network.id)
    if schedule is None:
        schedule = RetentionSchedule(network_id=network.id, draft_days=DEFAULT_DRAFT_DAYS,
                                     free_text_years=DEFAULT_FREE_TEXT_YEARS,
                                     microdata_years=DEFAULT_MICRODATA_YEARS, audit_years=DEFAULT_AUDIT_YEARS)
    return schedule
