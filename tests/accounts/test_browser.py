"""Every people flow in Debian's chromium against a live server, with axe-core (WCAG 2.1 A/AA) on each page:
invitation -> set password -> log in; forgot -> reset -> log in; two-factor enrolment -> log in with a code."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.respond.conftest import serving

from .conftest import LINK, messages_in

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
NEW_PASSWORD = "seven tall ships at dawn"


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network, School

    url, drop = fresh_database_url(backend, tmp_path_factory)
    outbox = tmp_path_factory.mktemp("outbox")
    app = make_app(url, SERVER_NAME=None, MAIL_BACKEND="file", MAIL_OUTBOX=str(outbox))
    with app.app_context():
        upgrade()
        network = Network(name="Browsernetværket")
        db.session.add(network)
        db.session.add(School(network=network, code="NTS", name="Nordvestjysk Tekniske Skole", type="EUD",
                              region="Midtjylland"))
        for email in ("admin.invites@example.org", "admin.totp@example.org", "forgetful@example.org"):
            add_user(email, TEST_PASSWORD, "network_admin", network)
        db.session.commit()
    with serving(app, drop) as base:
        app.config["PUBLIC_URL"] = base  # the links in e-mails lead to this server
        yield SimpleNamespace(base=base, outbox=outbox)


class Checked:
    """A page in a fresh browser context whose every visited state is checked by axe."""

    def __init__(self, browser, base: str) -> None:
        self.context = browser.new_context(base_url=base)
        self.page = self.context.new_page()
        self.axe = Axe()
        self.found: dict[str, str] = {}

    def check(self, name: str) -> None:
        result = self.axe.run(self.page, options=WCAG_21_AA)
        assert result.response["passes"], f"axe checked nothing on {name}"
        if result.violations_count:
            self.found[name] = result.generate_report()

    def log_in(self, email: str, password: str = TEST_PASSWORD) -> None:
        self.page.goto("/auth/login")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Log in").click()

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Log out").click()
        expect(self.page.get_by_text("You are logged out.")).to_be_visible()

    def close(self) -> None:
        self.context.close()
        assert self.found == {}, "\n".join(f"{name}:\n{report}" for name, report in self.found.items())


def link_to(live, address: str, before: int) -> str:
    messages = messages_in(live.outbox, before + 1)
    [message] = [m for m in messages[before:] if m["To"] == address]
    [url] = LINK.findall(message.get_content())
    assert url.startswith(live.base)
    return url


def outbox_size(live) -> int:
    return len(messages_in(live.outbox))


def test_invitation_then_set_password_then_log_in(browser, live):
    checked = Checked(browser, live.base)
    page = checked.page
    checked.log_in("admin.invites@example.org")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    checked.check("users list")
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_role("button", name="Send the invitation").click()  # empty: errors on the fields
    expect(page.locator("p.error").first).to_be_visible()
    checked.check("invite form with errors")
    before = outbox_size(live)
    page.get_by_label("E-mail").fill("kvalitet@nts.example.org")
    page.get_by_label("Role").select_option("school_staff")
    page.get_by_label("School").select_option(label="NTS – Nordvestjysk Tekniske Skole")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to kvalitet@nts.example.org.")).to_be_visible()
    page.get_by_role("link", name="kvalitet@nts.example.org").click()
    expect(page.get_by_role("button", name="Send the invitation again")).to_be_visible()
    checked.check("user page")
    checked.log_out()

    page.goto(link_to(live, "kvalitet@nts.example.org", before))
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    checked.check("set password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD + "!")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_text("The two passwords are not the same.")).to_be_visible()
    checked.check("set password with an error")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_text("Your password is saved.")).to_be_visible()
    checked.check("login after setting the password")
    checked.log_in("kvalitet@nts.example.org", NEW_PASSWORD)
    expect(page.get_by_role("link", name="Nordvestjysk Tekniske Skole")).to_be_visible()
    checked.close()


def test_forgot_then_reset_then_log_in(browser, live):
    checked = Checked(browser, live.base)
    page = checked.page
    page.goto("/auth/login")
    checked.check("login")
    page.get_by_role("link", name="Forgot your password?").click()
    checked.check("forgot")
    before = outbox_size(live)
    page.get_by_label("E-mail").fill("forgetful@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    checked.check("forgot: sent")
    page.goto(link_to(live, "forgetful@example.org", before))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill("short")
    page.get_by_label("The same password again").fill("short")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_text("at least 10 characters").first).to_be_visible()
    checked.check("reset with an error")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_text("Your new password is saved")).to_be_visible()
    checked.log_in("forgetful@example.org", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Browsernetværket")).to_be_visible()
    checked.close()


def test_two_factor_enrolment_then_log_in_with_a_code(browser, live):
    checked = Checked(browser, live.base)
    page = checked.page
    checked.log_in("admin.totp@example.org")
    page.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_role("img", name="QR code of the key for your authenticator app")).to_be_visible()
    checked.check("two-factor enrolment")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    assert page.locator("ul.recovery-codes li").count() == 10
    checked.check("recovery codes")
    checked.log_out()

    checked.log_in("admin.totp@example.org")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    checked.check("code after the password")
    page.get_by_label("Code from your authenticator app, or a recovery code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right, or it was used already.")).to_be_visible()
    checked.check("wrong code")
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Browsernetværket")).to_be_visible()
    checked.close()
