"""Exports of a round's aggregates (long format); its responses are survey/microdata's.

The format follows the file's extension: `.csv`, `.xlsx` or `.parquet`. In CSV and XLSX every text cell that
a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed with
an apostrophe; Parquet keeps values as they are (no spreadsheet reads it).

The aggregates are the results as `survey.results.service.round_results` gives them to every presenter: a
suppressed cell has an empty `n` (its `n_shown` says "< k_min" or "–" and `suppression` why), never its exact n.
The first column, `level`, says what a row is about: `network`, `organiser` (the organiser's code in `school`) or
`school`.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from survey.microdata.variables import ExportError
from survey.microdata.writers import format_of as microdata_format_of
from survey.rounds.models import SurveyRound
from survey.spreadsheet import escape_formula

FORMATS = ("csv", "xlsx", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
_ILLEGAL_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def format_of(path: str | Path) -> str:
    """The aggregates export's format given by a file name's extension."""
    return microdata_format_of(path, FORMATS)



def escape_text_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell escaped (`escape_formula`); numbers, booleans and blanks unchanged."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or isinstance(values.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            frame[column] = values.astype(object).map(escape_formula, na_action="ignore")
    frame.columns = [escape_formula(str(column)) for column in frame.columns]
    return frame


def table_bytes(frame: pd.DataFrame, fmt: str, *, sheet: str = "data") -> bytes:
    """The table as a file's bytes in `fmt` (csv, xlsx or parquet)."""
    if fmt not in FORMATS:
        raise ExportError(f"unsupported format {fmt!r}; use one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    safe = escape_text_cells(frame)
    if fmt == "csv":
        text = safe.to_csv(index=False, lineterminator="\r\n", na_rep="")
        return ("\ufeff" + text).encode("utf-8")  # a BOM, so spreadsheets read UTF-8
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(
                lambda v: _ILLEGAL_XLSX.sub("", v) if isinstance(v, str) else v, na_action="ignore")
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


def write_table(frame: pd.DataFrame, path: str | Path, *, sheet: str = "data") -> Path:
    """Write the table to `path` in the format its extension names."""
    path = Path(path)
    payload = table_bytes(frame, format_of(path), sheet=sheet)
    path.write_bytes(payload)
    return path


def aggregates_table(survey_round: SurveyRound, *, school: str | None = None, today=None) -> pd.DataFrame:
    """The round's long aggregates (frozen when closed); with `school`, that school's rows and NETWORK's."""
    from survey.results.service import round_results

    results = round_results(survey_round, today=today)
    if school is not None:
        results = results.for_school(school)
    return results.aggregates


def export_aggregates(survey_round: SurveyRound, path: str | Path, *, school: str | None = None,
                      today=None) -> Path:
    format_of(path)
    return write_table(aggregates_table(survey_round, school=school, today=today), path, sheet="aggregates")
