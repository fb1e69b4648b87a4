"""The Content-Security-Policy in a real browser: Debian's chromium loads an admin's results dashboard (plotly.js
served by the app, each chart drawn by static/dashboard.js), a staff member's classroom poster and a
respondent's pages, and the policy blocks nothing on any of them, while the charts are drawn."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from survey.results.operations import freeze_round_results
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.respond.conftest import TODAY, create_link, create_round, publish_questionnaire, serving

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture(scope="module")
def site(backend, tmp_path_factory):
    """A live server: a closed round with responses at three schools, an open round with a link, an admin and
    a staff member."""
    from survey.accounts.operations import add_user
    from survey.network.models import Network, Program, School
    from survey.responses.models import Response

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None, REPORTS_DIR=str(tmp_path_factory.mktemp("reports")))
    rng = random.Random(9)
    with app.app_context():
        upgrade()
        network = Network(name="CSP-netværket")
        schools = []
        for code in ("CSPA", "CSPB", "CSPC"):
            school = School(network=network, code=code, name=f"Skolen {code}", type="EUD", region="Midtjylland")
            school.programs = [Program(code="EL", name="Elektriker")]
            schools.append(school)
        db.session.add(network)
        version = publish_questionnaire(network, "student")
        closed = create_round(network, version, schools, name="Lukket runde",
                              opens_on=TODAY - timedelta(days=60), closes_on=TODAY - timedelta(days=2))
        for school in schools:
            for _ in range(15):
                db.session.add(Response(
                    round_id=closed.id, school_id=school.id, program_id=None, version_id=version.id, language="da",
                    submitted_on=closed.opens_on, answers=bytes(rng.randint(1, version.scale_points) for _ in version.items),
                    background=bytes(len(version.background_questions))))
        open_round = create_round(network, version, schools, name="Åben runde")
        link = create_link(open_round, schools[0])
        freeze_round_results(closed)  # as the periodic job does once a round has closed
        add_user("admin.csp@example.org", TEST_PASSWORD, "network_admin", network)
        add_user("staff.csp@example.org", TEST_PASSWORD, "school_staff", network, schools[0])
        ids = {"closed": closed.id, "open": open_round.id, "link": link.id}
        token = link.token
        db.session.commit()
    with serving(app, drop) as base:
        yield {"base": base, "token": token, **ids}


def watched_page(browser, base: str):  # noqa: F811
    """A new page that records every CSP violation, every message of the policy in the console ("Refused to
    ...") and every script error (a chart that failed to draw)."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text or message.text.startswith("Refused") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def assert_nothing_blocked(page, errors: list[str], what: str) -> None:
    assert page.evaluate("window.cspViolations") == [], what
    assert errors == [], what


def log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=f"Log out ({email})")).to_be_visible()


def test_the_dashboard_draws_its_charts_under_the_policy(browser, site):  # noqa: F811
    context, page, errors = watched_page(browser, site["base"])
    log_in(page, "admin.csp@example.org")
    assert_nothing_blocked(page, errors, "admin overview")
    dashboard = page.goto(f"/admin/results/{site['closed']}/CSPA/")
    assert "script-src 'self';" in dashboard.headers["content-security-policy"]  # the policy is in force
    charts = page.locator("div.chart")
    assert charts.count() > 0
    expect(charts.first.locator("svg.main-svg").first).to_be_visible()  # plotly drew it
    page.wait_for_load_state("networkidle")
    assert page.locator("div.chart .plot-container").count() == charts.count()
    assert_nothing_blocked(page, errors, "dashboard")
    context.close()


def test_the_poster_and_respondent_pages_run_under_the_policy(browser, site):  # noqa: F811
    context, page, errors = watched_page(browser, site["base"])
    log_in(page, "staff.csp@example.org")
    page.goto(f"/school/rounds/{site['open']}/links/{site['link']}/poster")
    expect(page.locator("img.qr")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('main.poster')).textAlign") == "center"  # poster.css
    assert_nothing_blocked(page, errors, "poster")
    context.close()

    context, page, errors = watched_page(browser, site["base"])
    landing = page.goto(f"/s/{site['token']}")
    assert "style-src 'self';" in landing.headers["content-security-policy"]
    page.get_by_role("button", name="Start the survey").click()  # the browser asks for English
    expect(page.locator("fieldset.item").first).to_be_visible()  # the first page, sent in place by respond.js
    assert_nothing_blocked(page, errors, "respondent pages")
    context.close()
