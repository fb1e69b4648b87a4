"""The invitation mail's pages in Debian's chromium against a live server, with axe-core (WCAG 2.1 A/AA): the
admin's invitation mail page (remind, re-send) and a recipient unsubscribing from the link in the e-mail."""
from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.config import PROJECT_ROOT
from survey.extensions import db
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.respond.conftest import serving


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ADMIN = "admin.mail@example.org"
PERSON = "person@example.org"


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.catalog.operations import publish_definition, validate_source
    from survey.invitations.delivery import dispatch
    from survey.network.models import Network, Program, School
    from survey.rounds.operations import create_round, invite

    url, drop = fresh_database_url(backend, tmp_path_factory)
    outbox = tmp_path_factory.mktemp("outbox")
    app = make_app(url, SERVER_NAME=None, MAIL_BACKEND="file", MAIL_OUTBOX=str(outbox))
    with app.app_context():
        upgrade()
        network = Network(name="Mailnetværket")
        school = School(network=network, code="NTS", name="Nordvestjysk Tekniske Skole", type="EUD",
                        region="Midtjylland", programs=[Program(code="EL", name="Elektriker")])
        db.session.add_all([network, school])
        add_user(ADMIN, TEST_PASSWORD, "network_admin", network)
        path = PROJECT_ROOT / "questionnaires" / "staff" / "2026.yaml"
        text = path.read_text(encoding="utf-8")
        version = publish_definition(network, validate_source(text, str(path), network=network), text, "t").version
        survey_round = create_round(network, version, "Medarbejdere", date.today(),
                                    date.today() + timedelta(days=9), [school])
        round_id = survey_round.id
        db.session.commit()
    with serving(app, drop) as base:
        app.config["PUBLIC_URL"] = base
        with app.app_context():
            from survey.rounds.models import SurveyRound

            survey_round = db.session.get(SurveyRound, round_id)
            invite(survey_round, survey_round.schools[0], [PERSON])
            dispatch()
            db.session.commit()
        yield SimpleNamespace(base=base, outbox=outbox, round_id=round_id)


def check(axe: Axe, page, name: str, found: dict) -> None:
    result = axe.run(page, options=WCAG_21_AA)
    assert result.response["passes"], f"axe checked nothing on {name}"
    if result.violations_count:
        found[name] = result.generate_report()


def test_admin_reminds_and_a_recipient_unsubscribes(browser, live):
    axe, found = Axe(), {}
    context = browser.new_context(base_url=live.base, locale="en-GB")
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/rounds/{live.round_id}")
    page.get_by_role("link", name="Reminders, lost invitations and delivery counts").click()
    expect(page.get_by_role("heading", name="Invitation mail: Medarbejdere")).to_be_visible()
    check(axe, page, "invitation mail page", found)
    page.get_by_role("button", name="Send reminders").click()
    expect(page.get_by_text("1 reminder is on its way.")).to_be_visible()
    expect(page.get_by_text("1 message is waiting to be sent.")).to_be_visible()
    check(axe, page, "after reminding", found)
    page.get_by_role("button", name="Send a new link").click()  # empty address: the field says why
    expect(page.get_by_text("This field is required.")).to_be_visible()
    check(axe, page, "re-send refused", found)
    context.close()

    [mail] = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in live.outbox.glob("*.eml")]
    unsubscribe_url = mail["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    recipient = browser.new_context(locale="sv-SE")
    page = recipient.new_page()
    page.goto(unsubscribe_url)
    check(axe, page, "unsubscribe page", found)
    page.get_by_role("button", name="Avregistrera").click()
    expect(page.get_by_text("Klart: den här adressen får inga fler enkätmejl från Mailnetværket.")).to_be_visible()
    check(axe, page, "unsubscribed", found)
    recipient.close()
    assert found == {}, "\n".join(f"{name}:\n{report}" for name, report in found.items())
