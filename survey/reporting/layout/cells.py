"""Reading one cell of a results table, and cutting a wide table into column groups.

Shared by the school and the network report's view models; plain pandas, no Flask, no WeasyPrint."""
from __future__ import annotations

import math

import pandas as pd

from survey.reporting.format import format_n

# A table's value columns per column group: with the row header, n and the response rate beside them, six
# value columns fit A4's 174 mm between the margins at the stylesheet's table font, however long the
# dimensions' names (their headers wrap).
MAX_VALUE_COLUMNS = 6


def value(row, column, default=None):
    """`row[column]`, or `default` where the row is missing, lacks the column or holds NaN."""
    if row is None or column not in row.index:
        return default
    found = row[column]
    if found is None or (isinstance(found, float) and math.isnan(found)) or found is pd.NA:
        return default
    return found


def row_of(table: pd.DataFrame, key: str):
    return table.loc[key] if key in table.index else None


def is_suppressed(row) -> bool:
    return row is None or bool(value(row, "suppressed", False))


def shown_n(row, suppressed: bool) -> str:
    """A cell's n as shown: "–" when suppressed (whatever an earlier version of the results wrote in
    `n_shown`), else the number."""
    return format_n(value(row, "n"), suppressed)


def first(rows: pd.DataFrame, column: str) -> float | None:
    """The one value a column holds on every row (the priority map's line), None when not carried."""
    if column not in rows.columns:
        return None
    values = pd.to_numeric(rows[column], errors="coerce").dropna()
    return float(values.iloc[0]) if len(values) else None


def column_groups(count: int, most: int = MAX_VALUE_COLUMNS) -> list[range]:
    """`count` value columns as consecutive groups of at most `most`, as even as possible (8 -> 4 + 4,
    15 -> 5 + 5 + 5): each group becomes one table with the row headers repeated, so no column is ever
    pushed off the page."""
    if count <= 0:
        return []
    groups = math.ceil(count / most)
    size = math.ceil(count / groups)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]
