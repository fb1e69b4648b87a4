"""The writers on a hand-made table: what SPSS, Stata, R and spreadsheets read back (pyreadstat reads the files
as SPSS and Stata would)."""
from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from survey.microdata.variables import NOT_ASKED, NOT_ASKED_CODE, ExportError, ResponseTable, Variable, named
from survey.microdata.writers import (
    EXCEL_MAX_ROWS,
    check_excel_size,
    format_of,
    spss_missing,
    table_bytes,
    write_table,
)

HYPERLINK = '=HYPERLINK("http://evil.example","click")'
NAN = np.nan


def small_table() -> ResponseTable:
    """Four respondents; `teaching.explains` (routed: the third was not asked, the second gave no answer, the
    fourth "don't know" = 9), a single choice, one option of a multiple choice and a decimal number."""
    variables = named([
        Variable("teaching.explains", "teaching.explains", "rating", "Læreren forklarer godt", "1-5",
                 {1: "Helt uenig", 5: "Helt enig"}, {9: "Ved ikke"}, measure="ordinal", routed=True,
                 shown_if="placement = 'yes'", dimension="teaching", reverse=False, lineage="same"),
        Variable("in", "in", "single", "Er du i praktik?", "1, 2", {1: "Ja", 2: "Nej"}),
        Variable("activities.sport", "activities", "multiple", "Aktiviteter: Sport", "0, 1",
                 {0: "not chosen", 1: "chosen"}, routed=True),
        Variable("hours", "hours", "numeric", "Timer om ugen", "number", integer=False, measure="scale"),
    ])
    columns = [np.array([5, NAN, NOT_ASKED, 9]), np.array([1, 2, NAN, 1]), np.array([1, 0, NOT_ASKED, NAN]),
               np.array([2.5, NAN, 40, 0])]
    fixed = {"response_id": np.array(["r1", "r2", "r3", "r4"], dtype=object),
             "school": np.array(["S1", HYPERLINK, "S1", "S2"], dtype=object),
             "program": np.array(["EL", None, "EL", "EL"], dtype=object),
             "date": np.array(["2026-02-01"] * 4, dtype=object),
             "language": np.array(["da", "en", "ar", "da"], dtype=object),
             "questionnaire_version": np.array(["student 2027"] * 4, dtype=object)}
    return ResponseTable(fixed, variables, columns)


NAMES = ["response_id", "school", "program", "date", "language", "questionnaire_version",
         "teaching_explains", "in_q", "activities_sport", "hours"]


def test_spss_labels_user_missing_and_not_asked(tmp_path):
    path = write_table(small_table(), tmp_path / "r.sav")
    data, meta = pyreadstat.read_sav(path, user_missing=True)
    assert list(data.columns) == NAMES
    labels = meta.column_names_to_labels
    assert labels["teaching_explains"] == "Læreren forklarer godt" and labels["hours"] == "Timer om ugen"
    assert meta.variable_value_labels["teaching_explains"] == {1: "Helt uenig", 5: "Helt enig", 9: "Ved ikke",
                                                               NOT_ASKED_CODE: "not asked"}
    assert meta.variable_value_labels["in_q"] == {1: "Ja", 2: "Nej"}
    assert "hours" not in meta.variable_value_labels
    declared = {tuple(sorted((r["lo"], r["hi"]))) for r in meta.missing_ranges["teaching_explains"]}
    assert declared == {(9, 9), (NOT_ASKED_CODE, NOT_ASKED_CODE)}
    explains = data["teaching_explains"].tolist()
    assert explains[0] == 5 and np.isnan(explains[1]) and explains[2] == NOT_ASKED_CODE and explains[3] == 9
    assert data["activities_sport"].tolist()[:3] == [1, 0, NOT_ASKED_CODE]
    assert data["hours"].tolist()[0] == 2.5 and data["language"].tolist() == ["da", "en", "ar", "da"]
    assert meta.variable_measure["teaching_explains"] == "ordinal" and meta.variable_measure["hours"] == "scale"
    plain, _ = pyreadstat.read_sav(path)  # as SPSS computes: user-missing codes are missing
    assert plain["teaching_explains"].isna().tolist() == [False, True, True, True]
    assert str(data["date"][0]) == "2026-02-01"


