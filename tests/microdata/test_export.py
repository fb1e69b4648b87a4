"""The response export of a round from the database, in every format, and its codebook: what an analyst reads
back in SPSS (.sav), Stata (.dta), R or a spreadsheet."""
from __future__ import annotations

import io
import re
import uuid

import pandas as pd
import pyreadstat
import pytest

from survey.microdata.responses import codebook, export_responses
from survey.microdata.variables import NOT_ASKED_CODE
from tests.microdata.conftest import DEFINITION, SECRET

NAMES = ["response_id", "school", "program", "date", "language", "questionnaire_version", "in_q", "age", "sleep",
         "teaching_explains", "teaching_boring", "placement_learn", "activities_sport", "activities_music",
         "activities_none"]


def the_first_respondent(table: pd.DataFrame) -> pd.Series:
    """STAFFSCH's placed respondent (the only one aged 17)."""
    return table[table["age"] == 17].iloc[0]


def the_second_respondent(table: pd.DataFrame) -> pd.Series:
    """STAFFSCH's respondent not in a placement, who left nearly everything blank."""
    rows = table[(table["school"] == "STAFFSCH") & (table["age"] != 17)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_spss_file_reads_back_with_labels_codes_and_missing_values(exported_round, tmp_path):
    path = export_responses(exported_round, tmp_path / "r.sav")
    data, meta = pyreadstat.read_sav(path, user_missing=True)
    assert list(data.columns) == NAMES and len(data) == 8
    labels = meta.column_names_to_labels
    assert labels["teaching_explains"] == "Lærerne forklarer godt"  # the default language's text
    assert labels["activities_music"] == "Hvad laver du?: Musik"
    assert meta.variable_value_labels["teaching_explains"] == {
        1: "Helt uenig", 2: "Uenig", 3: "Hverken enig eller uenig", 4: "Enig", 5: "Helt enig", 9: "Ved ikke",
        8: "Ikke relevant"}
    assert meta.variable_value_labels["placement_learn"] == {1: "Aldrig", 4: "Altid", NOT_ASKED_CODE: "not asked"}
    assert meta.variable_value_labels["in_q"] == {1: "Ja", 0: "Nej"}  # the options' own export codes
    declared = {(r["lo"], r["hi"]) for r in meta.missing_ranges["teaching_explains"]}
    assert declared == {(8, 8), (9, 9)}  # non-substantive options are user-missing
    assert {(r["lo"], r["hi"]) for r in meta.missing_ranges["placement_learn"]} == {(NOT_ASKED_CODE,) * 2}

    first, second = the_first_respondent(data), the_second_respondent(data)
    assert (first["teaching_explains"], first["teaching_boring"], first["placement_learn"]) == (4, 8, 3)
    assert (first["activities_sport"], first["activities_music"], first["activities_none"]) == (1, 1, 0)
    assert first["sleep"] == 7.5 and first["in_q"] == 1 and first["language"] == "ar"
    assert first["program"] == "EL" and first["questionnaire_version"] == "student 2027"
    assert second["teaching_explains"] == 9  # "don't know" keeps its code
    assert pd.isna(second["teaching_boring"]) and pd.isna(second["age"])  # no answer: system-missing
    assert second["placement_learn"] == NOT_ASKED_CODE  # routed past: not asked, distinct from no answer
    assert (second["activities_sport"], second["activities_none"]) == (NOT_ASKED_CODE, NOT_ASKED_CODE)
    assert second["in_q"] == 0 and second["program"] == ""

    as_spss_computes, _ = pyreadstat.read_sav(path)  # user-missing read as missing
    assert as_spss_computes["teaching_explains"].isin([8, 9, NOT_ASKED_CODE]).sum() == 0


def test_stata_file_has_legal_names_and_extended_missing_for_not_asked(exported_round, tmp_path):
    path = export_responses(exported_round, tmp_path / "r.dta")
    data, meta = pyreadstat.read_dta(path, user_missing=True)
    assert list(data.columns) == NAMES
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name) for name in data.columns)
    second = the_second_respondent(data)
    assert second["placement_learn"] == "a" and second["activities_music"] == "a"  # .a: not asked
    assert pd.isna(second["teaching_boring"])  # .: no answer
    assert meta.variable_value_labels["placement_learn"] == {1: "Aldrig", 4: "Altid", "a": "not asked"}
    assert meta.column_names_to_labels["age"] == "Hvor gammel er du?"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_every_format_has_language_and_version_and_distinguishes_not_asked(exported_round, tmp_path, fmt):
    path = export_responses(exported_round, tmp_path / f"r.{fmt}")
    back = {"csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"),
            "xlsx": lambda p: pd.read_excel(p, sheet_name="responses"), "parquet": pd.read_parquet}[fmt](path)
    assert list(back.columns) == NAMES and len(back) == 8
    assert set(back["questionnaire_version"]) == {"student 2027"}
    assert sorted(back["language"]) == sorted(["ar", "da"] + ["en" if i % 3 else "da" for i in range(6)])
    second = the_second_respondent(back)
    assert second["placement_learn"] == NOT_ASKED_CODE and pd.isna(second["teaching_boring"])
    assert second["teaching_explains"] == 9
    assert SECRET not in back.astype(str).to_numpy().ravel()  # free text is never microdata
    if fmt == "xlsx":
        book = pd.read_excel(path, sheet_name="codebook", dtype=str)
        assert book["variable"].tolist() == NAMES and "key" in book.columns


