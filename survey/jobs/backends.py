"""Where jobs run: Celery workers (production) or a small thread pool inside the web process (embedded default).

Chosen by configuration: `JOB_RUNNER=celery|inprocess` forces one; otherwise Celery when a broker is configured
(`CELERY_BROKER_URL` or `REDIS_URL`), else in process. Both run `survey.jobs.execute.run_job`, so a job behaves
the same on either; the Job row is the only status store.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from survey.config import ConfigurationError

log = logging.getLogger(__name__)
RUNNERS = ("celery", "inprocess")


def broker_url(config) -> str | None:
    return config.get("CELERY_BROKER_URL") or config.get("REDIS_URL")


def runner_name(config) -> str:
    """"celery" or "inprocess" for these settings (create_app checks them, so a typo stops the start)."""
    forced = (config.get("JOB_RUNNER") or "").strip().lower()
    if forced:
        if forced not in RUNNERS:
            raise ConfigurationError(f"JOB_RUNNER={forced!r}: use one of {', '.join(RUNNERS)}")
        if forced == "celery" and not broker_url(config):
            raise ConfigurationError("JOB_RUNNER=celery needs CELERY_BROKER_URL or REDIS_URL")
        return forced
    return "celery" if broker_url(config) else "inprocess"


def this_process() -> str:
    """The in-process runner's name for this process: host and pid, so that a dead one can be recognised."""
    return f"inprocess:{socket.gethostname()}:{os.getpid()}"


def process_is_gone(worker: str | None) -> bool:
    """Whether `worker` names an in-process runner on this host whose process no longer exists."""
    if not worker or not worker.startswith("inprocess:"):
        return False
    host, _, pid = worker.removeprefix("inprocess:").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class InProcessRunner:
    """A thread pool of the web process. Jobs queued here die with the process: the next start of the runner in
    any process on the host marks them failed (`fail_stale_jobs`), and pages show them as stale until then."""

    def __init__(self, threads: int):
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def _executor(self, app: Flask) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():  # a forked gunicorn worker needs its own threads
                self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="benchlearn-job")
                self._pid = os.getpid()
                self._pool.submit(self._in_app, app, _fail_stale).add_done_callback(_log_failure)
            return self._pool

    def owner(self) -> str | None:
        """Recorded on a job at enqueueing: this process will run it (or nobody, if it dies first)."""
        return this_process()

    def submit(self, app: Flask, job_id: int) -> None:
        from survey.jobs.execute import run_job

        self._executor(app).submit(self._in_app, app, run_job, job_id, this_process()).add_done_callback(_log_failure)

    @staticmethod
    def _in_app(app: Flask, function, *args):
        with app.app_context():
            return function(*args)


def _fail_stale() -> None:
    from survey.extensions import db
    from survey.jobs.operations import fail_stale_jobs

    fail_stale_jobs()
    db.session.commit()


def _log_failure(future) -> None:
    if future.exception() is not None:
        log.error("the in-process job runner failed", exc_info=future.exception())


class CeleryRunner:
    """Sends `survey.jobs.run(job_id)` to the broker; a Celery worker runs it."""

    def __init__(self, url: str):
        from survey.jobs.worker import celery, configure

        configure(url)
        self.celery = celery

    def owner(self) -> str | None:
        return None  # whichever worker takes the message; it records itself when it starts the job

    def submit(self, app: Flask, job_id: int) -> None:
        self.celery.send_task("survey.jobs.run", args=[job_id])


def runner_for(app: Flask):
    """The app's runner, made once per app from its configuration."""
    runner = app.extensions.get("benchlearn.jobs")
    if runner is None:
        name = runner_name(app.config)
        runner = (CeleryRunner(broker_url(app.config)) if name == "celery"
                  else InProcessRunner(int(app.config.get("JOB_THREADS") or 2)))
        app.extensions["benchlearn.jobs"] = runner
    return runner