def test_stata_not_asked_is_dot_a_and_no_answer_is_dot(tmp_path):
    path = write_table(small_table(), tmp_path / "r.dta")
    data, meta = pyreadstat.read_dta(path, user_missing=True)
    assert list(data.columns) == NAMES
    assert meta.column_names_to_labels["teaching_explains"] == "Læreren forklarer godt"
    explains = data["teaching_explains"].tolist()
    assert explains[0] == 5 and pd.isna(explains[1]) and explains[2] == "a" and explains[3] == 9
    assert meta.missing_user_values["teaching_explains"] == ["a"]
    assert meta.variable_value_labels["teaching_explains"] == {1: "Helt uenig", 5: "Helt enig", 9: "Ved ikke",
                                                               "a": "not asked"}
    assert data["activities_sport"].tolist()[2] == "a" and data["hours"].tolist()[2] == 40


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_spreadsheets_and_parquet_hold_codes_language_and_version(tmp_path, fmt):
    path = write_table(small_table(), tmp_path / f"r.{fmt}")
    read = {"csv": lambda p: pd.read_csv(p, encoding="utf-8-sig", keep_default_na=False, dtype=str),
            "xlsx": lambda p: pd.read_excel(p, sheet_name="responses", dtype=str, keep_default_na=False),
            "parquet": pd.read_parquet}[fmt]
    back = read(path)
    assert list(back.columns) == NAMES
    assert back["language"].tolist() == ["da", "en", "ar", "da"]
    assert set(back["questionnaire_version"]) == {"student 2027"}
    explains = back["teaching_explains"].tolist()
    if fmt == "parquet":
        assert explains[0] == 5 and pd.isna(explains[1]) and explains[2:] == [NOT_ASKED_CODE, 9]
        assert back["hours"].tolist()[0] == 2.5 and back["school"][1] == HYPERLINK  # no spreadsheet reads it
    else:
        assert explains == ["5", "", str(NOT_ASKED_CODE), "9"]
        assert back["school"][1] == "'" + HYPERLINK  # never a formula
        assert back["hours"].tolist()[:2] == ["2.5", ""]


def test_xlsx_cells_are_numbers_and_text_never_formulas(tmp_path):
    path = write_table(small_table(), tmp_path / "r.xlsx", codebook=[{"variable": "teaching_explains",
                                                                      "question": "=1+2"}])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["responses"]
    assert sheet["G2"].value == 5 and sheet["G2"].data_type == "n" and sheet["G3"].value is None
    assert sheet["B3"].data_type == "s" and sheet["B3"].value == "'" + HYPERLINK
    assert workbook["codebook"]["B2"].value == "'=1+2"


def test_a_numeric_answer_equal_to_the_not_asked_code_is_refused_and_nothing_written(tmp_path):
    table = small_table()
    table.columns[3][0] = NOT_ASKED_CODE
    with pytest.raises(ExportError, match="hours"):
        write_table(table, tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []
    write_table(table, tmp_path / "r.dta")  # Stata's .a cannot collide


def test_excel_row_limit_is_checked_before_writing():
    check_excel_size(EXCEL_MAX_ROWS - 1, 10)  # the header and 1,048,575 responses fit
    with pytest.raises(ExportError, match="1,048,576 responses do not fit in an Excel sheet.*nothing was written"):
        check_excel_size(EXCEL_MAX_ROWS, 10)
    with pytest.raises(ExportError, match=r"5 responses do not fit in an Excel sheet, which holds 4 rows.*\.csv"):
        check_excel_size(5, 10, max_rows=5)
    with pytest.raises(ExportError, match="columns"):
        check_excel_size(1, 20, max_columns=19)


def test_unsupported_extension_names_the_formats():
    with pytest.raises(ExportError, match=r"\.sav, \.dta"):
        format_of("r.json")


def test_bytes_for_a_download(tmp_path):
    payload = table_bytes(small_table(), "sav")
    (tmp_path / "d.sav").write_bytes(payload)
    data, _ = pyreadstat.read_sav(tmp_path / "d.sav")
    assert len(data) == 4 and list(tmp_path.iterdir()) == [tmp_path / "d.sav"]
    assert pq.read_table(io.BytesIO(table_bytes(small_table(), "parquet"))).num_rows == 4


@pytest.mark.parametrize("missing, routed, substantive, expected", [
    ({9: "dk"}, False, {1: "", 5: ""}, [9]),
    ({9: "dk", 8: "na"}, True, {1: "", 5: ""}, [NOT_ASKED_CODE, 8, 9]),
    ({97: "a", 98: "b", 99: "c"}, True, {1: "", 5: ""}, [{"lo": 97, "hi": 99}, NOT_ASKED_CODE]),
    ({-1: "a", -2: "b", 9: "c"}, True, {1: "", 5: ""}, [{"lo": NOT_ASKED_CODE, "hi": -1}, 9]),
    ({-1: "a", -2: "b", 8: "c", 9: "d"}, True, {1: "", 5: ""}, [{"lo": NOT_ASKED_CODE, "hi": -1}]),
])
def test_spss_missing_declaration_fits_spss_limits(missing, routed, substantive, expected):
    variable = Variable("x", "x", "rating", "x", "1-5", substantive, missing, routed=routed)
    assert spss_missing(variable) == expected


def test_stata_labels_not_asked_even_when_nobody_was_routed_past(tmp_path):
    table = small_table()
    table.columns[0][2] = 3  # every respondent saw teaching.explains this time
    data, meta = pyreadstat.read_dta(write_table(table, tmp_path / "r.dta"), user_missing=True)
    assert data["teaching_explains"].tolist()[2] == 3
    assert meta.variable_value_labels["teaching_explains"]["a"] == "not asked"