def test_ids_are_random_and_rows_shuffled_in_every_export(exported_round, tmp_path, db_session):
    """METHOD.md: no order of submission; two exports cannot be linked row by row."""
    from survey.responses.models import Response

    database_ids = {str(r.id) for r in db_session.query(Response).filter_by(round_id=exported_round.id)}
    tables = [pd.read_csv(export_responses(exported_round, tmp_path / f"{i}.csv"), encoding="utf-8-sig")
              for i in range(6)]
    for table in tables:
        assert table["response_id"].is_unique and not set(table["response_id"]) & database_ids
        assert all(uuid.UUID(value).version == 4 for value in table["response_id"])
    assert not set(tables[0]["response_id"]) & set(tables[1]["response_id"])
    orders = {tuple(table["age"].fillna(-1)) for table in tables}
    assert len(orders) > 1  # 8! orders: six exports in one order would be a fixed order


def test_one_schools_rows(cli, exported_round, tmp_path):
    result = cli("results", "export", exported_round.name, "--responses", str(tmp_path / "r.sav"),
                 "--school", "OTHER")
    assert result.exit_code == 0, result.output
    data, _ = pyreadstat.read_sav(tmp_path / "r.sav")
    assert set(data["school"]) == {"OTHER"} and len(data) == 6


def test_cli_refuses_an_unknown_extension_before_reading(cli, exported_round, tmp_path):
    result = cli("results", "export", exported_round.name, "--responses", str(tmp_path / "r.json"))
    assert result.exit_code == 1 and ".sav, .dta" in result.output and not (tmp_path / "r.json").exists()


def test_codebook_rows(version):
    from survey.catalog.operations import definition_of

    rows = {row.variable: row.as_text() for row in codebook(definition_of(version))}
    assert list(rows) == NAMES
    assert rows["teaching_boring"] == {
        "variable": "teaching_boring", "key": "teaching.boring", "question": "Undervisningen er kedelig",
        "type": "rating", "values": "1-5 (5 = most positive)",
        "value_labels": "1 = Helt uenig; 2 = Uenig; 3 = Hverken enig eller uenig; 4 = Enig; 5 = Helt enig; "
                        "9 = Ved ikke (non-substantive); 8 = Ikke relevant (non-substantive)",
        "shown_if": "", "dimension": "teaching", "reverse": "yes", "lineage": ""}
    assert rows["placement_learn"]["value_labels"] == f"1 = Aldrig; 4 = Altid; {NOT_ASKED_CODE} = not asked (Stata: .a)"
    assert rows["placement_learn"]["shown_if"] == "in = 'yes'" and rows["activities_none"]["shown_if"] == "in = 'yes'"
    assert rows["activities_none"]["key"] == "activities" and rows["activities_none"]["values"] == "0 = not chosen, 1 = chosen"
    assert rows["age"]["values"] == "whole number, 14..99 (år)" and rows["age"]["type"] == "numeric"
    assert rows["in_q"]["key"] == "in" and rows["in_q"]["value_labels"] == "1 = Ja; 0 = Nej"
    assert rows["language"]["type"] == "fixed" and "comments" not in {row["key"] for row in rows.values()}


