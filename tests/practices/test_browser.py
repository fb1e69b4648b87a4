"""In Debian's chromium against a live server, with axe-core (WCAG 2.1 A/AA) on every page of the flow: a
school's staff member writes a practice card and publishes it; a staff member of another school finds it by
searching and reads it, without the writing school's name (the network does not share names)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from tests.accounts.test_browser import Checked
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.respond.conftest import publish_questionnaire, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network, Program, School

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None, ATTACHMENT_DIR=str(tmp_path_factory.mktemp("attachments")))
    with app.app_context():
        upgrade()
        network = Network(name="Praksisnetværket")
        db.session.add(network)
        publish_questionnaire(network)
        for code, name in (("NORD", "Nordskolen"), ("SYD", "Sydskolen")):
            school = School(network=network, code=code, name=name, type="EUD", region="Midtjylland",
                            programs=[Program(code="EL", name="Elektriker")])
            db.session.add(school)
            db.session.flush()
            add_user(f"{code.lower()}@example.org", TEST_PASSWORD, "school_staff", network, school).locale = "en"
        db.session.commit()
    with serving(app, drop) as base:
        yield SimpleNamespace(base=base)


def test_a_school_writes_and_publishes_a_card_and_another_school_finds_it(browser, live):
    writer = Checked(browser, live.base)
    page = writer.page
    writer.log_in("nord@example.org")
    page.get_by_role("link", name="What works").click()
    expect(page.get_by_role("heading", name="What works")).to_be_visible()
    writer.check("library, empty")
    page.get_by_role("link", name="Write a practice card").click()
    page.get_by_role("button", name="Save card").click()  # no title: refused, said on the field
    expect(page.locator("p.error").first).to_be_visible()
    writer.check("card form with an error")
    page.get_by_label("Title").fill("Morgenlæsning i alle klasser")
    page.get_by_label("Summary").fill("Eleverne læser et kvarter hver morgen.")
    page.get_by_label("What you do", exact=True).fill("Alle hold begynder dagen med stillelæsning.")
    page.get_by_label("Teachers").check()
    page.get_by_label("Students").check()
    page.get_by_label("Month").select_option(label="August")
    page.get_by_label("Year").select_option("2025")
    page.get_by_label("Dimensions it addresses").select_option(index=0)
    page.get_by_label("EL – Elektriker").check()
    page.get_by_role("button", name="Save card").click()
    expect(page.get_by_text("The card is saved as a draft")).to_be_visible()
    writer.check("edit page with attachments")
    page.get_by_role("link", name="Morgenlæsning i alle klasser").click()
    expect(page.get_by_text("Publishing shows this card, its contact")).to_be_visible()
    writer.check("draft card")
    page.get_by_role("button", name="Publish to the network").click()
    expect(page.get_by_text("The card is published")).to_be_visible()
    writer.check("published card")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("cell", name="published", exact=True)).to_be_visible()
    writer.check("history")
    writer.close()

    reader = Checked(browser, live.base)
    page = reader.page
    reader.log_in("syd@example.org")
    page.get_by_role("link", name="What works").click()
    page.get_by_label("Search", exact=True).fill("eleverne morgen")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("1 card found.")).to_be_visible()
    reader.check("search results")
    page.get_by_role("link", name="Morgenlæsning i alle klasser").click()
    expect(page.get_by_text("From a school in the network.")).to_be_visible()
    expect(page.get_by_text("August 2025")).to_be_visible()
    assert "Nordskolen" not in page.content()
    reader.check("another school's card")
    reader.close()
