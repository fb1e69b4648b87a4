"""Write a `ResponseTable` as CSV, XLSX, Parquet, SPSS (.sav) or Stata (.dta).

Every format has the same columns under the same names (survey/microdata/names.py) and the same codes:

| | no answer | not asked | non-substantive option |
|---|---|---|---|
| CSV, XLSX, Parquet | empty | -999 | its own code |
| SPSS (.sav) | system-missing | -999, user-missing, labelled "not asked" | its own code, user-missing |
| Stata (.dta) | `.` | `.a`, labelled "not asked" | its own code, labelled |

SPSS and Stata files carry variable labels (question text) and value labels; CSV and Parquet leave those to
the codebook, which an XLSX export holds as its second sheet. Multiple choice: one 0/1 variable per option.
Text cells that a spreadsheet would run as a formula are escaped in CSV and XLSX (survey/spreadsheet.py).

XLSX is written row by row in constant memory (xlsxwriter's `constant_memory`); more rows than an Excel sheet
holds are refused before anything is written (`check_excel_size`).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from survey.microdata.variables import (
    FIXED,
    NOT_ASKED_CODE,
    NOT_ASKED_LABEL,
    STATA_NOT_ASKED,
    ExportError,
    ResponseTable,
    Variable,
)
from survey.spreadsheet import escape_formula

FORMATS = ("csv", "xlsx", "parquet", "sav", "dta")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}
EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel sheet, the header row included."""
EXCEL_MAX_COLUMNS = 16_384
_NEVER_FORMULAS = frozenset({"response_id", "date"})  # hexadecimal UUIDs and ISO dates: nothing to escape
_XLSX_CHUNK = 4096  # rows turned into Python values at a time: bounded memory
SPSS_LABEL_BYTES = 256
SPSS_VALUE_LABEL_BYTES = 120
STATA_LABEL_CHARS = 80
SPSS_NOTE = [  # SPSS keeps a document as lines of at most 80 bytes
    "Benchlearn response export. No answer = system-missing.",
    f"{NOT_ASKED_CODE} = not asked (routed past), user-missing.",
    "Non-substantive options keep their own codes, user-missing.",
    "Multiple choice: one 0/1 variable per option. Free text is never exported.",
]


def format_of(path: str | Path, formats: tuple[str, ...] = FORMATS) -> str:
    """The export format given by a file name's extension, one of `formats` (the response export's by default;
    the aggregates export has fewer)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in formats:
        raise ExportError(f"{Path(path).name}: unsupported file type {Path(path).suffix or '(none)'!r}; "
                          f"use one of {', '.join('.' + f for f in formats)}")
    return suffix


def check_excel_size(rows: int, columns: int, *, max_rows: int = EXCEL_MAX_ROWS,
                     max_columns: int = EXCEL_MAX_COLUMNS) -> None:
    """Refuse a table that does not fit one Excel sheet (`rows` below a header row), before anything is
    written."""
    if rows + 1 > max_rows:
        raise ExportError(f"{rows:,} responses do not fit in an Excel sheet, which holds {max_rows - 1:,} rows "
                          "below its header: nothing was written. Export as .csv, .parquet, .sav or .dta instead.")
    if columns > max_columns:
        raise ExportError(f"{columns:,} columns do not fit in an Excel sheet, which holds {max_columns:,}: "
                          "nothing was written. Export as .csv, .parquet, .sav or .dta instead.")


def write_table(table: ResponseTable, path: str | Path, *, codebook: list[dict] | None = None) -> Path:
    """Write the table to `path` in the format its extension names (`codebook`: rows for XLSX's second
    sheet). A refused export writes nothing."""
    path = Path(path)
    fmt = format_of(path)
    if fmt == "xlsx":
        check_excel_size(len(table), len(table.fixed) + len(table.variables))
    partial = path.with_name(f".{path.name}.partial")
    try:
        _WRITERS[fmt](table, partial, codebook)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def table_bytes(table: ResponseTable, fmt: str, *, codebook: list[dict] | None = None) -> bytes:
    """The file's bytes (for a download); written through a temporary file, which SPSS and Stata need."""
    if fmt not in FORMATS:
        raise ExportError(f"unsupported format {fmt!r}; use one of {', '.join(FORMATS)}")
    with tempfile.TemporaryDirectory(prefix="benchlearn-export-") as directory:
        path = Path(directory) / f"responses.{fmt}"
        write_table(table, path, codebook=codebook)
        return path.read_bytes()


# --- shared -------------------------------------------------------------------------------------------------

def _coded(values: np.ndarray) -> np.ndarray:
    """float64 with "not asked" as NOT_ASKED_CODE and "no answer" still NaN."""
    return np.where(np.isneginf(values), float(NOT_ASKED_CODE), values)