def test_codebook_command_writes_csv_and_html(cli, version, tmp_path):
    result = cli("questionnaire", "codebook", "student:2027", "--out", str(tmp_path / "c.csv"))
    assert result.exit_code == 0, result.output
    book = pd.read_csv(tmp_path / "c.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(book.columns) == ["variable", "key", "question", "type", "values", "value_labels", "shown_if",
                                  "dimension", "reverse", "lineage"]
    assert book["variable"].tolist() == NAMES
    result = cli("questionnaire", "codebook", "student:2027", "--out", str(tmp_path / "c.html"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "c.html").read_text()
    assert "<caption>" in html and html.count('<th scope="col">') == 10 and html.count('<th scope="row">') == 15
    assert 'lang="da" dir="auto">Lærerne forklarer godt</td>' in html
    assert "in = &#39;yes&#39;" in html  # autoescaped
    bad = cli("questionnaire", "codebook", "student:2027", "--out", str(tmp_path / "c.pdf"))
    assert bad.exit_code == 1 and ".csv or .html" in bad.output
    missing = cli("questionnaire", "codebook", "student:1999", "--out", str(tmp_path / "c.csv"))
    assert missing.exit_code != 0


def test_codebook_of_a_file(cli, tmp_path):
    source = tmp_path / "2027.yaml"
    source.write_text(DEFINITION, encoding="utf-8")
    result = cli("questionnaire", "codebook", str(source), "--out", str(tmp_path / "c.csv"))
    assert result.exit_code == 0, result.output and "15 variables" in result.output


def test_codebook_html_escapes_every_text():
    from survey.microdata.codebook import codebook_html, codebook_rows
    from survey.microdata.variables import Variable, named

    variables = named([Variable("q", "q", "single", "<script>alert(1)</script>", "1",
                                {1: "<img src=x onerror=alert(1)>"}, shown_if="a = '<b>'")])
    html = codebook_html(codebook_rows(variables), title="<i>t</i>", language="da").decode()
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_admin_downloads_responses_and_codebook(client, login, admin, exported_round):
    login(admin)
    response = client.get(f"/admin/rounds/{exported_round.id}/responses.sav")
    assert response.status_code == 200 and "responses.sav" in response.headers["Content-Disposition"]
    assert response.data[:4] == b"$FL2"  # an SPSS system file
    for fmt in ("dta", "csv", "xlsx", "parquet"):
        assert client.get(f"/admin/rounds/{exported_round.id}/responses.{fmt}").status_code == 200, fmt
    book = client.get(f"/admin/rounds/{exported_round.id}/codebook.csv")
    assert book.status_code == 200
    assert pd.read_csv(io.BytesIO(book.data), encoding="utf-8-sig")["variable"].tolist() == NAMES
    html = client.get(f"/admin/rounds/{exported_round.id}/codebook.html")
    assert html.status_code == 200 and html.mimetype == "text/html" and b"<caption>" in html.data
    assert client.get(f"/admin/rounds/{exported_round.id}/codebook.pdf").status_code == 404
    assert client.get(f"/admin/rounds/{exported_round.id}/responses.json").status_code == 404


def test_staff_get_no_microdata(client, login, staff, exported_round):
    login(staff)
    for path in ("responses.sav", "responses.dta", "codebook.html"):
        assert client.get(f"/admin/rounds/{exported_round.id}/{path}").status_code == 403
        assert client.get(f"/school/rounds/{exported_round.id}/{path}").status_code == 404


def test_an_admin_of_another_network_gets_404(client, login, exported_round, make_network):
    from survey.accounts.operations import add_user
    from tests.conftest import TEST_PASSWORD

    login(add_user("admin@other.example", TEST_PASSWORD, "network_admin", make_network("Another network")))
    for path in ("responses.sav", "responses.dta", "responses.xlsx", "codebook.csv", "codebook.html"):
        response = client.get(f"/admin/rounds/{exported_round.id}/{path}")
        assert response.status_code == 404 and b"STAFFSCH" not in response.data


def test_the_results_page_links_every_format_and_the_codebook(client, login, admin, exported_round):
    login(admin)
    page = client.get("/admin/results").text
    for fmt in ("csv", "xlsx", "parquet", "sav", "dta"):
        assert f"/admin/rounds/{exported_round.id}/responses.{fmt}" in page
    assert f"/admin/rounds/{exported_round.id}/codebook.html" in page
