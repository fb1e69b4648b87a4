"""Building a round's reports: skip what is up to date (content hash), render the rest in parallel.

`build_reports` takes the inputs (plain data) and a store; it never touches the database, so the CLI, the
background job and the benchmark call the same function. Work is spread over a process pool (one worker per
core by default); progress is reported through a callback (done, total) and optionally a tqdm bar.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from survey.reporting.inputs import NetworkReportInputs, SchoolReportInputs
from survey.reporting.storage import NETWORK_KEY, ReportStore

Progress = Callable[[int, int], None]


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"built": self.built, "skipped": self.skipped, "failed": self.failed, "seconds": round(self.seconds, 2)}


def _render(inputs: SchoolReportInputs | NetworkReportInputs) -> bytes:
    from survey.reporting.pdf import render_network_report, render_school_report

    if isinstance(inputs, NetworkReportInputs):
        return render_network_report(inputs)
    return render_school_report(inputs)


def warm_worker() -> None:
    """Process pool initializer: each worker imports WeasyPrint and the report code and reads the templates,
    labels and fonts once, before its first report (the pool is kept for the whole batch)."""
    from survey.reporting.pdf import warm_up

    warm_up()


def _key(inputs) -> str:
    return NETWORK_KEY if isinstance(inputs, NetworkReportInputs) else inputs.store_key


def build_reports(reports: Sequence[SchoolReportInputs | NetworkReportInputs], store: ReportStore, *,
                  workers: int | None = None, progress: Progress | None = None, show_bar: bool = False,
                  force: bool = False) -> BuildResult:
    """Build every report whose content hash is not already stored. Returns what was built, skipped and failed:
    a report that cannot be built or stored is recorded in `failed` and the others go on."""
    from survey.reporting.pdf import templates_digest

    started = time.perf_counter()
    digest = templates_digest()
    result = BuildResult()
    todo = []
    for inputs in reports:
        if not ReportStore.is_safe_key(_key(inputs)):  # a school imported before codes were checked
            result.failed[_key(inputs)] = f"the school code {_key(inputs)!r} cannot name a report file: rename the school"
            continue
        content_hash = inputs.content_hash(digest)
        if not force and store.is_current(inputs.round.round_id, _key(inputs), content_hash):
            result.skipped.append(_key(inputs))
        else:
            todo.append((inputs, content_hash))
    total, done = len(reports), len(result.skipped) + len(result.failed)
    bar = None
    if show_bar:
        from tqdm import tqdm

        bar = tqdm(total=total, initial=done, unit="report", desc="reports")

    def finished(inputs, content_hash, pdf: bytes | None, error: str | None) -> None:
        nonlocal done
        key = _key(inputs)
        if error is None:
            try:
                store.save(inputs.round.round_id, key, content_hash, pdf,
                           comments=bool(getattr(inputs, "comments", None)),
                           plan=getattr(inputs, "plan_review", None) is not None)
            except (OSError, ValueError) as saving:  # one school's file must not stop the others
                error = f"{type(saving).__name__}: {saving}"
        if error is None:
            result.built.append(key)
        else:
            result.failed[key] = error
        done += 1
        if bar is not None:
            bar.update(1)
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(done, total)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    try:
        if workers <= 1 or len(todo) <= 1:
            for inputs, content_hash in todo:
                try:
                    finished(inputs, content_hash, _render(inputs), None)
                except Exception as error:  # one bad report must not stop the other 199
                    finished(inputs, content_hash, None, f"{type(error).__name__}: {error}")
        else:
            # forkserver: workers start clean, never a fork of a threaded web or Celery process
            context = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context,
                                     initializer=warm_worker) as pool:
                futures = {pool.submit(_render, inputs): (inputs, content_hash) for inputs, content_hash in todo}
                for future in as_completed(futures):
                    inputs, content_hash = futures[future]
                    error = future.exception()
                    finished(inputs, content_hash, None if error else future.result(),
                             f"{type(error).__name__}: {error}" if error else None)
    finally:
        if bar is not None:
            bar.close()
    result.seconds = time.perf_counter() - started
    return result
