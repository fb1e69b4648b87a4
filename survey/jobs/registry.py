"""What kinds of job exist: `@job("kind")` registers a function, `@periodic(seconds)` makes a kind recurring.

A job function is called as `function(progress, **params)`: `progress(done, total)` records how far it is, and
what it returns (JSON, e.g. a dict) becomes the job's result. It runs inside an app context; like an operation
it flushes and never commits: the runner commits its work together with the job's final state, or rolls both
back when it raises (the job then shows the error).

Feature packages register their kinds; `survey.jobs.kinds` imports them all, so the web app, the Celery worker
and beat know the same kinds.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, int | None], None]
JobFunction = Callable[..., dict | None]

KINDS: dict[str, JobFunction] = {}


@dataclass(frozen=True)
class Periodic:
    kind: str
    every_seconds: int


PERIODIC: dict[str, Periodic] = {}


class UnknownJobKind(LookupError):
    pass


def job(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register `function` as the job kind `kind` (a name such as "report.build")."""

    def register(function: JobFunction) -> JobFunction:
        if kind in KINDS and KINDS[kind] is not function:
            raise ValueError(f"job kind {kind!r} is registered twice ({KINDS[kind].__module__}, {function.__module__})")
        KINDS[kind] = function
        function.job_kind = kind
        return function

    return register


def periodic(every_seconds: int) -> Callable[[JobFunction], JobFunction]:
    """Run a registered job kind every `every_seconds` (put it above `@job`): Celery beat does in production,
    `benchlearn jobs run-due` (cron) elsewhere. A periodic job takes no parameters."""
    if every_seconds < 60:
        raise ValueError("a periodic job runs at most once a minute")

    def register(function: JobFunction) -> JobFunction:
        kind = getattr(function, "job_kind", None)
        if kind is None:
            raise ValueError(f"{function.__qualname__} is not a job: put @periodic above @job(kind)")
        PERIODIC[kind] = Periodic(kind, every_seconds)
        return function

    return register


def function_of(kind: str) -> JobFunction:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownJobKind(f"no job kind {kind!r} (known: {', '.join(sorted(KINDS)) or 'none'})") from None
