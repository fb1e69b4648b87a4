"""Cells that a spreadsheet would run as a formula (OWASP "CSV injection") get a leading quote."""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """'=1+2' -> "'=1+2": a text cell can never run as a spreadsheet formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
