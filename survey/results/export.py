"""Exports of a round: its responses (one row per submitted response) and its aggregates (long format).

The format follows the file's extension: `.csv`, `.xlsx` or `.parquet`. In CSV and XLSX every text cell that
a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed with
an apostrophe; Parquet keeps values as they are (no spreadsheet reads it).

The aggregates are the results as `survey.results.service.round_results` gives them to every presenter: a
suppressed cell has an empty `n` (its `n_shown` says "< k_min" or "–" and `suppression` why), never its exact n.
"""
from __future__ import annotations

import io
import re
import secrets
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from survey.results.loading import load_round
from survey.rounds.models import SurveyRound
from survey.spreadsheet import escape_formula

FORMATS = ("csv", "xlsx", "parquet")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
_ILLEGAL_XLSX = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


class ExportError(ValueError):
    """The export cannot be written as asked (e.g. an unsupported file extension)."""


def format_of(path: str | Path) -> str:
    """The export format given by a file name's extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"{Path(path).name}: unsupported file type {Path(path).suffix or '(none)'!r}; "
                          f"use one of {', '.join('.' + f for f in FORMATS)}")
    return suffix



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


def responses_table(survey_round: SurveyRound, *, school: str | None = None) -> pd.DataFrame:
    """One row per submitted response: response_id, school, program, date, one column per background
    question (the option key), one per item key (the answer code as given, 1..k before any reverse flip;
    blank for no answer or "don't know"). Free text is never included. `school`: only that school's rows.

    No order of submission (METHOD.md, Anonymity): `response_id` is a random UUID (version 4) drawn afresh for
    every export, unrelated to the database's sequence, and the rows are in a random order (a permutation
    from the operating system's entropy). Two exports of the same round cannot be linked row by row."""
    data = load_round(survey_round, with_ids=True)  # the dates come with the ids; the ids are not exported
    frame = data.frame
    version = survey_round.version
    table = pd.DataFrame({
        "response_id": pd.Series([str(uuid.uuid4()) for _ in range(len(frame))], dtype="str"),
        "school": frame["school"].astype("str"),
        "program": frame["program"].astype("str"),
        "date": pd.Series(data.submitted_on.astype("datetime64[D]").astype(str), dtype="str"),
    })
    for question in version.background_questions:
        if question.source == "program" or question.key in table.columns:
            continue
        table[question.key] = (frame[question.key].astype("str") if question.key in frame.columns
                               else pd.Series(pd.NA, index=frame.index, dtype="str"))
    raw = data.raw_answers
    k = data.spec.points
    for j, key in enumerate(data.spec.item_keys):
        codes = raw[:, j].astype(np.int64)
        table[key] = pd.array(np.where((codes >= 1) & (codes <= k), codes, 0), dtype="Int64")
        table.loc[(codes < 1) | (codes > k), key] = pd.NA
    if school is not None:
        table = table[table["school"] == school]
    order = np.random.default_rng(secrets.randbits(128)).permutation(len(table))
    return table.iloc[order].reset_index(drop=True)


def aggregates_table(survey_round: SurveyRound, *, school: str | None = None, today=None) -> pd.DataFrame:
    """The round's long aggregates (frozen when closed); with `school`, that school's rows and NETWORK's."""
    from survey.results.service import round_results

    results = round_results(survey_round, today=today)
    if school is not None:
        results = results.for_school(school)
    return results.aggregates


def export_responses(survey_round: SurveyRound, path: str | Path, *, school: str | None = None) -> Path:
    format_of(path)  # refuse a bad extension before reading anything
    return write_table(responses_table(survey_round, school=school), path, sheet="responses")


def export_aggregates(survey_round: SurveyRound, path: str | Path, *, school: str | None = None,
                      today=None) -> Path:
    format_of(path)
    return write_table(aggregates_table(survey_round, school=school, today=today), path, sheet="aggregates")
