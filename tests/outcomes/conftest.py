"""Outcome files built by hand for the import tests."""
from __future__ import annotations

import pytest

from tests.portal.conftest import vnu  # noqa: F401  (fixture: the Nu Html Checker)
from tests.results.conftest import add_response, make_round, make_version  # noqa: F401  (fixtures)

HEADER = "indicator,label_da,label_sv,label_en,unit,direction,school,program,year,value,n"


def outcome_csv(*rows: str, header: str = HEADER, separator: str = ",") -> str:
    """A file: the header and `rows` (written with commas; `separator` ';' turns every comma into one)."""
    text = "\n".join([header, *rows]) + "\n"
    return text.replace(",", separator) if separator != "," else text


def row(indicator="completion", school="AAA", year="2025", value="72.5", program="", n="120",
        label_da="Fuldførelse", label_sv="Fullföljande", label_en="Completion", unit="%",
        direction="higher_is_better") -> str:
    return ",".join([indicator, label_da, label_sv, label_en, unit, direction, school, program, year, value, n])


@pytest.fixture
def schools(make_school):
    """Three schools of the network: AAA (programs EL, VVS), BBB (EL), CCC (HHX)."""
    return {"AAA": make_school("AAA", programs=("EL", "VVS")), "BBB": make_school("BBB", programs=("EL",)),
            "CCC": make_school("CCC", programs=("HHX",))}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")
