"""The results dashboards: network admins see every school of their network (a school picker per round, an
open round's results provisional and labelled so); an admin of another network gets 404; school staff see
their own school only. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from babel.dates import format_date

from survey.accounts.operations import add_user
from survey.reporting.format import format_index
from survey.reporting.storage import ReportStore
from survey.results.operations import freeze_due_rounds
from survey.results.service import round_results
from tests.conftest import TEST_PASSWORD

@pytest.fixture
def make_user(make_user):
    """Users who chose no portal language: the dashboard follows the browser's (these tests read Danish,
    Swedish and English pages by Accept-Language)."""
    def make(*args, **kwargs):
        kwargs.setdefault("locale", None)
        return make_user(*args, **kwargs)
    return make


PROVISIONAL = f"Provisional results, as of {format_date(date.today(), 'long', locale='en')}."
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def rounds(app, make_version, make_round, make_school, staff, add_responses, tmp_path, monkeypatch):
    """A closed and an open round of the staff member's school and OTHER, with responses at both, once the
    periodic job has run today (the closed round frozen, the open one's snapshot taken)."""
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(tmp_path))
    other = make_school("OTHER", name="Den Anden Skole")
    version = make_version()
    today = date.today()
    closed = make_round(version, [staff.school, other], name="Runde lukket")
    open_ = make_round(version, [staff.school, other], name="Runde åben", opens_on=today - timedelta(days=10),
                       closes_on=today + timedelta(days=10))
    for survey_round in (closed, open_):
        add_responses(survey_round, staff.school, 12)
        add_responses(survey_round, other, 9)
    ReportStore(tmp_path).save(closed.id, "OTHER", "a" * 64, b"%PDF-1.7 OTHER")
    freeze_due_rounds(today=today)
    return closed, open_


def published_indices(survey_round, code: str, language: str = "da") -> list[str]:
    """The school's published dimension indices as the dashboard writes them in `language` (Danish: the
    default where the browser names none)."""
    aggregates = round_results(survey_round).aggregates
    rows = aggregates[(aggregates["school"] == code) & (aggregates["breakdown"] == "all") & ~aggregates["suppressed"]]
    assert len(rows)
    return [format_index(value, language) for value in rows["index"]]


def test_admin_picks_any_school_of_a_round_and_sees_its_dashboard(client, login, admin, rounds):
    closed, open_ = rounds
    login(admin)
    index = client.get("/admin/results", headers=ENGLISH)
    assert index.status_code == 200
    for text in ("Runde lukket", "Runde åben",
                 f"<strong>provisional</strong>, as of {format_date(date.today(), 'medium', locale='en')}", "final",
                 "Den Anden Skole (OTHER)", "Skolen STAFFSCH (STAFFSCH)",
                 f'action="/admin/results/{closed.id}"', f'action="/admin/results/{open_.id}"'):
        assert text in index.text, text

    picked = client.get(f"/admin/results/{closed.id}?school=OTHER")
    assert picked.status_code == 302 and picked.headers["Location"].endswith(f"/admin/results/{closed.id}/OTHER/")
    page = client.get(f"/admin/results/{closed.id}/OTHER/")
    assert page.status_code == 200
    assert "Den Anden Skole" in page.text and PROVISIONAL not in page.text
    for value in published_indices(closed, "OTHER"):
        assert f"<td>{value}</td>" in page.text
    assert 'class="chart" data-figure="' in page.text and "/admin/results/plotly.min.js" in page.text
    assert f"/admin/reports/{closed.id}/OTHER.pdf" in page.text  # its stored PDF
    assert f"/admin/rounds/{closed.id}/aggregates.csv" in page.text
    assert '<option value="STAFFSCH">' in page.text  # the picker offers the round's other schools

    own = client.get(f"/admin/results/{closed.id}/STAFFSCH/")
    assert own.status_code == 200 and f"/admin/reports/{closed.id}/STAFFSCH.pdf" not in own.text  # not built
    with client.get("/admin/results/plotly.min.js") as script:
        assert script.status_code == 200 and b"plotly" in script.data[:2000].lower()


def test_admin_sees_an_open_rounds_results_labelled_provisional(client, login, admin, rounds):
    _closed, open_ = rounds
    login(admin)
    page = client.get(f"/admin/results/{open_.id}/STAFFSCH/", headers=ENGLISH)
    assert page.status_code == 200
    assert PROVISIONAL in page.text and "<title>Provisional ·" in page.text
    assert round_results(open_).frozen is False
    for value in published_indices(open_, "STAFFSCH", "en"):
        assert f"<td>{value}</td>" in page.text


