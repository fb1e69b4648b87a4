"""Reports never lose data: every word of a rendered school and network report lies inside the page's
printable box, and every table that should list every dimension does, whatever their number (2 to 15), however
long their names, in Danish, Swedish and English. Real WeasyPrint; the word boxes read back with poppler."""
from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest

from survey.reporting import pdf
from survey.reporting.inputs import NetworkReportInputs, overall_rows
from survey.reporting.labels import words
from survey.reporting.synthetic import many_dimensions, synthetic_inputs, synthetic_results
from tests.reports.conftest import pdf_pages

MM = 72 / 25.4
# reports/report.css: @page { margin: 20mm 18mm 22mm 18mm }; only the footer may use the bottom margin
LEFT = RIGHT = 18 * MM
TOP = 20 * MM
BOTTOM_EDGE = 5 * MM
TOLERANCE = 0.5  # points: a glyph's box may overhang its line box by a hair
SCHOOLS = 40  # enough for the network's school table to run over several pages
CASES = [("da", 15), ("sv", 2), ("en", 8)]


@pytest.fixture(scope="module", params=CASES, ids=[f"{language}-{count}" for language, count in CASES])
def rendered(request, tmp_path_factory):
    language, count = request.param
    results = synthetic_results(SCHOOLS, items_per_dimension=3, dimensions=many_dimensions(count))
    school = synthetic_inputs(results, "S001", language, items_per_dimension=3)
    network = NetworkReportInputs(
        round=replace(school.round, share_names=True), network_name="Netværket", language=language,
        dimensions=results.dimensions, aggregates=overall_rows(results.aggregates),
        school_names={f"S{i:03d}": f"Den Tekniske Erhvervsskole, afdeling {i} i Sønderjylland"
                      for i in range(1, SCHOOLS + 1)})
    folder = tmp_path_factory.mktemp("layout")
    return {"language": language, "dimensions": results.dimensions, "inputs": school,
            "school": pdf_pages(pdf.render_school_report(school), folder),
            "network": pdf_pages(pdf.render_network_report(network), folder)}


def squeeze(text: str) -> str:
    """Without spaces and hyphens: a header cell wraps a name over lines, hyphenating a long word."""
    return re.sub(r"[\s\-‐]", "", text)


def page_text(page) -> str:
    return squeeze("".join(word.text for word in page.words))


def section(pages, heading: str, next_heading: str) -> list:
    """The pages from the one that starts with `heading` to the one before the page starting `next_heading`."""
    starts = [i for i, page in enumerate(pages) if page_text(page).startswith(squeeze(heading))]
    ends = [i for i, page in enumerate(pages) if page_text(page).startswith(squeeze(next_heading))]
    assert starts and ends, (heading, next_heading)
    return pages[starts[0]:min(i for i in ends if i > starts[0])]


@pytest.mark.parametrize("report", ["school", "network"])
def test_every_word_lies_inside_the_printable_box(rendered, report):
    pages = rendered[report]
    outside = [(page.number, word.text, round(word.x0), round(word.x1), round(word.y1))
               for page in pages for word in page.words
               if word.x0 < LEFT - TOLERANCE or word.x1 > page.width - RIGHT + TOLERANCE
               or word.y0 < TOP - TOLERANCE or word.y1 > page.height - BOTTOM_EDGE]
    assert sum(len(page.words) for page in pages) > 500
    assert not outside, outside[:10]


def test_each_breakdown_lists_every_dimension_with_the_group_beside_each_column_group(rendered):
    w = words(rendered["language"])
    text = "".join(page_text(page) for page in section(rendered["school"], w["breakdowns"], w["partners"]))
    titles = [squeeze(title) for title in rendered["inputs"].group_labels.values()]
    positions = sorted(text.index(title) for title in titles)
    groups = math.ceil(len(rendered["dimensions"]) / 6)
    for start, end in zip(positions, positions[1:] + [len(text)]):
        chunk = text[start:end]
        missing = [d.label for d in rendered["dimensions"] if squeeze(d.label) not in chunk]
        assert not missing, (chunk[:40], missing)
    # the program breakdown's published group repeats in every column group, with its n
    assert text.count("Elektriker") == groups


def test_summary_and_changes_list_every_dimension(rendered):
    w = words(rendered["language"])
    text = "".join(page_text(page) for page in section(rendered["school"], w["summary"], w["priority_map"]))
    for dimension in rendered["dimensions"]:
        assert text.count(squeeze(dimension.label)) >= 3, dimension.label  # the table, the chart, the changes


def test_network_school_table_lists_every_dimension_and_repeats_its_header_on_every_page(rendered):
    w = words(rendered["language"])
    pages = section(rendered["network"], w["schools"], w["method"])
    text = "".join(page_text(page) for page in pages)
    missing = [d.label for d in rendered["dimensions"] if squeeze(d.label) not in text]
    assert not missing, missing
    groups = math.ceil(len(rendered["dimensions"]) / 6)
    for i in range(1, SCHOOLS + 1):  # every school in every column group, none dropped at a page break
        assert text.count(squeeze(f"afdeling {i} i Sønderjylland")) == groups, i
    assert len(pages) > 1
    for page in pages:  # a table broken over pages repeats its header row
        assert squeeze(w["response_rate"]) in page_text(page), page.number
