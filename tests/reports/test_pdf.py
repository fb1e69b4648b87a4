"""The school and network PDFs: the numbers of the aggregates, nothing suppressed, assets only our own."""
from __future__ import annotations

import subprocess

import plotly.graph_objects as go
import pytest

from survey.reporting import figures, layout, pdf
from survey.reporting.format import format_index, format_percent
from survey.reporting.svg import UnsupportedFigure, figure_to_svg
from tests.reports.conftest import pdf_text, poppler

SUPPRESSED_LABELS = ("SMALL-PROGRAM-XQ", "Nonbinary-XYZ")


@pytest.fixture(scope="module")
def school_pdf(school_inputs):
    return pdf.render_school_report(school_inputs)


def published_indices(inputs, language):
    rows = inputs.aggregates[(inputs.aggregates["school"] == inputs.school_code)
                             & (inputs.aggregates["breakdown"] == "all") & ~inputs.aggregates["suppressed"]]
    return {row.dimension: format_index(row.index, language) for row in rows.itertuples()}


def test_format_is_one_function_per_language():
    assert format_index(72.449, "da") == "72,4"
    assert format_index(72.45001, "en") == "72.5"
    assert format_index(float("nan")) == "–"
    assert format_percent(0.634, "sv") == "63 %"


def test_html_holds_every_index_and_no_suppressed_group(school_inputs):
    html = pdf.school_report_html(school_inputs)
    for value in published_indices(school_inputs, "da").values():
        assert value in html
    for label in SUPPRESSED_LABELS:
        assert label not in html
    assert 'lang="da"' in html and "Ærø" in html


def test_pdf_text_has_the_indices_and_danish_letters(school_pdf, school_inputs, tmp_path):
    text = pdf_text(school_pdf, tmp_path)
    summary_page = text.split("\f")[1]  # page 2: the summary table, one row per dimension
    lines = summary_page.splitlines()
    for dimension, value in published_indices(school_inputs, "da").items():
        label = next(d.label for d in school_inputs.dimensions if d.key == dimension)
        start = " ".join(label.split()[:2])  # the table may wrap a long label; its first words start the row
        at = next(i for i, line in enumerate(lines) if start in line)
        row = " ".join(lines[max(at - 1, 0):at + 2])  # a wrapped cell may move the numbers a line up or down
        assert f" {value} " in f" {row} ", (label, value, row)
    assert "Ærø Tekniske Skole" in text and "Læringsmiljø" in text and "æøå" in text
    for label in SUPPRESSED_LABELS:
        assert label not in text
    assert school_inputs.round.results_hash in text.replace("\n", "").replace(" ", "")


