"""Building: up-to-date reports are skipped, a change rebuilds, and the work spreads over a process pool.
(Builds as background jobs, in process and on a Celery worker: tests/jobs/.)"""
from __future__ import annotations

from survey.reporting.build import build_reports
from survey.reporting.storage import NETWORK_KEY, ReportStore
from survey.reporting.synthetic import synthetic_inputs


def test_second_build_renders_nothing_and_a_change_rebuilds(results, network_inputs, tmp_path, monkeypatch):
    store = ReportStore(tmp_path)
    reports = [synthetic_inputs(results, "S001", items_per_dimension=2), network_inputs]
    first = build_reports(reports, store, workers=1)
    assert sorted(first.built) == sorted(["S001", NETWORK_KEY]) and not first.failed
    stored = store.path(1, "S001")
    assert stored.name.startswith("S001-") and stored.read_bytes().startswith(b"%PDF")

    from survey.reporting import build

    def no_rendering(_inputs):
        raise AssertionError("an up-to-date report was rendered again")

    monkeypatch.setattr(build, "_render", no_rendering)
    second = build_reports(reports, store, workers=1)
    assert second.built == [] and sorted(second.skipped) == sorted(["S001", NETWORK_KEY])
    monkeypatch.undo()

    changed = synthetic_inputs(results, "S001", items_per_dimension=2)
    changed.comments = [("Kommentarer", ["En ny kommentar"])]
    third = build_reports([changed], store, workers=1)
    assert third.built == ["S001"]
    assert store.path(1, "S001") != stored and not stored.exists()  # the old file is replaced


def test_parallel_build_over_a_process_pool(results, tmp_path):
    reports = [synthetic_inputs(results, code, items_per_dimension=2) for code in ("S001", "S002")]
    seen = []
    result = build_reports(reports, ReportStore(tmp_path), workers=2, progress=lambda d, t: seen.append((d, t)))
    assert sorted(result.built) == ["S001", "S002"] and not result.failed
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
