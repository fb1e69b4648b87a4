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
    # a school's stored PDF was made for that school's staff alone: not offered to the organiser
    assert client.get(f"/organiser/results/{survey_round.id}/schools/A/report.pdf",
                      follow_redirects=True).status_code == 404
    assert "report.pdf" not in client.get(f"/organiser/results/{survey_round.id}/schools/A/").text
    for url in (f"/organiser/results/{survey_round.id}/schools/C/",
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


@pytest.fixture
def two_and_two(app, db_session, network, make_version, make_round, make_school, add_response):
    """Organiser KOM holds A and B; C belongs to no organiser. A's staff see network cells pooling A, B and C;
    KOM's staff know A and B, so the same cells would give them C alone."""
    kom = Organiser(network=network, code="KOM", name="Kommunen", kind="municipality")
    db_session.add(kom)
    schools = [make_school(code, f"Skolen {code}") for code in "ABC"]
    schools[0].organiser = schools[1].organiser = kom
    survey_round = make_round(make_version(), schools)
    rng = np.random.default_rng(11)
    for school in schools:
        for answers in random_answers(rng, 20):
            add_response(survey_round, school, answers, program="EL")
    stored_results(survey_round, date.today())
    db_session.commit()
    return survey_round, kom


def test_an_organiser_reading_its_schools_pages_learns_no_more_than_from_its_own_page(client, login, make_user,
                                                                                       two_and_two):
    """A's staff may see the network's index (three schools, 40 respondents outside A). KOM's staff read A's and
    B's pages: the network minus both would be school C alone, so on A's page as KOM reads it the network's
    cells are "–", exactly as on KOM's own page."""
    from survey.results.service import round_results

    survey_round, kom = two_and_two
    results = round_results(survey_round, today=date.today())
    network_all = lambda view: view.aggregates.query("school == 'NETWORK' and breakdown == 'all'")
    assert not network_all(results.for_school("A")).suppressed.astype(bool).any()
    assert network_all(results.for_school("A", viewer_schools=("A", "B"))).suppressed.astype(bool).all()
    assert network_all(results.for_organiser("KOM", ["A", "B"])).suppressed.astype(bool).all()
    login(make_user("kommune@example.org", role="organiser_staff", organiser=kom))
    as_organiser = client.get(f"/organiser/results/{survey_round.id}/schools/A/")
    assert as_organiser.status_code == 200
    network_mean = network_all(results.for_school("A"))["index"].iloc[0]
    shown = f"{network_mean:.1f}"
    assert shown not in as_organiser.text and shown.replace(".", ",") not in as_organiser.text
