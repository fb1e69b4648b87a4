"""Exports: aggregates as csv/xlsx/parquet, formula escaping, staff and admin downloads, CLI (the response
export: tests/microdata)."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from survey.results.export import ExportError, export_aggregates, table_bytes
from survey.spreadsheet import escape_formula
from tests.results.conftest import HYPERLINK, random_answers, stored_results

AFTER = date(2026, 6, 1)


@pytest.fixture
def exported_round(make_version, make_school, make_round, add_response, db_session, network):
    import numpy as np
    from survey.network.models import school_by_code

    rng = np.random.default_rng(1)
    own = db_session.scalar(school_by_code(network.id, "STAFFSCH")) or make_school("STAFFSCH", programs=("EL",))
    schools = [own, make_school("OTHER", programs=("EL",))]
    survey_round = make_round(make_version(), schools)
    add_response(survey_round, schools[0], {"teach.explains": 2, "teach.boring": 1, "teach.feedback": "dk"},
                 program="EL", gender="male", text=HYPERLINK)
    for school in schools:
        for row in random_answers(rng, 8):
            add_response(survey_round, school, row, program="EL", gender="female")
    return survey_round


@pytest.fixture
def frozen_round(exported_round):
    """The round once the periodic job has frozen its results (it closed before today)."""
    stored_results(exported_round, date.today())
    return exported_round


def test_escape_formula():
    assert escape_formula(HYPERLINK) == "'" + HYPERLINK
    assert [escape_formula(v) for v in ("+1", "-2", "@x", "\tx", "\rx", "ok", 5)] == \
        ["'+1", "'-2", "'@x", "'\tx", "'\rx", "ok", 5]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_cells_are_escaped(fmt):
    frame = pd.DataFrame({"label": [HYPERLINK, "fine"], "n": [-3, 4]})
    payload = table_bytes(frame, fmt)
    if fmt == "csv":
        back = pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig")
    else:
        back = pd.read_excel(io.BytesIO(payload))
        cell = openpyxl.load_workbook(io.BytesIO(payload)).active["A2"]
        assert cell.data_type == "s" and cell.value == "'" + HYPERLINK
    assert back["label"].tolist() == ["'" + HYPERLINK, "fine"]
    assert back["n"].tolist() == [-3, 4]  # numbers are not text


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
def test_aggregates_export_round_trip(exported_round, tmp_path, suffix):
    expected = stored_results(exported_round, AFTER).aggregates
    path = export_aggregates(exported_round, tmp_path / f"a.{suffix}", today=AFTER)
    back = {"csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"), "xlsx": pd.read_excel,
            "parquet": pd.read_parquet}[suffix](path)
    assert list(back.columns) == list(expected.columns)
    assert back["n"].isna().tolist() == expected["suppressed"].tolist()  # a suppressed cell has no n
    published = ~expected["suppressed"].to_numpy()
    assert back["n"][published].astype(int).tolist() == expected["n"][published].astype(int).tolist()
    assert back["n_shown"].astype(str).tolist() == expected["n_shown"].astype(str).tolist()
    assert back["school"].tolist() == expected["school"].tolist()
    pd.testing.assert_series_equal(back["index"].astype(float), expected["index"].astype(float),
                                   check_names=False, rtol=1e-12)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_export_carries_method_2_columns_after_the_kept_ones_and_none_on_a_suppressed_row(
        exported_round, tmp_path, suffix):
    """The shared column contract: the kept columns end with `schools`, `suppression`, `n_shown`, then METHOD v2's
    columns in their order; a suppressed row has none of them in the file either."""
    from survey.results.compute import METHOD2_COLUMNS

    stored_results(exported_round, AFTER)
    path = export_aggregates(exported_round, tmp_path / f"a.{suffix}", today=AFTER)
    back = pd.read_csv(path, encoding="utf-8-sig") if suffix == "csv" else pd.read_excel(path)
    columns = list(back.columns)
    assert columns[-len(METHOD2_COLUMNS) - 3:] == ["schools", "suppression", "n_shown", *METHOD2_COLUMNS]
    assert not {"trend_diff", "trend_p", "trend_significant", "index_line"} & set(columns)
    hidden = back[back["suppressed"].astype(bool)]
    assert len(hidden) and hidden[list(METHOD2_COLUMNS)].isna().all().all()
    shown = back[(back["school"] != "NETWORK") & (back["breakdown"] == "all") & ~back["suppressed"].astype(bool)]
    assert shown["gap"].notna().all() and (shown["gap_low"] <= shown["gap"]).all()


def test_unsupported_extension(exported_round, tmp_path):
    with pytest.raises(ExportError, match="unsupported"):
        export_aggregates(exported_round, tmp_path / "a.json", today=AFTER)


def test_cli_export_and_errors(cli, exported_round, tmp_path):
    exported_round.closes_on = date(2026, 3, 1)
    early = cli("results", "export", exported_round.name, "--aggregates", str(tmp_path / "a.csv"))
    assert early.exit_code == 1 and "are being prepared" in early.output  # an export never freezes
    assert not (tmp_path / "a.csv").exists()
    frozen = cli("results", "freeze", exported_round.name)
    assert frozen.exit_code == 0 and "content hash" in frozen.output
    result = cli("results", "export", exported_round.name, "--aggregates", str(tmp_path / "a.csv"))
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig")["school"].iloc[0] == "NETWORK"
    result = cli("results", "export", str(exported_round.id), "--responses", str(tmp_path / "r.parquet"),
                 "--school", "OTHER")
    assert result.exit_code == 0, result.output
    assert set(pd.read_parquet(tmp_path / "r.parquet")["school"]) == {"OTHER"}
    assert cli("results", "export", "nope", "--aggregates", str(tmp_path / "a.csv")).exit_code == 1
    bad = cli("results", "export", exported_round.name, "--aggregates", str(tmp_path / "a.txt"))
    assert bad.exit_code == 1 and "unsupported" in bad.output


def test_staff_download_only_their_school(client, login, staff, frozen_round, make_school, make_version,
                                          make_round, db_session):
    login(staff)
    response = client.get(f"/school/rounds/{frozen_round.id}/aggregates.csv")
    assert response.status_code == 200
    table = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
    assert set(table["school"]) == {"STAFFSCH", "NETWORK"}
    xlsx = client.get(f"/school/rounds/{frozen_round.id}/aggregates.xlsx")
    assert xlsx.status_code == 200 and set(pd.read_excel(io.BytesIO(xlsx.data))["school"]) == {"STAFFSCH", "NETWORK"}
    elsewhere = make_round(frozen_round.version, [make_school("ELSE")], name="Elsewhere")
    db_session.commit()
    assert client.get(f"/school/rounds/{elsewhere.id}/aggregates.csv").status_code == 404
    assert client.get(f"/admin/rounds/{frozen_round.id}/aggregates.csv").status_code == 403


def test_admin_download_all(client, login, admin, frozen_round):
    login(admin)
    response = client.get(f"/admin/rounds/{frozen_round.id}/aggregates.parquet")
    assert response.status_code == 200
    assert set(pd.read_parquet(io.BytesIO(response.data))["school"]) == {"STAFFSCH", "OTHER", "NETWORK"}


@pytest.mark.parametrize("viewer, path", [("admin", "/admin/rounds/{id}/aggregates.csv"),
                                          ("staff", "/school/rounds/{id}/aggregates.csv")])
def test_a_closed_round_not_frozen_yet_is_being_prepared_and_a_download_freezes_nothing(
        client, login, admin, staff, exported_round, db_session, viewer, path):
    from survey.results.models import RoundResult

    login({"admin": admin, "staff": staff}[viewer])
    response = client.get(path.format(id=exported_round.id))
    assert response.status_code == 409 and "The results are being prepared." in response.text
    assert db_session.get(RoundResult, exported_round.id) is None


def test_an_admin_of_another_network_gets_404(client, login, exported_round, make_network, db_session):
    from survey.accounts.operations import add_user
    from tests.conftest import TEST_PASSWORD

    stranger = add_user("admin@other.example", TEST_PASSWORD, "network_admin", make_network("Another network"))
    login(stranger)
    for path in ("aggregates.csv", "aggregates.xlsx", "aggregates.parquet", "responses.csv", "responses.parquet"):
        response = client.get(f"/admin/rounds/{exported_round.id}/{path}")
        assert response.status_code == 404, path
        assert b"STAFFSCH" not in response.data


def test_exported_aggregates_never_show_a_suppressed_cells_n(client, login, admin, frozen_round):
    """OTHER has 8 respondents, all female, STAFFSCH 8 female and 1 male who answered the teaching items
    only: on teaching, STAFFSCH's man and its women (hidden to protect him) are both "–", with no n and the
    same `suppression` (one symbol)."""
    login(admin)
    response = client.get(f"/admin/rounds/{frozen_round.id}/aggregates.csv")
    table = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype={"n": "Int64"})
    hidden = table["suppressed"].astype(bool)
    assert hidden.any() and table.loc[hidden, "n"].isna().all() and table.loc[~hidden, "n"].notna().all()
    gender = table[(table["school"] == "STAFFSCH") & (table["breakdown"] == "gender") & (table["dimension"] == "teach")]
    assert set(gender.loc[gender["group"] == "male", "n_shown"]) == {"–"}
    assert set(gender.loc[gender["group"] == "female", "n_shown"]) == {"–"}
    assert set(gender["suppression"]) == {"suppressed"}
    assert not table["n_shown"].astype(str).str.contains("<").any()


def test_staff_download_no_network_row_of_two_schools(client, login, staff, frozen_round, cli, tmp_path):
    """STAFFSCH and OTHER are the round: every NETWORK row minus STAFFSCH's own row is OTHER's. The school's
    download (and `results export --school`) shows them as "–"; the admin's holds them with `schools` 2."""
    exported_round = frozen_round
    login(staff)
    response = client.get(f"/school/rounds/{exported_round.id}/aggregates.csv")
    table = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype={"n": "Int64", "schools": "Int64"})
    assert cli("results", "export", exported_round.name, "--aggregates", str(tmp_path / "a.csv"),
               "--school", "STAFFSCH").exit_code == 0
    exported = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig", dtype={"n": "Int64", "schools": "Int64"})
    for rows in (table, exported):
        network = rows[rows["school"] == "NETWORK"]
        assert len(network) and network["suppressed"].all() and network["n"].isna().all()
        assert network["index"].isna().all() and (network["n_shown"] == "–").all() and network["schools"].isna().all()
        assert rows["network_mean"].isna().all()
    from survey.results.service import round_results

    everything = round_results(exported_round).aggregates  # what the admin's download holds
    network = everything[(everything["school"] == "NETWORK") & ~everything["suppressed"].astype(bool)]
    assert len(network) and (network["schools"] == 2).all() and network["index"].notna().all()
