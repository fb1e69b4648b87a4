"""Background work: report builds, and the periodic job that freezes closed rounds' results and takes open
rounds' daily snapshots (Celery beat runs `freeze_due_task` every `FREEZE_DUE_EVERY` seconds; without Celery,
cron runs `benchlearn results freeze-due`).

Report builds: Celery with Redis as broker when REDIS_URL (or CELERY_BROKER_URL) is set, else a
thread in this process (the embedded default). Both report progress as {state, done, total, result, error},
which the admin page reads. A thread's progress is written to a small JSON file in the report store, so any
web process (gunicorn runs several) can show it, not only the one that started the build.

A job names a *loader* by key ("db" = the round's results from the database); the loader returns the report
inputs, and `survey.reporting.build.build_reports` does the work, exactly as the CLI does.
"""
from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from celery import Celery

LOADERS: dict[str, Callable[[int, list[str] | None], list]] = {}


def loader(name: str):
    def register(function):
        LOADERS[name] = function
        return function
    return register


@loader("db")
def _database_inputs(round_id: int, school_codes: list[str] | None) -> list:
    """The round's school reports (and, for a whole-round build, the network report) from the database."""
    from flask import current_app

    from survey.extensions import db
    from survey.reporting.loader import load_round_inputs
    from survey.rounds.models import SurveyRound

    assert current_app
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None:
        raise LookupError(f"no round {round_id}")
    reports, network = load_round_inputs(survey_round, school_codes=school_codes, admin_copies=True)
    return reports if school_codes else [*reports, network]


def broker_url(config: dict | None = None) -> str | None:
    config = config or {}
    return (config.get("CELERY_BROKER_URL") or config.get("REDIS_URL")
            or os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL"))


def run_build(round_id: int, school_codes: list[str] | None, store_root: str, loader_name: str,
              progress: Callable[[int, int], None], workers: int | None = None) -> dict:
    from survey.reporting.build import build_reports
    from survey.reporting.storage import ReportStore

    reports = LOADERS[loader_name](round_id, school_codes)
    result = build_reports(reports, ReportStore(store_root), progress=progress, workers=workers)
    return result.as_dict()


# --- Celery -------------------------------------------------------------------------------------------------

celery_app = Celery("benchlearn.reports")
celery_app.conf.update(task_track_started=True, result_expires=7 * 24 * 3600, broker_connection_retry_on_startup=True,
                       task_serializer="json", result_serializer="json", accept_content=["json"])
_url = broker_url()
if _url:
    celery_app.conf.update(broker_url=_url, result_backend=_url)


FREEZE_DUE_EVERY = 15 * 60  # seconds: a closed round's results are frozen at most this long after midnight
celery_app.conf.beat_schedule = {
    "results-freeze-due": {"task": "benchlearn.results.freeze_due", "schedule": FREEZE_DUE_EVERY},
}


def configure_celery(url: str) -> Celery:
    celery_app.conf.update(broker_url=url, result_backend=url)
    return celery_app


@celery_app.task(bind=True, name="benchlearn.reports.build")
def build_task(self, round_id: int, school_codes: list[str] | None, store_root: str, loader_name: str = "db",
               workers: int | None = None) -> dict:
    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    if loader_name == "db":
        from flask import has_app_context

        if not has_app_context():
            from survey import create_app

            with create_app().app_context():
                return run_build(round_id, school_codes, store_root, loader_name, progress, workers)
    return run_build(round_id, school_codes, store_root, loader_name, progress, workers)


@celery_app.task(name="benchlearn.results.freeze_due")
def freeze_due_task() -> dict:
    """`survey.results.operations.freeze_due_rounds` in an app context, committed: what
    `benchlearn results freeze-due` does."""
    from flask import has_app_context

    if not has_app_context():
        from survey import create_app

        with create_app().app_context():
            return _freeze_due()
    return _freeze_due()


def _freeze_due() -> dict:
    from survey.extensions import db
    from survey.results.operations import freeze_due_rounds

    run = freeze_due_rounds()
    db.session.commit()
    return {"frozen": [r.id for r in run.frozen], "snapshots": [r.id for r in run.snapshots],
            "failed": {str(r.id): error for r, error in run.failed}}


# --- in process ---------------------------------------------------------------------------------------------

def _status_file(store_root: str | Path, job_id: str) -> Path:
    return Path(store_root) / "jobs" / f"{job_id}.json"


class _LocalStatus:
    """A thread's job status, kept in memory and written through to its file (atomically, by rename)."""

    def __init__(self, path: Path):
        self.path = path
        self.fields = {"state": "PENDING", "done": 0, "total": None, "result": None, "error": None}
        self.lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.update()

    def update(self, **fields) -> None:
        with self.lock:
            self.fields.update(fields)
            partial = self.path.with_suffix(".part")
            partial.write_text(json.dumps(self.fields))
            partial.replace(self.path)


def start_build(round_id: int, *, school_codes: list[str] | None = None, store_root: str | Path,
                loader_name: str = "db", config: dict | None = None, app=None, workers: int | None = None) -> str:
    """Start a build in the background; returns the job id ("celery:<id>" or "local:<id>")."""
    url = broker_url(config)
    if url:
        configure_celery(url)
        task = build_task.apply_async(args=[round_id, school_codes, str(store_root), loader_name, workers])
        return f"celery:{task.id}"
    job_id = uuid.uuid4().hex
    status = _LocalStatus(_status_file(store_root, job_id))

    def progress(done: int, total: int) -> None:
        status.update(state="PROGRESS", done=done, total=total)

    def work() -> None:
        status.update(state="STARTED")
        try:
            if app is not None and loader_name == "db":
                with app.app_context():
                    result = run_build(round_id, school_codes, str(store_root), loader_name, progress, workers)
            else:
                result = run_build(round_id, school_codes, str(store_root), loader_name, progress, workers)
            status.update(state="SUCCESS", result=result)
        except Exception as error:  # the page shows the failure; the thread must not die silently
            status.update(state="FAILURE", error=f"{type(error).__name__}: {error}")

    threading.Thread(target=work, name=f"report-build-{job_id[:8]}", daemon=True).start()
    return f"local:{job_id}"


def job_status(job: str, store_root: str | Path) -> dict | None:
    """{state, done, total, result, error} of a job, or None for an unknown local job (`store_root`: where the
    build writes, as given to `start_build`)."""
    kind, _, job_id = job.partition(":")
    if kind == "local":
        path = _status_file(store_root, job_id)
        if not job_id.isalnum() or not path.exists():
            return None
        return json.loads(path.read_text())
    if kind == "celery":
        result = celery_app.AsyncResult(job_id)
        state = result.state
        info = result.info if isinstance(result.info, dict) else {}
        status = {"state": state, "done": info.get("done", 0), "total": info.get("total"), "result": None, "error": None}
        if state == "SUCCESS":
            status["result"] = result.result
            status["done"] = status["total"] = len(result.result["built"]) + len(result.result["skipped"]) + len(result.result["failed"])
        elif state == "FAILURE":
            status["error"] = repr(result.result)
        return status
    return None
