"""Report benchmark: build 200 schools' PDF reports and print where the time goes.

    .venv/bin/python bench/reports.py [--schools 200] [--sample 30] [--dimensions 8] [--kaleido-charts 20]
    .venv/bin/python bench/reports.py --from-db [--db-schools 200 --per-school 300] [--schools 200]

Prints, over a serial sample of `--sample` reports (medians), the seconds per report and how they split
between building the plotly figures, drawing them as SVG, the view model and template (our layout) and
WeasyPrint on the same final HTML, with the ratio of the total to WeasyPrint's own time (target <= 2);
milliseconds per chart (the SVG drawn from the figure, and kaleido with one persistent headless Chromium for
comparison); a worker's start-up time; and the wall time of the parallel build of all `--schools` reports
(target: 200 reports <= 5 min).
Inputs: synthetic results with every METHOD v2 column (survey/reporting/synthetic.py; `--dimensions` long
dimension names, so wide tables are cut into column groups), or with
`--from-db` a real closed round: bench/aggregate.py's generator loads db-schools x per-school responses
(8 dimensions x 5 items, 8 programs, gender and age) into a fresh SQLite database, and the reports' inputs
come from the database exactly as `benchlearn report build` reads them (round_results, labels, partners).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey.reporting import pdf  # noqa: E402
from survey.reporting.build import build_reports  # noqa: E402
from survey.reporting.figures import school_figures  # noqa: E402
from survey.reporting.storage import ReportStore  # noqa: E402
from survey.reporting.synthetic import many_dimensions, synthetic_inputs, synthetic_results  # noqa: E402


def kaleido_ms_per_chart(figures: list, browser: str) -> float | None:
    try:
        import kaleido
    except ImportError:
        return None
    os.environ.setdefault("BROWSER_PATH", browser)
    kaleido.start_sync_server(mathjax=False, path=browser, silence_warnings=True)
    try:
        kaleido.calc_fig_sync(figures[0], opts={"format": "svg"})  # the browser's start-up is not per chart
        started = time.perf_counter()
        for figure in figures:
            kaleido.calc_fig_sync(figure, opts={"format": "svg"})
        return (time.perf_counter() - started) / len(figures) * 1000
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def database_reports(schools: int, db_schools: int, per_school: int, folder: str) -> list:
    """The first `schools` school reports' inputs of a real closed round in a fresh SQLite database."""
    from datetime import date

    from sqlalchemy import select

    from bench import aggregate
    from survey.extensions import db
    from survey.reporting.loader import load_round_inputs
    from survey.results.operations import freeze_round_results
    from survey.rounds.models import SurveyRound

    aggregate.SCHOOLS = db_schools
    url = f"sqlite:///{folder}/bench.db"
    started = time.perf_counter()
    aggregate.load(url, db_schools * per_school)
    loaded = time.perf_counter() - started
    app = aggregate.make_app(url)
    with app.app_context():
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.name == aggregate.ROUND_NAME))
        codes = {school.code for school in survey_round.schools[:schools]}
        started = time.perf_counter()
        freeze_round_results(survey_round, today=date(2025, 6, 1))
        db.session.commit()
        reports, _network = load_round_inputs(survey_round, today=date(2025, 6, 1), school_codes=codes)
        inputs_s = time.perf_counter() - started
        db.engine.dispose()
    partners = sum(len(r.partners) for r in reports)
    print(f"database round: {db_schools} schools x ~{per_school} responses loaded in {loaded:.1f} s; results "
          f"(computed, frozen) and {len(reports)} schools' inputs read in {inputs_s:.1f} s; "
          f"{partners} benchmark partner rows in these reports")
    return reports