def _refuse_colliding_numbers(table: ResponseTable) -> None:
    """A numeric answer equal to the not-asked code would read as "not asked": refuse rather than mislead."""
    for variable, values in zip(table.variables, table.columns):
        if not variable.value_labels and not variable.missing and (values == NOT_ASKED_CODE).any():
            raise ExportError(f"{variable.key}: an answer is {NOT_ASKED_CODE}, the code of 'not asked' in "
                              ".csv/.xlsx/.parquet/.sav: export as .dta, where 'not asked' is .a")


def _arrow_table(table: ResponseTable, *, escape: bool) -> pa.Table:
    arrays, names = [], []
    for name, values in table.fixed.items():
        arrays.append(_text_array(values, escape and name not in _NEVER_FORMULAS))
        names.append(name)
    for variable, values in zip(table.variables, table.columns):
        coded = _coded(values)
        missing = np.isnan(coded)
        if variable.integer:
            arrays.append(pa.array(np.where(missing, 0, coded).astype(np.int64), mask=missing))
        else:
            arrays.append(pa.array(coded, mask=missing))
        names.append(variable.name)
    return pa.Table.from_arrays(arrays, names=names)


def _text_array(values, escape: bool) -> pa.Array:
    """A text column as a dictionary array (few distinct values), each distinct value escaped once."""
    series = pd.Series(values, dtype="object")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    labels = [escape_formula(value) if escape else value for value in uniques.tolist()]
    dictionary = pa.array(labels, type=pa.string())
    indices = pa.array(codes, mask=codes < 0, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


# --- CSV and Parquet ------------------------------------------------------------------------------------------

def _write_csv(table: ResponseTable, path: Path, _codebook) -> None:
    _refuse_colliding_numbers(table)
    arrow = _arrow_table(table, escape=True)
    buffer = io.BytesIO()
    buffer.write("\ufeff".encode())  # a BOM, so spreadsheets read UTF-8
    pa_csv.write_csv(arrow, buffer, pa_csv.WriteOptions(include_header=True, eol="\r\n", quoting_style="needed"))
    path.write_bytes(buffer.getvalue())


def _write_parquet(table: ResponseTable, path: Path, _codebook) -> None:
    _refuse_colliding_numbers(table)
    pq.write_table(_arrow_table(table, escape=False), path)


# --- XLSX -----------------------------------------------------------------------------------------------------

def _write_xlsx(table: ResponseTable, path: Path, codebook: list[dict] | None) -> None:
    """Row by row with xlsxwriter in constant memory: each row is flushed to a temporary file once the next
    starts, so memory stays flat whatever the number of responses."""
    import xlsxwriter

    _refuse_colliding_numbers(table)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False})
    try:
        sheet = workbook.add_worksheet("responses")
        header = [*table.fixed, *(v.name for v in table.variables)]
        sheet.write_row(0, 0, header)
        text = [_escaped_object_array(values) for values in table.fixed.values()]
        numbers = [_coded(values) for values in table.columns]
        write_string, write_number = sheet._write_string, sheet._write_number  # past the A1-notation wrapper
        first_number = len(text)
        for start in range(0, len(table), _XLSX_CHUNK):
            stop = min(start + _XLSX_CHUNK, len(table))
            strings = zip(*(values[start:stop].tolist() for values in text))
            values = zip(*(column[start:stop].tolist() for column in numbers))  # Python floats format fastest
            for excel_row, row_strings, row_values in zip(range(start + 1, stop + 1), strings, values):
                for column, value in enumerate(row_strings):
                    if value is not None:
                        write_string(excel_row, column, value, None)
                for column, value in enumerate(row_values, first_number):
                    if value == value:  # not NaN: no answer stays an empty cell
                        write_number(excel_row, column, value, None)
        if codebook is not None:
            _codebook_sheet(workbook, codebook)
    finally:
        workbook.close()


def _escaped_object_array(values) -> np.ndarray:
    series = pd.Series(values, dtype="object")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    escaped = np.array([_xlsx_text(value) for value in uniques.tolist()] + [None], dtype=object)
    return escaped[codes]  # code -1 (no value) picks the trailing None


def _xlsx_text(value: str) -> str:
    """Escaped, without the control characters XML 1.0 cannot hold."""
    return escape_formula("".join(ch for ch in value if ch >= " " or ch in "\t\n\r"))


def _codebook_sheet(workbook, rows: list[dict]) -> None:
    sheet = workbook.add_worksheet("codebook")
    if not rows:
        return
    columns = list(rows[0])
    sheet.write_row(0, 0, columns)
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(columns):
            value = row[column]
            if value not in (None, ""):
                sheet.write_string(r, c, _xlsx_text(str(value)))


