"""The benchlearning flow in Debian's chromium against a live server, axe-core (WCAG 2.1 A/AA) and the Nu Html
Checker on every page (the demo the portal crawl reads has no requests): a
school asks a partner from its partner list, the partner school's staff see the notification (and get the
e-mail, sent by the real in-process job runner), accept and plan a visit, and both schools see the visit."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from tests.accounts.conftest import messages_in
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.partnering.conftest import build_world, partners_of
from tests.portal.conftest import vnu  # noqa: F401  (the Nu Html Checker, a fixture)
from tests.respond.conftest import serving
from tests.results.conftest import add_response, make_round, make_version

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.network.models import Network

    url, drop = fresh_database_url(backend, tmp_path_factory)
    outbox = tmp_path_factory.mktemp("outbox")
    app = make_app(url, SERVER_NAME=None, MAIL_BACKEND="file", MAIL_OUTBOX=str(outbox), JOB_RUNNER="inprocess")
    with app.app_context():
        upgrade()
        network = Network(name="Browsernetværket")
        db.session.add(network)
        db.session.flush()
        session = db.session
        world = build_world(session, network, make_version.__wrapped__(session, network),
                            make_round.__wrapped__(session, network), add_response.__wrapped__(session), backend)
        label, _code = partners_of(world["round"], "LOW1")[0]
        db.session.remove()
    with serving(app, drop) as base:
        app.config["PUBLIC_URL"] = base
        yield SimpleNamespace(base=base, outbox=outbox, label=label)


class Checked:
    """A logged-in browser context whose every visited state is checked by axe."""

    def __init__(self, browser, base: str, email: str, vnu) -> None:
        self.vnu = vnu
        self.context = browser.new_context(base_url=base, viewport={"width": 360, "height": 740})
        self.page = self.context.new_page()
        self.axe = Axe()
        self.found: dict[str, str] = {}
        self.page.goto("/auth/login")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.get_by_role("link", name="Requests")).to_be_visible()

    def check(self, name: str) -> None:
        result = self.axe.run(self.page, options=WCAG_21_AA)
        assert result.response["passes"], f"axe checked nothing on {name}"
        if result.violations_count:
            self.found[name] = result.generate_report()
        html = self.context.request.get(self.page.url).text()  # as served, not as the scripts left it
        if errors := self.vnu(html):
            self.found[f"{name} (HTML)"] = "\n".join(errors)

    def close(self) -> None:
        self.context.close()
        assert self.found == {}, "\n".join(f"{name}:\n{report}" for name, report in self.found.items())


def test_a_request_from_the_partner_list_to_a_planned_visit(browser, live, vnu):
    asking = Checked(browser, live.base, "anne@low1.example.org", vnu)
    page = asking.page
    page.get_by_role("link", name="Partners").click()
    expect(page.get_by_role("heading", name="Benchmark partners")).to_be_visible()
    asking.check("partner list")
    entry = page.locator("li", has=page.get_by_text(live.label, exact=True))
    entry.locator("summary", has_text="Ask to learn from this school").click()
    entry.get_by_label("Message to the partner school").fill("Hvordan arbejder I med feedback?")
    asking.check("partner list, form open")
    entry.get_by_role("button", name="Ask to learn from this school").click()
    expect(page.get_by_text("Your request was sent.")).to_be_visible()
    expect(page.get_by_text("waiting for an answer")).to_be_visible()
    request_url = page.url
    asking.check("request sent")

    mails = [m for m in messages_in(live.outbox, 2) if m["To"] == "carl@top3.example.org"]
    assert len(mails) == 1 and "New benchlearning request" in mails[0]["Subject"]

    answering = Checked(browser, live.base, "carl@top3.example.org", vnu)
    partner = answering.page
    partner.get_by_role("link", name="Notifications (1 unread)").click()
    expect(partner.get_by_role("heading", name="Notifications")).to_be_visible()
    answering.check("notifications")
    partner.get_by_role("link", name="New benchlearning request from a school in the network").click()
    expect(partner.get_by_text("Hvordan arbejder I med feedback?")).to_be_visible()
    answering.check("request received")
    partner.get_by_role("button", name="Accept").click()
    expect(partner.get_by_text("You accepted the request.")).to_be_visible()
    partner.get_by_label("Date").fill("2027-01-14")
    partner.get_by_label("Kind").select_option(label="The partner school visits us")
    partner.get_by_label("Note (time, place, agenda)").fill("Kl. 10, mød op i receptionen")
    answering.check("request accepted")
    partner.get_by_role("button", name="Save the visit or meeting").click()
    expect(partner.get_by_text("January 14, 2027: The partner school visits us")).to_be_visible()
    answering.check("visit planned")

    page.goto(request_url)
    expect(page.get_by_text("January 14, 2027: We visit the partner school")).to_be_visible()
    expect(page.locator("p.note", has_text="Kl. 10, mød op i receptionen")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications (2 unread)")).to_be_visible()
    asking.check("visit planned, seen by the asking school")
    asking.close()
    answering.close()
