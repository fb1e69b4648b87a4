"""Routing, every question type and a right-to-left language in a real browser (chromium through Playwright),
with the page's script and without it: the server decides what is shown, so both browse the same route."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from tests.conftest import fresh_database_url, make_app
from tests.respond.conftest import create_link, create_round, serving
from tests.respond.wellbeing import PLACEMENT_ITEMS, publish_wellbeing

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def routed(backend, tmp_path_factory):
    """A live server with the well-being questionnaire open at one school link per scenario."""
    from survey.network.models import Network, Program, School

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        network = Network(name="Rutenetværket")
        schools = {}
        for code in ("JS", "NOJS", "RTL", "AXE"):
            school = School(network=network, code=code, name=f"Skolen {code}", type="EUD", region="Midtjylland")
            school.programs = [Program(code="EL", name="Elektriker")]
            schools[code] = school
        db.session.add(network)
        version = publish_wellbeing(network)
        survey_round = create_round(network, version, schools.values(), name="Trivsel 2027")
        links = {code: create_link(survey_round, school).token for code, school in schools.items()}
        school_ids = {code: school.id for code, school in schools.items()}
        db.session.commit()
    with serving(app, drop) as base:
        yield SimpleNamespace(app=app, base=base, links=links, school_ids=school_ids)


def stored_answers(routed, code: str) -> bytes:
    from survey.responses.models import Response

    with routed.app.app_context():
        answers = db.session.scalar(select(Response.answers).where(Response.school_id == routed.school_ids[code]))
        db.session.remove()
        return answers


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_routed_page_is_skipped_and_shown_again_when_the_answer_changes(browser, routed, javascript):
    code = "JS" if javascript else "NOJS"
    token = routed.links[code]
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
    page = context.new_page()
    page.goto(f"{routed.base}/s/{token}")
    page.get_by_role("button", name="Start the survey").click()
    expect(page.get_by_text("Page 1 of 5")).to_be_visible()  # the placement page needs a "yes" first
    page.get_by_label("No", exact=True).check()
    page.get_by_label("How old are you?").fill("17")
    page.get_by_role("button", name="Next").click()
    # the placement page is skipped: the bullying page is page 2 of the 4 pages shown and the review
    expect(page.get_by_role("heading", name="Bullying", level=1)).to_be_visible()
    expect(page.get_by_text("Page 2 of 5")).to_be_visible()
    page.get_by_label("1 – Never").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="More about bullying", level=1)).to_be_visible()
    expect(page.get_by_text("Where does it happen?")).to_have_count(0)  # routed away by "Never"
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", name="About you", level=1)).to_be_visible()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Placement", level=1)).to_be_visible()  # shown now
    expect(page.get_by_text("Page 2 of 6")).to_be_visible()
    for fieldset in page.locator("fieldset.item").all():
        fieldset.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("4 – Every day").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Where does it happen?").fill("Online")  # asked now
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Check your answers", level=1)).to_be_visible()
    expect(page.get_by_text("Online")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    context.close()
    assert stored_answers(routed, code) == bytes([4] * len(PLACEMENT_ITEMS) + [4])


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_right_to_left_language_is_shown_right_to_left_with_the_questionnaires_interface_texts(
    browser, routed, javascript
):
    token = routed.links["RTL"]
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{routed.base}/s/{token}?lang=ar")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    page.get_by_role("button", name="ابدأ الاستبيان").click()  # the definition's interface text for ar
    expect(page.get_by_text("صفحة 1 من 5")).to_be_visible()
    expect(page.get_by_text("هل أنت في تدريب؟")).to_be_visible()  # the question in Arabic
    expect(page.get_by_text("Hvor gammel er du?")).to_be_visible()  # no Arabic text: the default language's
    expect(page.get_by_role("button", name="التالي")).to_be_visible()
    assert page.locator("fieldset.item").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.get_by_role("button", name="English").click()  # the switch sends the page: left to right again
    expect(page.get_by_text("Page 1 of 5")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") in (None, "", "ltr")
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_wcag_violations_on_the_pages_of_every_type(browser, routed, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    token = routed.links["AXE"]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    found = {}

    def check(name: str) -> None:
        result = axe.run(page, options=WCAG_21_AA)
        assert result.response["passes"], f"axe checked nothing on the {name} page"
        if result.violations_count:
            found[name] = result.generate_report()

    page.goto(f"{routed.base}/s/{token}?lang={lang}")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("fieldset.item").first).to_be_visible()
    check("single, numeric, multiple, program, help, display")
    page.locator("input[name=age]").fill("ten")
    page.locator("input[name=activities][value=none]").check()
    page.locator("input[name=activities][value=sport]").check()
    page.locator("button[name=move][value=next]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("errors of every type")
    page.goto(f"{routed.base}/s/{token}/page/3")
    check("scale labelled at its ends")
    page.goto(f"{routed.base}/s/{token}/review")
    check("review")
    context.close()
    assert not found, "\n\n".join(f"{name}:\n{report}" for name, report in found.items())