def test_pdf_is_tagged_pdf_ua_with_embedded_fonts(school_pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(school_pdf)
    info = subprocess.run([poppler("pdfinfo"), str(path)], check=True, capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info and "PDF version:     1.7" in info
    assert "Title:           Benchmarkrapport – Skolen S001" in info
    meta = subprocess.run([poppler("pdfinfo"), "-meta", str(path)], check=True, capture_output=True, text=True).stdout
    assert 'pdfuaid:part="1"' in meta
    fonts = subprocess.run([poppler("pdffonts"), str(path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded


def test_first_page_renders_to_png(school_pdf, tmp_path):
    (tmp_path / "report.pdf").write_bytes(school_pdf)
    subprocess.run([poppler("pdftoppm"), "-png", "-r", "40", "-f", "1", "-l", "2", str(tmp_path / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)


def test_english_and_swedish_reports(school_inputs, tmp_path):
    from dataclasses import replace

    english = pdf.school_report_html(replace(school_inputs, language="en"))
    assert 'lang="en"' in english and "Benchmark report" in english
    for value in published_indices(school_inputs, "en").values():
        assert value in english
    swedish = pdf.school_report_html(replace(school_inputs, language="sv"))
    assert "Sammanfattning" in swedish and "Övre kvartil" in swedish


def test_network_report_anonymised_unless_names_are_shared(network_inputs, tmp_path):
    from dataclasses import replace

    html = pdf.network_report_html(network_inputs)
    assert "School A" in html and "Skole 1" not in html and "S001" not in html
    named = replace(network_inputs, round=replace(network_inputs.round, share_names=True))
    assert "Skole 1" in pdf.network_report_html(named)
    assert pdf.render_network_report(network_inputs).startswith(b"%PDF")


@pytest.mark.parametrize("url", ["http://example.com/x.css", "https://example.com/font.ttf", "file:///etc/passwd",
                                 "file:///usr/share/fonts/truetype/dejavu/../../../../etc/passwd",
                                 "data:text/html,<b>x</b>"])
def test_fetcher_refuses_anything_but_our_assets(url):
    with pytest.raises(pdf.AssetRefused):
        pdf.asset_fetcher().fetch(url)


def test_fetcher_serves_our_stylesheet_and_fonts():
    assert b"@font-face" in pdf.asset_fetcher().fetch((pdf.REPORTS_DIR / "report.css").as_uri()).read()


def test_a_template_pointing_outside_stops_the_rendering():
    from weasyprint.urls import FatalURLFetchingError

    html = '<html lang="da"><head><title>x</title><link rel="stylesheet" href="http://example.com/x.css"></head><body>x</body></html>'
    with pytest.raises(FatalURLFetchingError):
        pdf.html_to_pdf(html)


def test_svg_is_drawn_from_the_plotly_figure(school_inputs):
    drawn = figures.school_figures(school_inputs)
    assert {"summary", "priority"} <= set(drawn)
    for name, figure in drawn.items():
        assert isinstance(figure, go.Figure)
        svg = figure_to_svg(figure, title=name)
        assert svg.startswith("<svg") and svg.endswith("</svg>")
    summary = figure_to_svg(drawn["summary"])
    assert "Læringsmiljø" in summary  # category labels come from the figure's own data


def test_svg_refuses_what_it_cannot_draw():
    with pytest.raises(UnsupportedFigure):
        figure_to_svg(go.Figure(go.Pie(values=[1, 2])))


def test_partners_section_per_improve_first_dimension(school_inputs):
    from dataclasses import replace

    from survey.results.compute import empty_partners

    improve = [d.label for d in school_inputs.dimensions
               if any((school_inputs.aggregates["school"] == "S001") & (school_inputs.aggregates["dimension"] == d.key)
                      & (school_inputs.aggregates["quadrant"] == "Improve first"))]
    assert improve
    context = layout.school_context(school_inputs)
    assert [s["label"] for s in context["partners"]] == improve
    nobody = pdf.school_report_html(replace(school_inputs, partners=empty_partners()))
    assert nobody.count("Ingen benchmarkpartner fundet.") == len(improve)
    english = pdf.school_report_html(replace(school_inputs, partners=empty_partners(), language="en"))
    assert "No partner found." in english


def test_partners_section_shows_the_five_most_similar_and_counts_the_rest(school_inputs):
    from dataclasses import replace

    import pandas as pd

    from survey.analysis import IMPROVE_FIRST

    own = school_inputs.aggregates
    dimension = own[(own["school"] == "S001") & (own["quadrant"] == IMPROVE_FIRST)]["dimension"].iloc[0]
    many = pd.DataFrame({
        "school": "S001", "dimension": dimension, "partner_school": [f"P{i:02d}" for i in range(8)],
        "partner_label": [f"Partnerskole {i}" for i in range(8)], "partner_index": 90.0, "school_index": 50.0,
        "p_value": 0.001, "order": range(8),
    })
    html = pdf.school_report_html(replace(school_inputs, partners=many))
    assert [f"Partnerskole {i}" in html for i in range(8)] == [True] * 5 + [False] * 3
    assert "og 3 partnere mere" in html


def test_kaleido_renders_the_same_figure_in_one_persistent_chromium(school_inputs, monkeypatch):
    """REPORT_CHARTS=kaleido: plotly's own renderer, Debian's chromium, started once for every chart."""
    import kaleido

    from survey.reporting import renderers

    monkeypatch.setenv("REPORT_CHARTS", "kaleido")
    starts = []
    original_start = kaleido.start_sync_server
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **k: starts.append(k) or original_start(*a, **k))
    monkeypatch.setattr(renderers, "_kaleido_started", False)
    drawn = list(figures.school_figures(school_inputs).values())[:2]
    try:
        svgs = [renderers.figure_svg(figure, title=f"chart {i}") for i, figure in enumerate(drawn)]
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    assert all(svg.lstrip().startswith("<svg") and f"<title>chart {i}</title>" in svg for i, svg in enumerate(svgs))
    assert len(starts) == 1 and starts[0]["mathjax"] is False and starts[0]["path"] == "/usr/bin/chromium"


def test_an_unknown_chart_renderer_is_refused(monkeypatch):
    from survey.reporting.renderers import RendererError, chart_renderer

    monkeypatch.setenv("REPORT_CHARTS", "matplotlib")
    with pytest.raises(RendererError, match="choose one of direct, kaleido"):
        chart_renderer()


def test_distribution_axis_writes_percent_as_each_language_does():
    from survey.reporting.charts import distribution_figure

    def suffix(language):
        figure = distribution_figure(["1"], [[0.2, 0.2, 0.2, 0.2, 0.2]], list("abcde"), language)
        return figure.layout.xaxis.ticksuffix

    assert (suffix("da"), suffix("sv"), suffix("en")) == (" %", " %", "%")


def test_format_n_never_prints_a_suppressed_cells_n():
    import pandas as pd

    from survey.reporting.format import format_n

    assert format_n(12) == "12" and format_n(None) == "–" and format_n(pd.NA) == "–"
    # one symbol (METHOD.md v2): small or protecting a small group, a suppressed cell is "–", never "< k_min"
    assert format_n(3, True) == "–" and format_n(0, True) == "–" and format_n(12, True) == "–"
    assert format_n(float("nan"), True) == "–" and format_n(pd.NA, True) == "–"


def test_priority_line_is_100_over_the_number_of_predictors_whichever_are_shown(school_inputs):
    from dataclasses import replace

    aggregates = school_inputs.aggregates.copy()
    hide = ((aggregates["school"] == "S001") & (aggregates["breakdown"] == "all")
            & aggregates["dimension"].isin(["motivation", "environment"]))
    aggregates.loc[hide, "suppressed"] = True
    aggregates.loc[hide, ["index", "ci_low", "ci_high"]] = float("nan")
    predictors = [d for d in school_inputs.dimensions if not d.is_overall]
    for inputs, shown in ((school_inputs, 5), (replace(school_inputs, aggregates=aggregates), 3)):
        figure = figures.school_figures(inputs)["priority"]
        vertical = [shape for shape in figure.layout.shapes if shape.xref == "x"]
        horizontal = [shape for shape in figure.layout.shapes if shape.yref == "y"]
        assert sum(len(trace.x) for trace in figure.data) == shown
        assert len(vertical) == 1 and vertical[0].x0 == vertical[0].x1 == 100 / len(predictors) == 20
        assert len(horizontal) == 1 and horizontal[0].y0 == horizontal[0].y1 == 0  # the gap to the network


def test_breakdown_groups_are_named_and_suppressed_ones_counted_truthfully(school_inputs):
    from dataclasses import replace

    import numpy as np

    named = replace(school_inputs, group_names={"program": {"Elektriker": "Elektriker (EUD)"},
                                                "gender": {"Kvinde": "Kvinder"}})
    breakdowns = {b["key"]: b for b in layout.school_context(named)["breakdowns"]}
    assert [row["group"] for row in breakdowns["program"]["rows"]] == ["Elektriker (EUD)"]
    assert [row["group"] for row in breakdowns["gender"]["rows"]] == ["Kvinder", "Mand"]  # unnamed: as given
    assert breakdowns["program"]["hidden"] == 1 and "small" not in breakdowns["program"]
    html = pdf.school_report_html(named)
    # one note, whatever hid the group (METHOD.md v2: no distinction between small and protecting groups)
    assert ("1 gruppe vises som „–“: færre end 5 besvarelser, eller beskyttet så en lille gruppe ikke kan "
            "regnes ud.") in html and "Elektriker (EUD)" in html
    assert "besvarelser vises ikke" not in html and "&lt; 5" not in html and "< 5" not in html


def test_group_names_in_the_report_language():
    from types import SimpleNamespace

    from survey.reporting.loader import group_names

    school = SimpleNamespace(programs=[SimpleNamespace(code="EL", name="Elektriker")])
    version = SimpleNamespace(background_questions=[
        SimpleNamespace(key="program", source="program", options=None),
        SimpleNamespace(key="age", source=None, options=[
            {"key": "under20", "label": {"da": "Under 20 år", "en": "Under 20"}}, {"key": "over20", "label": {}}]),
    ])
    assert group_names(school, version, "en") == {"program": {"EL": "Elektriker"},
                                                  "age": {"under20": "Under 20", "over20": "over20"}}
    assert group_names(school, version, "sv")["age"]["under20"] == "Under 20 år"  # else Danish


def test_view_models_and_figures_need_no_weasyprint():
    """The dashboards read the same view model and figures as the PDF without the PDF module: importing them
    (in a fresh interpreter) loads neither survey.reporting.pdf nor WeasyPrint."""
    import sys

    code = ("import sys; import survey.reporting.layout, survey.reporting.figures, survey.reporting.format; "
            "print(sorted(m for m in sys.modules if m.startswith('weasyprint') or m == 'survey.reporting.pdf'))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                            cwd=str(pdf.REPORTS_DIR.parent)).stdout.strip()
    assert loaded == "[]"
