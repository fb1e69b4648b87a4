"""The portal's language in a real browser (Debian's chromium through Playwright, a live server per database):
a Danish user reads Danish pages; a user whose browser asks for English chooses Swedish in the header's form
(no JavaScript needed), reads Swedish from then on, and still does after logging out and in again, in a new
browser. axe finds no WCAG 2.1 A/AA violation on a page with the chooser."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.respond.conftest import create_round, publish_questionnaire, serving

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network, Program, School

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        network = Network(name="Sprognetværket")
        school = School(network=network, code="SPR", name="Sprogskolen", type="EUD", region="Midtjylland",
                        programs=[Program(code="EL", name="Elektriker")])
        db.session.add_all([network, school])
        create_round(network, publish_questionnaire(network, "student"), [school], name="Trivsel 2026")
        for email in ("dansk@example.org", "svensk@example.org"):
            add_user(email, TEST_PASSWORD, "school_staff", network, school)
        db.session.commit()
    with serving(app, drop) as base:
        yield SimpleNamespace(app=app, base=base)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page.locator("form[action$='/auth/logout']")).to_be_visible()


def reads(page, language: str, rounds: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("nav").get_by_role("link", name=rounds)).to_be_visible()


def test_a_danish_user_reads_danish_pages(browser, live):
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    log_in(page, live.base, "dansk@example.org")
    reads(page, "da", "Runder")
    page.locator("nav").get_by_role("link", name="Runder").click()
    expect(page.get_by_role("heading", name="Undersøgelsesrunder på Sprogskolen")).to_be_visible()
    expect(page.get_by_role("cell", name="åben")).to_be_visible()
    context.close()


def test_a_swedish_user_chooses_swedish_and_keeps_it_after_logging_in_again(browser, live):
    context = browser.new_context(locale="en-US", java_script_enabled=False)  # the form works without scripts
    page = context.new_page()
    log_in(page, live.base, "svensk@example.org")
    reads(page, "en", "Rounds")
    page.goto(f"{live.base}/school/rounds")
    page.select_option("#portal-language", "sv")
    page.locator(".language-chooser [type=submit]").click()
    expect(page).to_have_url(f"{live.base}/school/rounds")
    expect(page.get_by_role("status").filter(has_text="Sidorna visas nu på det språk du valde.")).to_be_visible()
    reads(page, "sv", "Omgångar")
    expect(page.get_by_role("heading", name="Enkätomgångar på Sprogskolen")).to_be_visible()
    page.locator("form[action$='/auth/logout'] [type=submit]").click()
    context.close()

    again = browser.new_context(locale="en-US")
    page = again.new_page()
    log_in(page, live.base, "svensk@example.org")
    reads(page, "sv", "Omgångar")
    expect(page.locator("#portal-language")).to_have_value("sv")
    again.close()


def test_no_wcag_violations_on_a_page_with_the_chooser(browser, live):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    log_in(page, live.base, "dansk@example.org")
    result = Axe().run(page, options=WCAG_21_AA)
    assert result.response["passes"], "axe checked nothing"
    assert result.violations_count == 0, result.generate_report()
    context.close()
