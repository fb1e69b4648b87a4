"""Writing the audit log. `record` flushes, never commits: a change's entry is kept exactly when the change is
(the request's one commit), and a refused change leaves no entry. A download is a GET, and a GET writes nothing:
its request ends with a rollback, after which `keep_read_entries` writes back only the audit entries of a
download that succeeded (survey.portal.end_transaction)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import g, has_request_context
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
    "attachment.download",  # a practice card's attachment (survey/practices, survey/api/benchlearning.py)
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
    if has_request_context():
        g.setdefault("audit_entries", []).append(entry)
    return entry


AUDIT_FIELDS = ("network_id", "at", "actor_id", "actor", "action", "object", "details")


def keep_read_entries() -> None:
    """After a GET's rollback: write again, and commit, the audit entries it recorded (the record of who
    downloaded what), and nothing else of the request."""
    entries = g.pop("audit_entries", [])
    if entries:
        db.session.add_all(AuditEntry(**{name: getattr(entry, name) for name in AUDIT_FIELDS}) for entry in entries)
        db.session.commit()


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
