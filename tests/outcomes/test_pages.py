"""The outcome pages: an admin uploads (every problem listed by row, nothing saved), lists and deletes
(audit-recorded); a school's staff read their own values beside their own indices, the network's median only
where 3 other schools have a value, never another school's value. On SQLite and PostgreSQL."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from survey.audit.models import AuditEntry
from survey.outcomes.importer import import_outcomes, parse_outcome_csv
from survey.outcomes.models import OutcomeIndicator, OutcomeValue
from survey.results.operations import freeze_round_results
from tests.conftest import csrf_token_from
from tests.outcomes.conftest import outcome_csv, row

ENGLISH = {"Accept-Language": "en"}
# school -> completion 2025, 2026 (None: no value); OWN is the staff's school
VALUES = {"OWN": (71.5, 73.25), "B": (60.0, 61.0), "C": (80.0, None), "D": (90.0, 91.0), "E": (None, 65.0)}


@pytest.fixture
def outcome_network(network, make_school, make_user, db_session):
    schools = {code: make_school(code, name=f"Skolen {code}", programs=("EL", "VVS")) for code in VALUES}
    rows = [row(school=code, year=str(year), value=str(value), n=str(100 + i))
            for i, (code, values) in enumerate(VALUES.items()) for year, value in zip((2025, 2026), values)
            if value is not None]
    rows += [row(school="OWN", program="EL", year="2026", value="88", n="40"),
             row(school="B", program="EL", year="2026", value="12.5")]
    rows += [row(indicator="dropout", label_da="Frafald", label_sv="Avhopp", label_en="Drop-out", unit="",
                 direction="lower_is_better", school=code, year="2026", value="9.75") for code in ("OWN", "B", "D")]
    import_outcomes(network, parse_outcome_csv(outcome_csv(*rows), network))
    staff = make_user("staff@own.example.org", school=schools["OWN"])
    other_staff = make_user("staff@b.example.org", school=schools["B"])
    admin = make_user("admin@example.org", role="network_admin")
    db_session.flush()
    return {"schools": schools, "staff": staff, "other_staff": other_staff, "admin": admin}


def cells(html: str) -> list[list[str]]:
    """Every table row's cells as text."""
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        rows.append([re.sub(r"<[^>]+>|\s+", " ", cell).strip()
                     for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)])
    return rows


def test_staff_read_their_own_values_and_the_median_only_with_3_other_schools(client, login, outcome_network):
    login(outcome_network["staff"])
    page = client.get("/school/outcomes", headers=ENGLISH)
    assert page.status_code == 200
    rows = cells(page.text)
    # 2026: B, D, E have a value besides OWN -> median of 73.25, 61, 91, 65 = 69.125 -> 69.12 (two decimals)
    assert ["Completion", "Whole school", "73.25", "%", "100", "higher is better", "69.12"] in rows
    assert ["Completion", "Program EL", "88", "%", "40", "higher is better", "–"] in rows  # a program: no median
    dropout = next(r for r in rows if r[0] == "Drop-out")
    assert dropout[2] == "9.75" and dropout[-1] == "–"  # only 2 other schools have a value
    # 2025: B, C, D besides OWN -> median of 71.5, 60, 80, 90 = 75.75
    assert ["Completion", "Whole school", "71.5", "%", "100", "higher is better", "75.75"] in rows
    text = page.text
    for other in ("60", "61", "80", "90", "91", "65", "12.5"):  # the other schools' values, never shown
        assert f">{other}<" not in text.replace(" ", "")
    assert "Skolen B" not in text and "Skolen D" not in text


def test_staff_see_their_indices_of_the_rounds_of_the_same_year(client, login, outcome_network, make_version,
                                                                make_round, add_response):
    schools = outcome_network["schools"]
    survey_round = make_round(make_version(), [schools["OWN"], schools["B"]], name="Elevtrivsel 2026",
                              opens_on=date(2026, 1, 5), closes_on=date(2026, 2, 20))
    for school, answer in ((schools["OWN"], 4), (schools["B"], 2)):
        for _ in range(6):
            add_response(survey_round, school, {"teach.explains": answer, "teach.boring": 6 - answer,
                                                "teach.feedback": answer, "overall.satisfied": answer,
                                                "overall.recommend": answer})
    freeze_round_results(survey_round, today=date(2026, 6, 1))
    login(outcome_network["staff"])
    page = client.get("/school/outcomes", headers=ENGLISH).text
    section_2026 = page[page.index('id="year-2026"'):page.index('id="year-2025"')]
    assert "Your indices in Elevtrivsel 2026" in section_2026
    assert ["teach", "75.0", "75.0–75.0"] in cells(section_2026)  # answer 4 of 5 on every item: 75
    assert "25.0" not in section_2026  # the other school's index
    assert "No round of 2025 with results for your school." in page


