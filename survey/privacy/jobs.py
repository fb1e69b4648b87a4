"""The periodic retention job (`privacy.apply`): Celery beat runs it daily in production, elsewhere cron runs
`benchlearn jobs run-due` (or `benchlearn privacy apply`, the same operation without a Job row)."""
from __future__ import annotations

from survey.jobs import job, periodic
from survey.jobs.registry import Progress
from survey.privacy import retention

APPLY_RETENTION = "privacy.apply"
APPLY_RETENTION_EVERY = 24 * 3600  # seconds: a limit is met at most a day late


@periodic(APPLY_RETENTION_EVERY)
@job(APPLY_RETENTION)
def apply_retention(progress: Progress) -> dict:
    """`retention.apply` as a job; its result lists what was removed (counts, never content)."""
    return {"removed": [{"network": r.network, "category": r.category, "round": r.round, "count": r.count}
                        for r in retention.apply()]}
