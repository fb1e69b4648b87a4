"""Writing the audit log. `record` flushes, never commits: the entry is kept exactly when the export, download
or change it describes is (the request's one commit), and a refused change leaves no entry."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, func, select

from survey.audit.models import AuditEntry
from survey.extensions import db

SYSTEM_ACTOR = "system"  # the periodic jobs and the command line, where no user is signed in

# The actions recorded, and where: the admin page filters by them.
ACTIONS = (
    "export.aggregates",  # survey/results/downloads.py
    "export.microdata",  # survey/microdata/views.py
    "export.codebook",  # survey/microdata/views.py
    "pdf.download",  # survey/reporting (staff and admin)
    "settings.change",  # network settings, retention schedule
    "user.change",  # survey/accounts/views.py
    "round.change",  # survey/rounds/views_admin.py
)


def record(actor, action: str, object: str, details: dict | None = None, *, network_id: int | None = None) -> AuditEntry:
    """Note that `actor` (a User, or None for the system) did `action` to `object` (a label naming it, e.g.
    "round Spring 2026"). `details` say what (setting names and values, a format, a school code): never a
    respondent's answers or addresses. The entry belongs to the actor's network unless `network_id` is given."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    network_id = network_id if network_id is not None else actor.network_id
    entry = AuditEntry(network_id=network_id, at=datetime.now(timezone.utc), actor_id=actor.id if actor else None,
                       actor=actor.email if actor else SYSTEM_ACTOR, action=action, object=object[:300],
                       details=details or {})
    db.session.add(entry)
    db.session.flush()
    return entry


def expired_entries(network_id: int, before: datetime):
    """The statement selecting the network's entries written before `before` (the retention schedule's limit)."""
    return select(AuditEntry.id).where(AuditEntry.network_id == network_id, AuditEntry.at < before)


def count_expired(network_id: int, before: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(expired_entries(network_id, before).subquery()))


def remove_expired(network_id: int, before: datetime) -> int:
    ids = db.session.scalars(expired_entries(network_id, before)).all()
    if ids:
        db.session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids)))
    return len(ids)