def test_admin_gets_404_for_a_school_not_in_the_round_or_a_draft_round(client, login, admin, rounds, make_round,
                                                                        make_school):
    closed, _open = rounds
    make_school("NOTIN")
    today = date.today()
    draft = make_round(closed.version, closed.schools, name="Kladde", opens_on=today + timedelta(days=5),
                       closes_on=today + timedelta(days=30))
    login(admin)
    for url in (f"/admin/results/{closed.id}/NOTIN/", f"/admin/results/{closed.id}?school=NOTIN",
                f"/admin/results/{closed.id}?school=", f"/admin/results/{closed.id + 999}/OTHER/",
                f"/admin/results/{draft.id}/OTHER/", f"/admin/results/{draft.id}?school=OTHER"):
        assert client.get(url).status_code == 404, url
    assert "Kladde" not in client.get("/admin/results").text


def test_an_admin_of_another_network_gets_404(client, login, rounds, make_network):
    closed, open_ = rounds
    stranger = add_user("admin@other.example.org", TEST_PASSWORD, "network_admin", make_network("Andet netværk"))
    login(stranger)
    for survey_round in (closed, open_):
        for url in (f"/admin/results/{survey_round.id}/OTHER/", f"/admin/results/{survey_round.id}/STAFFSCH/",
                    f"/admin/results/{survey_round.id}?school=OTHER", f"/admin/reports/{survey_round.id}",
                    f"/admin/reports/{closed.id}/OTHER.pdf"):
            assert client.get(url).status_code == 404, url
    listing = client.get("/admin/results")
    assert listing.status_code == 200 and "Runde lukket" not in listing.text and "Den Anden Skole" not in listing.text


def test_staff_see_their_own_school_only(client, login, staff, rounds):
    closed, open_ = rounds
    login(staff)
    own = client.get(f"/school/reports/{closed.id}/STAFFSCH/", headers=ENGLISH)
    assert own.status_code == 200 and "Skolen STAFFSCH" in own.text and PROVISIONAL not in own.text
    for value in published_indices(closed, "STAFFSCH", "en"):
        assert f"<td>{value}</td>" in own.text
    assert "/school/reports/plotly.min.js" in own.text and f"/school/rounds/{closed.id}/aggregates.csv" in own.text
    assert 'id="school-picker"' not in own.text  # no school picker for staff
    for url in (f"/school/reports/{closed.id}/OTHER/", f"/school/reports/{closed.id}/OTHER/report.pdf",
                f"/school/reports/{open_.id}/STAFFSCH/",  # provisional results are for admins only
                f"/school/reports/{closed.id + 999}/STAFFSCH/"):
        assert client.get(url).status_code == 404, url
    for url in ("/admin/results", f"/admin/results/{closed.id}/STAFFSCH/", f"/admin/results/{closed.id}/OTHER/"):
        assert client.get(url).status_code == 403, url  # the admin pages are for network admins


def test_dashboards_need_a_login(client, rounds):
    closed, _open = rounds
    for url in (f"/admin/results/{closed.id}/OTHER/", f"/school/reports/{closed.id}/STAFFSCH/", "/admin/results"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_a_school_code_with_a_slash_still_has_its_dashboard(client, login, admin, rounds, db_session):
    """Codes are checked at import now; a school imported before that kept a code with '/', and its dashboard's
    address matched no route."""
    closed, _ = rounds
    other = next(school for school in closed.schools if school.code == "OTHER")
    other.code = "A/B"
    db_session.commit()
    login(admin)
    picked = client.get(f"/admin/results/{closed.id}?school=A/B")
    assert picked.status_code == 302
    page = client.get(picked.headers["Location"])
    assert page.status_code == 200 and "Den Anden Skole" in page.text

def network_means(survey_round) -> list[str]:
    aggregates = round_results(survey_round).aggregates
    rows = aggregates[(aggregates["school"] == "NETWORK") & (aggregates["breakdown"] == "all")]
    return [format_index(value, "da") for value in rows["index"]]


def summary_rows(page: str) -> list[list[str]]:
    import re

    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_staff_see_no_network_figure_of_two_schools(client, login, staff, rounds, tmp_path):
    """STAFFSCH and OTHER are the round: the network's index minus STAFFSCH's own is OTHER's. Staff see "–"
    for the network mean and the top quartile on their dashboard and in their PDF."""
    from survey.reporting import pdf
    from survey.reporting.loader import load_round_inputs
    from tests.reports.conftest import pdf_text

    closed, _open = rounds
    means = network_means(closed)
    login(staff)
    rows = summary_rows(client.get(f"/school/reports/{closed.id}/STAFFSCH/").text)
    assert rows and all(row[4] == "–" and row[6] == "–" for row in rows)  # network mean, top quartile
    staff_inputs = load_round_inputs(closed, school_codes={"STAFFSCH"})[0][0]
    text = " ".join(pdf_text(pdf.render_school_report(staff_inputs), tmp_path).split())
    assert means and not any(f" {mean} " in text for mean in means)


def test_admins_see_the_network_figures_on_a_schools_dashboard(client, login, admin, rounds):
    closed, _open = rounds
    login(admin)
    rows = summary_rows(client.get(f"/admin/results/{closed.id}/STAFFSCH/").text)
    assert [row[4] for row in rows] == network_means(closed)
