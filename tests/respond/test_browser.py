"""The respondent's form in a real browser: Debian's chromium driven by Playwright against a live server.

One live server per database (SQLite and PostgreSQL) on a fresh, migrated database with committed data, one
browser for the whole session. axe-core checks WCAG 2.1 A/AA on every kind of respondent page in every language.
The pages run their script (`static/respond.js`: each form sent in place) as a browser would; one respondent
answers without JavaScript (post/redirect/get).
"""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import func, select

from survey.extensions import db
from tests.conftest import fresh_database_url, make_app
from tests.respond.conftest import TODAY, create_invitation, create_link, create_round, publish_questionnaire, serving

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
NOT_SENT = (
    "Not sent: the connection or the server did not answer. Everything on this page is still here; press the "
    "button again in a moment."
)
CONTINUE = {"da": "Fortsæt, hvor du slap", "en": "Continue where you left off", "sv": "Fortsätt där du slutade"}


@pytest.fixture(scope="session")
def live(backend, tmp_path_factory):
    """A running server on a fresh database with an open round (a school link per scenario) and a closed one."""
    from survey.network.models import Network, Program, School

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        network = Network(name="Browsernetværket")
        schools = {}
        for code in ("PHONE", "RESUME", "DOUBLE", "AXE", "NOJS", "OFFLINE", "HISTORY", "ONEPOST"):
            school = School(network=network, code=code, name=f"Skolen {code}", type="EUD", region="Midtjylland")
            school.programs = [Program(code="EL", name="Elektriker"), Program(code="VVS", name="VVS-energitekniker")]
            schools[code] = school
        db.session.add(network)
        version = publish_questionnaire(network, "student")
        open_round = create_round(network, version, schools.values())
        closed_round = create_round(
            network, version, [schools["AXE"]], name="Round 2025",
            opens_on=TODAY - timedelta(days=60), closes_on=TODAY - timedelta(days=2),
        )
        future_round = create_round(
            network, version, [schools["AXE"]], name="Round 2027",
            opens_on=TODAY + timedelta(days=30), closes_on=TODAY + timedelta(days=60),
        )
        links = {code: create_link(open_round, school).token for code, school in schools.items()}
        closed = create_link(closed_round, schools["AXE"]).token
        not_open = create_link(future_round, schools["AXE"]).token
        used_invitation = create_invitation(open_round, schools["AXE"], used=True)
        school_ids = {code: school.id for code, school in schools.items()}
        n_dimensions = len(version.dimensions)
        db.session.commit()
    with serving(app, drop) as base:
        yield SimpleNamespace(
            app=app,
            base=base,
            links=links,
            closed=closed,
            not_open=not_open,
            used_invitation=used_invitation,
            school_ids=school_ids,
            n_dimensions=n_dimensions,
        )


def responses_of(live, code: str) -> int:
    from survey.responses.models import Response

    with live.app.app_context():
        count = db.session.scalar(select(func.count(Response.id)).where(Response.school_id == live.school_ids[code]))
        db.session.remove()
        return count


def open_landing(browser, live, code: str, **context_options):
    """A new browser context on the landing page of school `code`'s link: (context, page, token)."""
    token = live.links[code]
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.goto(f"{live.base}/s/{token}")
    return context, page, token


def on_page(page, text: str) -> None:
    """Wait until the browser shows the page whose progress says `text` (a click does not wait for the next page)."""
    expect(page.get_by_text(text)).to_be_visible()


def answer_page(page, choice: int = 4) -> None:
    """Check the `choice`-th option of every question on the page (clicking its label, as a finger would)."""
    for fieldset in page.locator("fieldset.item").all():
        labels = fieldset.locator("label")
        labels.nth(min(choice, labels.count()) - 1).click()


def checked_values(page) -> set[str]:
    """The values checked on the page, once every question on it has one checked."""
    checked = page.locator("fieldset.item input:checked")
    expect(checked).to_have_count(page.locator("fieldset.item").count())
    assert checked.count() > 0
    return set(checked.evaluate_all("inputs => inputs.map(i => i.value)"))


