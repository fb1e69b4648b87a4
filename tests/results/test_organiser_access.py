"""Organiser staff: their organiser's results page and PDF, each of their schools' dashboard as that school's
staff see it, and nothing of another organiser's schools. On SQLite and PostgreSQL, with real WeasyPrint."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from survey.network.models import Organiser
from survey.reporting.storage import ReportStore
from tests.results.conftest import random_answers, stored_results


@pytest.fixture
def organised_round(app, db_session, network, make_version, make_round, make_school, add_response, tmp_path,
                    monkeypatch):
    """Organiser KOM (schools A with 30 respondents, B with 3) and organiser FRI (school C, 25)."""
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(tmp_path))
    kom = Organiser(network=network, code="KOM", name="Kommunen", kind="municipality")
    fri = Organiser(network=network, code="FRI", name="Friskolan AB", kind="independent")
    db_session.add_all([kom, fri])
    a, b, c = make_school("A", "Alfaskolan"), make_school("B", "Betaskolan"), make_school("C", "Cetaskolan")
    a.organiser, b.organiser, c.organiser = kom, kom, fri
    survey_round = make_round(make_version(), [a, b, c])
    rng = np.random.default_rng(5)
    for school, count in ((a, 30), (b, 3), (c, 25)):
        for answers in random_answers(rng, count):
            add_response(survey_round, school, answers, program="EL")
    stored_results(survey_round, date.today())
    ReportStore(tmp_path).save(survey_round.id, "A", "a" * 64, b"%PDF-1.7 A")
    ReportStore(tmp_path).save(survey_round.id, "C", "a" * 64, b"%PDF-1.7 C")
    db_session.commit()
    return survey_round, kom


@pytest.fixture
def organiser_staff(make_user, organised_round):
    return make_user("kommune@example.org", role="organiser_staff", organiser=organised_round[1])


def test_organiser_staff_see_their_organiser_and_schools_only(client, login, organiser_staff, organised_round):
    survey_round, _ = organised_round
    login(organiser_staff)
    home = client.get("/organiser/")
    assert home.status_code == 200
    assert "Alfaskolan" in home.text and "Betaskolan" in home.text and "Cetaskolan" not in home.text
    page = client.get(f"/organiser/results/{survey_round.id}/")
    assert page.status_code == 200 and "Kommunen" in page.text
    # B (3 respondents) is suppressed: "–" in its row of the schools side by side, never its index
    assert "Betaskolan" in page.text and "–" in page.text
    assert client.get(f"/organiser/results/{survey_round.id}/schools/A/").status_code == 200
    with client.get(f"/organiser/results/{survey_round.id}/schools/A/report.pdf") as pdf:
        assert pdf.data == b"%PDF-1.7 A"
    for url in (f"/organiser/results/{survey_round.id}/schools/C/",
                f"/organiser/results/{survey_round.id}/schools/C/report.pdf",
                f"/organiser/results/{survey_round.id + 99}/", f"/organiser/results/{survey_round.id + 99}/report.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.get("/school/reports").status_code == 403
    assert client.get("/admin/").status_code == 403


def test_the_organiser_report_is_a_pdf_of_the_organiser_beside_the_network(client, login, organiser_staff,
                                                                           organised_round):
    survey_round, _ = organised_round
    login(organiser_staff)
    with client.get(f"/organiser/results/{survey_round.id}/report.pdf") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")


def test_school_staff_cannot_open_organiser_pages(client, login, make_user, organised_round):
    survey_round, _ = organised_round
    school = next(s for s in survey_round.schools if s.code == "C")
    login(make_user("c@example.org", school=school))
    assert client.get("/organiser/").status_code == 403
    assert client.get(f"/organiser/results/{survey_round.id}/").status_code == 403


def test_organiser_rows_are_in_the_frozen_results_and_school_views_leave_them_out(organised_round):
    from survey.results.service import round_results

    survey_round, _ = organised_round
    results = round_results(survey_round, today=date.today())
    organiser = results.aggregates.query("level == 'organiser' and breakdown == 'all'")
    assert set(organiser["school"]) == {"KOM", "FRI"}
    assert "organiser" not in set(results.for_school("A").aggregates["level"])
    view = results.for_organiser("KOM", ["A", "B"]).aggregates
    assert set(view["school"]) == {"NETWORK", "KOM", "A", "B"}


def test_the_organiser_report_shows_a_dash_wherever_a_cell_is_suppressed(organised_round):
    """KOM is A (30) + B (3): B is suppressed, so KOM would give B by subtraction and shows "–" too; A's
    published indices appear. The network's cells are withheld from KOM's staff as well: outside KOM there is
    one school only (C), whose results the network minus KOM would be (school-level confidentiality)."""
    from survey.reporting.layout.organiser import organiser_context
    from survey.reporting.loader import load_organiser_inputs
    from survey.reporting.pdf import organiser_report_html

    survey_round, kom = organised_round
    inputs = load_organiser_inputs(survey_round, kom, today=date.today(), language="sv")
    context = organiser_context(inputs)
    assert {row["index"] for row in context["summary"]} == {"–"}
    assert {row["network"] for row in context["summary"]} == {"–"}
    rows = {row["name"]: row["values"] for table in context["tables"] for row in table["rows"]}
    assert set(rows["Betaskolan"]) == {"–"} and "–" not in rows["Alfaskolan"]
    assert "Cetaskolan" not in rows
    html = organiser_report_html(inputs)
    assert "Rapport för huvudman" in html and "Kommunen" in html and "Cetaskolan" not in html
