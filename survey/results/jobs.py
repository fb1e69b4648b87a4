"""The periodic results job (`results.freeze_due`): freeze the rounds that have closed and take the open rounds'
daily snapshots. Celery beat runs it every `FREEZE_DUE_EVERY` seconds in production; elsewhere cron runs
`benchlearn jobs run-due` (or `benchlearn results freeze-due`, the same operation without a Job row)."""
from __future__ import annotations

from survey.jobs import job, periodic
from survey.jobs.registry import Progress
from survey.results.operations import DueRun, freeze_due_rounds

FREEZE_DUE = "results.freeze_due"
FREEZE_DUE_EVERY = 15 * 60  # seconds: a closed round's results are frozen at most this long after it closes


def due_run_summary(run: DueRun) -> dict:
    return {"frozen": [r.id for r in run.frozen], "snapshots": [r.id for r in run.snapshots],
            "failed": {str(r.id): error for r, error in run.failed}}


@periodic(FREEZE_DUE_EVERY)
@job(FREEZE_DUE)
def freeze_due(progress: Progress) -> dict:
    """`freeze_due_rounds` as a job; a round that fails is listed in the result's `failed`, the others are kept.
    No progress is reported: it writes as it goes, and on SQLite a progress write would wait for those."""
    return due_run_summary(freeze_due_rounds())
