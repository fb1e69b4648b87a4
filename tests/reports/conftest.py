"""Report test fixtures: a small synthetic round in the results engine's shape, and PDF tools."""
from __future__ import annotations

import shutil
import subprocess

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
