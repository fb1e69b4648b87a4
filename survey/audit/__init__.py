"""The audit log: who exported, downloaded or changed what. `record(actor, action, object, details)` is called
from the views and operations that do those things; admins read their network's log at /admin/audit."""
from survey.audit.operations import record

__all__ = ["record"]