def test_the_other_schools_staff_see_their_own_values(client, login, outcome_network):
    login(outcome_network["other_staff"])
    rows = cells(client.get("/school/outcomes", headers=ENGLISH).text)
    assert ["Completion", "Program EL", "12.5", "%", "120", "higher is better", "–"] in rows
    assert not any("73.25" in cell or "88" == cell for r in rows for cell in r)


@pytest.mark.parametrize("url", ["/admin/outcomes", "/admin/outcomes/completion/delete"])
def test_the_admin_pages_are_for_admins_only(client, login, outcome_network, db_session, url):
    assert client.get("/admin/outcomes").status_code in (302, 401)
    login(outcome_network["staff"])
    assert client.get("/admin/outcomes").status_code == 403
    token = csrf_token_from(client.get("/school/outcomes").text)
    before = db_session.scalar(select(func.count(OutcomeValue.id)))
    assert client.post(url, data={"csrf_token": token}).status_code == 403
    assert db_session.scalar(select(func.count(OutcomeValue.id))) == before


def upload(client, text: str | bytes, name: str = "outcomes.csv"):
    token = csrf_token_from(client.get("/admin/outcomes", headers=ENGLISH).text)
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/admin/outcomes", headers=ENGLISH, content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})


def test_an_upload_with_problems_lists_every_one_by_row_and_saves_nothing(client, login, outcome_network, db_session):
    login(outcome_network["admin"])
    before = db_session.scalar(select(func.count(OutcomeValue.id)))
    answer = upload(client, outcome_csv(row(school="OWN", year="2027"), row(school="NOPE", year="2027"),
                                        row(school="B", year="2027", value="many", n="-2")))
    assert answer.status_code == 422
    problems = re.findall(r"<li>(.*?)</li>", answer.text.split('id="problems-title"')[1].split("</section>")[0])
    assert problems == ["Row 3: unknown school code &#39;NOPE&#39;", "Row 4: value &#39;many&#39; is not a number",
                        "Row 4: n is negative (-2)"]
    assert db_session.scalar(select(func.count(OutcomeValue.id))) == before


def test_an_upload_adds_and_replaces_and_the_list_counts_values_per_year(client, login, outcome_network,
                                                                         db_session):
    login(outcome_network["admin"])
    text = outcome_csv(row(school="OWN", year="2026", value="74"), row(school="C", year="2026", value="79"))
    answer = upload(client, b"\xef\xbb\xbf" + text.replace(",", ";").encode("utf-8"))
    assert answer.status_code == 302
    page = client.get("/admin/outcomes", headers=ENGLISH).text
    assert "Imported 2 values of 1 indicators: 1 added, 1 replaced." in page
    rows = cells(page)
    assert ["completion", "Completion", "%", "higher is better", "2025: 4 · 2026: 7", ""] in rows
    assert ["dropout", "Drop-out", "", "lower is better", "2026: 3", ""] in rows
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "outcomes.change"))
    assert entry.details["change"] == "import" and (entry.details["added"], entry.details["replaced"]) == (1, 1)


def test_deleting_an_indicator_removes_its_values_and_is_recorded(client, login, outcome_network, db_session):
    login(outcome_network["admin"])
    token = csrf_token_from(client.get("/admin/outcomes").text)
    assert client.get("/admin/outcomes/dropout/delete").status_code == 405
    answer = client.post("/admin/outcomes/dropout/delete", data={"csrf_token": token})
    assert answer.status_code == 302
    assert db_session.scalar(select(OutcomeIndicator.key).where(OutcomeIndicator.key == "dropout")) is None
    assert db_session.scalar(select(func.count(OutcomeValue.id))) == 10  # completion's stay
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "outcomes.change"))
    assert entry.object == "outcome indicator dropout" and entry.details == {"change": "delete", "values": 3}
    assert client.post("/admin/outcomes/dropout/delete", data={"csrf_token": token}).status_code == 404
    assert client.post("/admin/outcomes/completion/delete", data={}).status_code == 400  # no CSRF token
