"""Report benchmark: build the PDF reports of 50 schools and print where the time goes.

    .venv/bin/python bench/reports.py [--schools 50] [--kaleido-charts 20]

Prints seconds per report (median, serial), milliseconds per chart (the SVG drawn from the plotly figure,
and kaleido with one persistent headless Chromium for comparison), the ratio of total time to WeasyPrint's
own time on the same final HTML, and the parallel wall time with its extrapolation to 200 schools.
Inputs are synthetic results in the shape of the results engine's (survey/reporting/synthetic.py).
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
from survey.reporting.storage import ReportStore  # noqa: E402
from survey.reporting.svg import figure_to_svg  # noqa: E402
from survey.reporting.synthetic import synthetic_inputs, synthetic_results  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--kaleido-charts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--browser", default=os.environ.get("BROWSER_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()

    results = synthetic_results(args.schools, items_per_dimension=5)
    reports = [synthetic_inputs(results, f"S{i:03d}", items_per_dimension=5) for i in range(1, args.schools + 1)]
    pdf.html_to_pdf(pdf.school_report_html(reports[0]))  # warm-up: imports, fonts

    per_report, weasy, figure_ms, svg_ms, charts = [], [], [], [], 0
    sample_figures = []
    for inputs in reports:
        started = time.perf_counter()
        t0 = time.perf_counter()
        figures = pdf.school_figures(inputs)
        t1 = time.perf_counter()
        svgs = {name: pdf.chart_uri(figure_to_svg(figure, title=name)) for name, figure in figures.items()}
        t2 = time.perf_counter()
        html = pdf.school_report_html(inputs, svgs)
        t3 = time.perf_counter()
        pdf.html_to_pdf(html)
        t4 = time.perf_counter()
        per_report.append(t4 - started)
        weasy.append(t4 - t3)
        figure_ms.append((t1 - t0) * 1000)
        svg_ms.append((t2 - t1) * 1000)
        charts += len(figures)
        if len(sample_figures) < args.kaleido_charts:
            sample_figures += list(figures.values())[: args.kaleido_charts - len(sample_figures)]
    # school_report_html builds the figures again when handed none; here it got the SVG, so per_report counts
    # figures + SVG + HTML + WeasyPrint exactly once.
    n = len(reports)
    print(f"reports: {n} schools, {charts / n:.0f} charts per report")
    print(f"seconds per report (median, serial): {statistics.median(per_report):.3f}")
    print(f"WeasyPrint seconds per report (median): {statistics.median(weasy):.3f}")
    print(f"ms per chart, SVG from the figure: {sum(svg_ms) / charts:.2f} "
          f"(+ {sum(figure_ms) / charts:.2f} building the plotly figure)")
    kaleido_ms = kaleido_ms_per_chart(sample_figures, args.browser) if args.kaleido_charts else None
    if kaleido_ms is not None:
        print(f"ms per chart, kaleido (one persistent Chromium, {len(sample_figures)} charts): {kaleido_ms:.1f}")
    print(f"total / WeasyPrint time: {sum(per_report) / sum(weasy):.2f}")

    with tempfile.TemporaryDirectory() as folder:
        store = ReportStore(folder)
        started = time.perf_counter()
        result = build_reports(reports, store, workers=args.workers)
        wall = time.perf_counter() - started
        again = build_reports(reports, store, workers=args.workers)
    assert not result.failed, result.failed
    print(f"parallel build, {args.workers} workers: {wall:.1f} s for {n} reports "
          f"({wall / n:.2f} s each) -> 200 schools in about {wall / n * 200 / 60:.1f} min")
    print(f"second build (all up to date): {again.seconds:.2f} s, {len(again.skipped)} skipped, {len(again.built)} built")


if __name__ == "__main__":
    main()