def requests_to(page, token: str) -> list:
    """Collects (method, path) of every request the page sends to the respondent's link from now on."""
    sent = []
    prefix = f"/s/{token}"

    def record(request) -> None:
        path = re.sub(r"^https?://[^/]+", "", request.url)
        if path.startswith(prefix):
            sent.append((request.method, path[len(prefix):]))

    page.on("request", record)
    return sent


def test_student_completes_the_survey_on_a_phone(browser, live):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="da-DK")
    page = context.new_page()
    page.goto(f"{live.base}/s/{live.links['PHONE']}")
    assert page.locator("html").get_attribute("lang") == "da"
    page.get_by_role("button", name="Start undersøgelsen").click()
    for n in range(1, live.n_dimensions + 2):  # every dimension, then the background questions
        on_page(page, f"Side {n} af")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"page {n} scrolls sideways"
        answer_page(page, choice=1 if n == live.n_dimensions + 1 else 4)
        page.get_by_role("button", name="Næste").click()
    page.get_by_label("Hvad er det bedste ved din skole?").fill("Værkstedet")
    page.get_by_role("button", name="Næste").click()
    expect(page.get_by_role("heading", name="Se dine svar igennem", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Send mine svar").click()
    expect(page.get_by_role("heading", name="Tak for dine svar!")).to_be_visible()
    context.close()
    assert responses_of(live, "PHONE") == 1


def test_closing_the_browser_midway_resumes_with_answers_kept(browser, live, tmp_path):
    context, page, token = open_landing(browser, live, "RESUME", viewport=PHONE, locale="en-GB")
    page.get_by_role("button", name="Start the survey").click()
    on_page(page, "Page 1 of")
    answer_page(page, 2)
    page.get_by_role("button", name="Next").click()
    on_page(page, "Page 2 of")
    answer_page(page, 5)
    page.get_by_role("button", name="Next").click()
    on_page(page, "Page 3 of")
    state = tmp_path / "state.json"
    context.storage_state(path=str(state))
    context.close()

    context = browser.new_context(viewport=PHONE, locale="en-GB", storage_state=str(state))
    page = context.new_page()
    page.goto(f"{live.base}/s/{token}")
    page.get_by_role("link", name="Continue where you left off").click()
    page.wait_for_url(f"**/s/{token}/page/3")
    page.get_by_role("button", name="Back").click()
    page.wait_for_url(f"**/s/{token}/page/2")
    checked = page.locator("fieldset.item input:checked")
    assert checked.count() == page.locator("fieldset.item").count() > 0
    assert set(checked.evaluate_all("inputs => inputs.map(i => i.value)")) == {"5"}
    context.close()


def test_double_click_and_retry_store_one_response(browser, live):
    context, page, token = open_landing(browser, live, "DOUBLE", locale="en-GB")
    page.get_by_role("button", name="Start the survey").click()
    for n in range(1, live.n_dimensions + 3):
        on_page(page, f"Page {n} of")
        answer_page(page, 3)
        page.get_by_role("button", name="Next").click()
    send = page.get_by_role("button", name="Send my answers")
    expect(send).to_be_visible()
    csrf = page.locator("input[name=csrf_token]").first.input_value()
    send.dblclick()
    page.wait_for_url(f"**/s/{token}/thanks")
    retry = context.request.post(f"{live.base}/s/{token}/submit", form={"csrf_token": csrf})
    assert retry.ok and retry.url.endswith("/thanks")
    with page.expect_response(f"{live.base}/s/{token}/review") as again:
        page.go_back()  # Back to the review's address: the script loads it again from the server
    assert again.value.request.method == "GET"
    page.wait_for_url(f"{live.base}/s/{token}")  # where the draft is gone: the landing, nothing to send twice
    expect(page.get_by_role("button", name="Start the survey")).to_be_visible()
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
    context.close()
    assert responses_of(live, "DOUBLE") == 1


@pytest.mark.parametrize("lang", ["da", "en", "sv"])
def test_no_wcag_violations_on_any_respondent_page(browser, live, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    token = live.links["AXE"]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    found = {}

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang, name
        result = axe.run(page, options=WCAG_21_AA)
        assert result.response["passes"], f"axe checked nothing on the {name} page"
        if result.violations_count:
            found[name] = result.generate_report()

    page.goto(f"{live.base}/s/{token}?lang={lang}")
    check("landing")
    page.locator("form button[type=submit]").last.click()  # start (or start again)
    expect(page.locator("fieldset.item").first).to_be_visible()
    check("dimension page")
    page.locator("button[name=move][value=next]").click()  # nothing answered: errors at every field
    expect(page.locator(".error-summary")).to_be_visible()
    check("page with validation errors")
    page.goto(f"{live.base}/s/{token}/page/{live.n_dimensions + 1}")
    check("background page")
    page.goto(f"{live.base}/s/{token}/page/{live.n_dimensions + 2}")
    check("free-text page")
    page.goto(f"{live.base}/s/{token}/review")
    check("review")
    page.goto(f"{live.base}/s/{token}")
    expect(page.get_by_role("link", name=CONTINUE[lang])).to_be_visible()
    check("landing with answers to continue")
    page.goto(f"{live.base}/s/{token}/page/1")
    page.locator("input[name=csrf_token]").evaluate("input => input.remove()")  # as a browser that lost it
    with page.expect_response(f"**/s/{token}/page/1") as sent:
        page.locator("button[name=move][value=next]").click()
    assert sent.value.status == 400
    check("expired form")
    page.goto(f"{live.base}/s/{token}/thanks")
    check("thanks")
    for name, path, status in (
        ("closed", f"/s/{live.closed}", 410),
        ("unknown", "/s/" + "u" * 32, 404),
        ("not open yet", f"/s/{live.not_open}", 403),
        ("invitation already used", f"/p/{live.used_invitation}", 410),
    ):
        response = page.goto(f"{live.base}{path}?lang={lang}")
        assert response.status == status
        check(name)
    context.close()
    assert not found, "\n\n".join(f"== {name}\n{report}" for name, report in found.items())


def test_without_javascript_every_step_is_post_redirect_get(browser, live):
    token = live.links["NOJS"]
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    sent = requests_to(page, token)
    page.goto(f"{live.base}/s/{token}")
    page.get_by_role("button", name="Start the survey").click()
    page.wait_for_url(f"{live.base}/s/{token}/page/1")
    assert sent == [("GET", ""), ("POST", "/start"), ("GET", "/page/1")]
    last = live.n_dimensions + 2  # every dimension, the background questions, the free text
    for n in range(1, last + 1):
        on_page(page, f"Page {n} of")
        if n == last:
            page.get_by_label("What is the best thing about your school?").fill("The workshop")
        answer_page(page, 1 if n == live.n_dimensions + 1 else 3)
        sent.clear()
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            page.get_by_role("button", name="Next").click()
        after = f"/page/{n + 1}" if n < last else "/review"
        page.wait_for_url(f"{live.base}/s/{token}{after}")
        assert posted.value.status == 302 and posted.value.header_value("location").endswith(after)
        assert sent == [("POST", f"/page/{n}"), ("GET", after)], f"page {n}"
    expect(page.get_by_role("heading", name="Check your answers", level=1)).to_be_visible()
    expect(page.get_by_text("The workshop")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"{live.base}/s/{token}/thanks")
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    context.close()
    assert responses_of(live, "NOJS") == 1


def test_a_lost_connection_keeps_the_page_and_sending_again_continues(browser, live):
    context, page, token = open_landing(browser, live, "OFFLINE", locale="en-GB")
    page.get_by_role("button", name="Start the survey").click()
    on_page(page, "Page 1 of")
    context.set_offline(True)
    answer_page(page, 2)
    page.get_by_role("button", name="Next").click()
    alert = page.get_by_role("alert").filter(has_text="Not sent")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(NOT_SENT)
    expect(page.locator("form#answers")).not_to_have_attribute("aria-busy", "true")
    assert page.url == f"{live.base}/s/{token}/page/1"
    expect(page.get_by_text("Page 1 of")).to_be_visible()
    assert checked_values(page) == {"2"}
    page.get_by_role("button", name="Next").click()  # still offline: the same alert, nothing lost
    expect(page.locator("form#answers")).not_to_have_attribute("aria-busy", "true")
    expect(alert).to_have_text(NOT_SENT)
    expect(page.locator(".not-sent")).to_have_count(1)
    assert checked_values(page) == {"2"}

    context.set_offline(False)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(f"{live.base}/s/{token}/page/2")
    on_page(page, "Page 2 of")
    expect(page.locator(".not-sent")).to_have_count(0)
    page.get_by_role("button", name="Back").click()
    page.wait_for_url(f"{live.base}/s/{token}/page/1")
    on_page(page, "Page 1 of")
    assert checked_values(page) == {"2"}
    context.close()


def test_browser_back_and_focus_after_each_step(browser, live):
    context, page, token = open_landing(browser, live, "HISTORY", locale="en-GB")
    page.get_by_role("button", name="Start the survey").click()
    page.wait_for_url(f"{live.base}/s/{token}/page/1")
    expect(page.locator("main h1")).to_be_focused()

    page.get_by_role("button", name="Next").click()  # nothing answered
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.url == f"{live.base}/s/{token}/page/1"

    for n, choice in ((1, 2), (2, 4)):
        answer_page(page, choice)
        page.get_by_role("button", name="Next").click()
        page.wait_for_url(f"{live.base}/s/{token}/page/{n + 1}")
        on_page(page, f"Page {n + 1} of")
        expect(page.locator("main h1")).to_be_focused()
        assert page.evaluate("document.activeElement.tagName") == "H1"

    with page.expect_response(f"{live.base}/s/{token}/page/2") as loaded:  # from the server, with what it saved
        page.go_back()
    assert loaded.value.request.method == "GET" and loaded.value.ok
    assert page.url == f"{live.base}/s/{token}/page/2"
    on_page(page, "Page 2 of")
    assert checked_values(page) == {"4"}
    with page.expect_response(f"{live.base}/s/{token}/page/1"):
        page.go_back()
    assert page.url == f"{live.base}/s/{token}/page/1"
    on_page(page, "Page 1 of")
    assert checked_values(page) == {"2"}
    context.close()


def test_with_javascript_each_step_is_one_request(browser, live):
    context, page, token = open_landing(browser, live, "ONEPOST", locale="en-GB")
    on_page(page, "Your privacy")
    sent = requests_to(page, token)
    with page.expect_response(f"{live.base}/s/{token}/start") as started:
        page.get_by_role("button", name="Start the survey").click()
    page.wait_for_url(f"{live.base}/s/{token}/page/1")
    on_page(page, "Page 1 of")
    assert sent == [("POST", "/start")]
    assert started.value.status == 200 and started.value.header_value("content-location") == f"/s/{token}/page/1"

    answer_page(page, 3)
    sent.clear()
    with page.expect_response(f"{live.base}/s/{token}/page/1") as posted:
        page.get_by_role("button", name="Next").click()
    page.wait_for_url(f"{live.base}/s/{token}/page/2")
    on_page(page, "Page 2 of")
    assert sent == [("POST", "/page/1")]
    response = posted.value
    assert response.request.method == "POST" and response.request.header_value("x-respond-in-place") == "1"
    assert response.status == 200 and response.header_value("content-location") == f"/s/{token}/page/2"
    assert response.request.redirected_from is None and response.request.redirected_to is None
    context.close()
