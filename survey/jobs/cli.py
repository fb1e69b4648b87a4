"""`benchlearn jobs list` and `benchlearn jobs run-due` (the periodic jobs, for cron where there is no Celery
beat: `*/15 * * * * benchlearn jobs run-due`)."""
from __future__ import annotations

import click
from sqlalchemy import select

from survey.extensions import db
from survey.jobs.backends import this_process
from survey.jobs.execute import run_job
from survey.jobs.models import Job, JobState
from survey.jobs.operations import due_periodic_kinds, record_periodic_run, status_of
from survey.network.cli import resolve_network

jobs_cli = click.Group("jobs", help="Background jobs: report builds, the periodic results job.")


@jobs_cli.command("list")
@click.option("--network", "network_name", metavar="NAME",
              help="Only this network's jobs (default: every job, the deployment's periodic ones included).")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many, newest first.")
def list_command(network_name: str | None, limit: int) -> None:
    """The newest jobs: id, kind, state, progress, times, and the error of a failed one."""
    statement = select(Job).order_by(Job.id.desc()).limit(limit)
    if network_name:
        statement = statement.where(Job.network_id == resolve_network(network_name).id)
    jobs = db.session.scalars(statement).all()
    if not jobs:
        click.echo("no jobs")
    for job in jobs:
        status = status_of(job)
        state = "stale (its process stopped)" if status.stale else status.state
        progress = f" {status.done}/{status.total}" if status.total is not None else ""
        finished = f", finished {status.finished_at:%Y-%m-%d %H:%M:%S}" if status.finished_at else ""
        click.echo(f"{job.id}\t{job.kind}\t{state}{progress}\tqueued {status.created_at:%Y-%m-%d %H:%M:%S}{finished}")
        if status.error:
            click.echo(f"\t{status.error}")


@jobs_cli.command("run-due")
def run_due_command() -> None:
    """Run here, now, each periodic job that has not run in its current period (running it again in the same
    period does nothing). Exit 1 when a job fails."""
    due = due_periodic_kinds()
    if not due:
        click.echo("nothing due")
    failed = False
    for kind in due:
        job = record_periodic_run(kind, this_process())
        db.session.commit()
        job = run_job(job.id, this_process())
        if job.state == JobState.DONE:
            click.echo(f"job {job.id} {kind}: done {job.result or ''}".rstrip())
        else:
            failed = True
            click.echo(f"job {job.id} {kind}: {job.state}: {job.error}", err=True)
    if failed:
        raise SystemExit(1)