# --- SPSS and Stata -------------------------------------------------------------------------------------------

def _fixed_frame(table: ResponseTable) -> dict[str, object]:
    """The fixed columns for pyreadstat: text as object Series (pyreadstat walks the rows in Python, and plain
    str objects are the fastest to hand it), the date as dates."""
    data: dict[str, object] = {}
    for name, values in table.fixed.items():
        series = pd.Series(values, dtype="object")
        if name == "date":
            data[name] = series.map(dt.date.fromisoformat, na_action="ignore")
        else:
            data[name] = series.where(series.notna(), "").astype(object)
    return data


def _write_sav(table: ResponseTable, path: Path, _codebook) -> None:
    import pyreadstat

    _refuse_colliding_numbers(table)
    data = _fixed_frame(table)
    labels: dict[str, str] = {column.name: _cut_bytes(column.label, SPSS_LABEL_BYTES) for column in FIXED}
    value_labels, missing, measure, formats = {}, {}, {}, {}
    for variable, values in zip(table.variables, table.columns):
        data[variable.name] = _coded(values)
        labels[variable.name] = _cut_bytes(variable.label, SPSS_LABEL_BYTES)
        coded_labels = {float(code): _cut_bytes(text, SPSS_VALUE_LABEL_BYTES)
                        for code, text in variable.labels().items()}
        if variable.routed:
            coded_labels[float(NOT_ASKED_CODE)] = NOT_ASKED_LABEL
        if coded_labels:
            value_labels[variable.name] = coded_labels
        declared = spss_missing(variable)
        if declared:
            missing[variable.name] = declared
        measure[variable.name] = variable.measure
        if variable.integer:
            formats[variable.name] = "F8.0"
    frame = pd.DataFrame(data)
    pyreadstat.write_sav(frame, str(path), file_label="Benchlearn responses", column_labels=labels,
                         variable_value_labels=value_labels, missing_ranges=missing, variable_measure=measure,
                         variable_format=formats, note=SPSS_NOTE)


def spss_missing(variable: Variable) -> list:
    """SPSS's user-missing declaration: the non-substantive codes and, when it can occur, the not-asked code.

    SPSS takes at most three values, or one range and one value. Substantive codes are 1..k (or the options'
    codes), so a range may cover the missing codes on one side of them only. When the codes do not fit (four
    or more, spread on both sides, each side with two or more), the side with more codes gets the range and
    the other side's codes stay labelled but not declared missing: rare, and the codebook lists them all."""
    codes = sorted(variable.missing)
    if variable.routed:
        codes = sorted({*codes, NOT_ASKED_CODE})
    if len(codes) <= 3:
        return list(codes)
    substantive = sorted(variable.value_labels) or [0]
    low = [c for c in codes if c < substantive[0]]
    high = [c for c in codes if c > substantive[-1]]
    if len(high) <= 1 or (len(low) > 1 and len(low) >= len(high)):
        ranged, single = low, high
    else:
        ranged, single = high, low
    declared: list = [{"lo": ranged[0], "hi": ranged[-1]}]
    if len(single) == 1:
        declared.append(single[0])
    return declared


def _write_dta(table: ResponseTable, path: Path, _codebook) -> None:
    import pyreadstat

    data = _fixed_frame(table)
    labels: dict[str, str] = {column.name: column.label[:STATA_LABEL_CHARS] for column in FIXED}
    value_labels, missing = {}, {}
    for variable, values in zip(table.variables, table.columns):
        not_asked = np.isneginf(values)
        if variable.routed or not_asked.any():  # `.a` labelled and declared even where nobody was routed past
            column = values.astype(object)
            column[not_asked] = STATA_NOT_ASKED
            data[variable.name] = column
            missing[variable.name] = [STATA_NOT_ASKED]
        else:
            data[variable.name] = values
        labels[variable.name] = _cut_chars(variable.label, STATA_LABEL_CHARS)
        coded_labels: dict = {code: text for code, text in variable.labels().items()}
        if variable.routed:
            coded_labels[STATA_NOT_ASKED] = NOT_ASKED_LABEL
        if coded_labels:
            value_labels[variable.name] = coded_labels
    frame = pd.DataFrame(data)
    pyreadstat.write_dta(frame, str(path), file_label="Benchlearn responses", column_labels=labels,
                         variable_value_labels=value_labels, missing_user_values=missing)


def _cut_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut at a character boundary with an ellipsis when shortened."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit - 3].decode("utf-8", errors="ignore") + "…"


def _cut_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


_WRITERS: Mapping[str, Callable[[ResponseTable, Path, list[dict] | None], None]] = {
    "csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet, "sav": _write_sav, "dta": _write_dta,
}
