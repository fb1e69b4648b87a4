"""An audit entry: one export, download or change by a user (or by the system, actor None)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db


class AuditEntry(db.Model):
    """`actor` keeps the user's e-mail as it was, so an entry still says who after the user is deleted.
    `object` is a label such as "round 12 (Spring 2026)"; `details` hold what changed (names of settings,
    formats, school codes), never anything a respondent gave."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_network_at", "network_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    object: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object}>"
