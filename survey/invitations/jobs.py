"""The invitation mail's jobs: `invitations.dispatch` sends one minute's share of the queue (every minute: pages
and reminders only queue, so mail starts within a minute), `invitations.remind_due` queues the scheduled
reminders (hourly).

MAIL_PER_MINUTE (default 60) paces the sending: a run sends at most that many, and runs come a minute apart.
Only one dispatcher runs at a time, so that overlapping runs never mail the same queued message twice.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from survey.extensions import db
from survey.invitations.delivery import dispatch
from survey.invitations.operations import remind_due
from survey.jobs import Job, JobState, job, periodic
from survey.jobs.registry import Progress

DISPATCH = "invitations.dispatch"
REMIND_DUE = "invitations.remind_due"


def mail_per_minute() -> int:
    return max(1, int(current_app.config.get("MAIL_PER_MINUTE", 60)))


@periodic(60)
@job(DISPATCH)
def dispatch_job(progress: Progress, network_id: int | None = None) -> dict:
    """One minute's share of the queue (every network's: the mail server's limit is the deployment's). No
    `progress` calls: on SQLite a progress write would wait for this run's open read; the admin page shows the
    messages still waiting instead."""
    running = db.session.scalar(select(func.count()).select_from(Job)
                                .where(Job.kind == DISPATCH, Job.state == JobState.RUNNING))
    if running > 1:
        return {"skipped": "another dispatcher is running"}
    return dispatch(limit=mail_per_minute()).summary()


@periodic(60 * 60)
@job(REMIND_DUE)
def remind_due_job(progress: Progress) -> dict:
    return {"queued": remind_due()}
