"""Changing a network's retention schedule (flushes, never commits)."""
from __future__ import annotations

from survey.extensions import db
from survey.network.models import Network
from survey.privacy.models import RetentionSchedule, schedule_of

SCHEDULE_FIELDS = ("draft_days", "free_text_years", "microdata_years", "audit_years", "contact_email")


class RetentionScheduleError(ValueError):
    pass


def update_retention_schedule(network: Network, **values) -> dict:
    """Set the network's schedule (creating its row on the first change); returns the settings that changed,
    as {name: [old, new]}, for the audit log. The next `privacy apply` follows the new limits."""
    if values["free_text_years"] > values["microdata_years"]:
        raise RetentionScheduleError("free text cannot be kept longer than the responses it belongs to")
    schedule = schedule_of(network)
    changed = {name: [getattr(schedule, name), values[name]] for name in SCHEDULE_FIELDS
               if getattr(schedule, name) != values[name]}
    for name in SCHEDULE_FIELDS:
        setattr(schedule, name, values[name])
    if db.session.get(RetentionSchedule, network.id) is None:
        db.session.add(schedule)
    db.session.flush()
    return changed
