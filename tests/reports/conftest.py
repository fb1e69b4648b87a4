"""Report test fixtures: a small synthetic round in the results engine's shape, and PDF tools."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest

from survey.reporting.inputs import NetworkReportInputs, overall_rows
from survey.reporting.synthetic import DIMENSIONS, synthetic_inputs, synthetic_results
from tests.conftest import IN_CI
from tests.results.conftest import add_response, make_round, make_version  # noqa: F401  (fixtures)

SCHOOLS = 3


@pytest.fixture(scope="session")
def results():
    return synthetic_results(SCHOOLS, items_per_dimension=3)


@pytest.fixture(scope="session")
def school_inputs(results):
    return synthetic_inputs(results, "S001", items_per_dimension=3)


@pytest.fixture(scope="session")
def network_inputs(results, school_inputs):
    return NetworkReportInputs(round=school_inputs.round, network_name="Testnetværket", language="da",
                               dimensions=list(DIMENSIONS), aggregates=overall_rows(results.aggregates),
                               school_names={f"S{i:03d}": f"Skole {i}" for i in range(1, SCHOOLS + 1)})


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} (poppler-utils) is not installed"
        if IN_CI:
            pytest.fail(f"{message}; CI must read the PDFs back")
        pytest.skip(message)
    return path


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run([poppler("pdftotext"), "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]


def pdf_pages(pdf: bytes, tmp_path) -> list[Page]:
    """Every page's size and word boxes in points (origin top left), the words in the order the PDF draws
    them (`pdftotext -bbox -raw`), so a table header cell's wrapped lines follow each other."""
    path = tmp_path / "boxes.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([poppler("pdftotext"), "-bbox", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for number, match in enumerate(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S), 1):
        words = tuple(Word(float(x0), float(y0), float(x1), float(y1), html.unescape(text)) for x0, y0, x1, y1, text in
                      re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>',
                                 match.group(3)))
        pages.append(Page(number, float(match.group(1)), float(match.group(2)), words))
    return pages


# Numbers as METHOD.md and the report's language write them, formatted here without survey.reporting.format,
# so that a test reading a PDF back checks the report's formatting against an independent one.


def number(value, language, decimals=1):
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if language in ("da", "sv") else text


def signed(value, language):
    text = number(abs(value), language)
    return ("−" if value < 0 else "+") + text if set(text) - set("0,.") else text


def percent(share, language):
    return f"{round(share * 100)}{' %' if language in ('da', 'sv') else '%'}"


def lines_of(page: str, label: str) -> list[str]:
    """The table rows that start with `label` (pdftotext -layout keeps a row on one line), in page order."""
    found = [" ".join(line.split()) for line in page.splitlines() if " ".join(line.split()).startswith(label)]
    assert found, (label, page[:300])
    return found