def worker_start_seconds() -> float:
    """A fresh forkserver worker's first task: imports, templates, fonts (what a pool pays once per worker)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from survey.reporting.build import warm_worker

    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pool.submit(warm_worker).result()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--sample", type=int, default=30, help="reports timed serially, step by step")
    parser.add_argument("--build", type=int, default=None,
                        help="reports in the parallel build (default: all; 0: none, on a machine too busy to time it)")
    parser.add_argument("--dimensions", type=int, default=8, help="synthetic inputs: dimensions, overall included")
    parser.add_argument("--kaleido-charts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--browser", default=os.environ.get("BROWSER_PATH", "/usr/bin/chromium"))
    parser.add_argument("--from-db", action="store_true", help="a real round from a fresh SQLite database")
    parser.add_argument("--db-schools", type=int, default=200)
    parser.add_argument("--per-school", type=int, default=300, help="responses per school (on average)")
    args = parser.parse_args()

    workspace = tempfile.TemporaryDirectory(prefix="benchlearn-reports-")
    if args.from_db:
        reports = database_reports(args.schools, args.db_schools, args.per_school, workspace.name)
    else:
        results = synthetic_results(args.schools, items_per_dimension=5, dimensions=many_dimensions(args.dimensions))
        reports = [synthetic_inputs(results, f"S{i:03d}", items_per_dimension=5)
                   for i in range(1, args.schools + 1)]
    pdf.warm_up()  # imports, templates, fonts: once per worker, not per report

    steps = {"figures": [], "svg": [], "layout": [], "weasyprint": []}
    per_report, cpu, charts, sample_figures = [], [], 0, []
    sample = reports[:args.sample]
    for inputs in sample:
        c0 = time.process_time()
        t0 = time.perf_counter()
        figures = school_figures(inputs)
        t1 = time.perf_counter()
        svgs = pdf.chart_uris(figures)
        t2 = time.perf_counter()
        html = pdf.school_report_html(inputs, svgs)  # the view model (survey/reporting/layout) and the template
        t3 = time.perf_counter()
        pdf.html_to_pdf(html)
        t4 = time.perf_counter()
        for step, seconds in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            steps[step].append(seconds)
        per_report.append(t4 - t0)
        cpu.append(time.process_time() - c0)
        charts += len(figures)
        if len(sample_figures) < args.kaleido_charts:
            sample_figures += list(figures.values())[: args.kaleido_charts - len(sample_figures)]
    n = len(sample)
    total = sum(per_report)
    print(f"sample: {n} school reports, {charts / n:.0f} charts each, timed serially")
    print(f"seconds per report (median): {statistics.median(per_report):.3f}; WeasyPrint alone (median): "
          f"{statistics.median(steps['weasyprint']):.3f}")
    print("share of the time: " + ", ".join(f"{step} {sum(times) / total:.0%} ({statistics.median(times) * 1000:.0f} ms)"
                                           for step, times in steps.items()))
    print(f"total / WeasyPrint time: {total / sum(steps['weasyprint']):.2f} (target <= 2)")
    print(f"CPU seconds per report (median; what a busy machine's waiting does not inflate): "
          f"{statistics.median(cpu):.3f}")
    print(f"ms per chart, SVG from the figure: {sum(steps['svg']) / charts * 1000:.2f} "
          f"(+ {sum(steps['figures']) / charts * 1000:.2f} building the plotly figure)")
    kaleido_ms = kaleido_ms_per_chart(sample_figures, args.browser) if args.kaleido_charts else None
    if kaleido_ms is not None:
        print(f"ms per chart, kaleido (one persistent Chromium, {len(sample_figures)} charts): {kaleido_ms:.1f}")
    start_s = worker_start_seconds()
    print(f"worker start-up (imports, templates, fonts; once per worker, the pool is kept for the batch): "
          f"{start_s:.2f} s = {start_s / statistics.median(per_report):.1f} reports")
    print(f"projection, 200 reports on 2 free cores: {(start_s + statistics.median(cpu) * 200 / 2) / 60:.1f} min "
          f"from the CPU median (target: 5 min)")

    built = reports if args.build is None else reports[:args.build]
    if built:
        with tempfile.TemporaryDirectory() as folder:
            store = ReportStore(folder)
            started = time.perf_counter()
            result = build_reports(built, store, workers=args.workers)
            wall = time.perf_counter() - started
            again = build_reports(built, store, workers=args.workers)
        assert not result.failed, result.failed
        print(f"parallel build, {args.workers} workers: {wall:.1f} s for {len(built)} reports "
              f"({wall / len(built):.2f} s each; target: 200 in 300 s)")
        print(f"second build (all up to date): {again.seconds:.2f} s, {len(again.skipped)} skipped, "
              f"{len(again.built)} built")
    workspace.cleanup()


if __name__ == "__main__":
    main()
