"""The privacy pages in Debian's chromium with axe-core (WCAG 2.1 A/AA): the accessibility statement in each
language, the retention schedule (also with an error shown), the records of processing and the audit log."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade

from survey.extensions import db
from tests.accounts.test_browser import Checked
from tests.conftest import fresh_database_url, make_app
from tests.respond.conftest import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.audit.models import AuditEntry
    from survey.network.models import Network

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None, ACCESSIBILITY_CONTACT="a11y@example.org")
    with app.app_context():
        upgrade()
        network = Network(name="Browsernetværket")
        db.session.add(network)
        admin = add_user("privacy.admin@example.org", "correct horse battery", "network_admin", network)
        db.session.flush()
        db.session.add(AuditEntry(network_id=network.id, at=datetime.now(timezone.utc), actor_id=admin.id,
                                  actor=admin.email, action="export.microdata", object="round Forår 2026",
                                  details={"format": "csv"}))
        db.session.commit()
    with serving(app, drop) as base:
        yield SimpleNamespace(base=base)


def test_privacy_pages_pass_axe(browser, live):
    checked = Checked(browser, live.base)
    try:
        page = checked.page
        for language in ("da", "sv", "en"):
            page.goto(f"/accessibility/{language}")
            checked.check(f"accessibility statement ({language})")
        checked.log_in("privacy.admin@example.org", "correct horse battery")
        page.get_by_role("link", name="Privacy").click()
        checked.check("retention schedule")
        page.get_by_label("Years after a round closes before its free-text answers are removed").fill("9")
        page.get_by_role("button", name="Save retention schedule").click()
        assert page.get_by_text("Free text cannot be kept longer than the responses it belongs to.").is_visible()
        checked.check("retention schedule with an error")
        page.get_by_role("link", name="Records of processing").click()
        checked.check("records of processing")
        page.get_by_role("link", name="Audit log").click()
        assert page.get_by_role("cell", name="round Forår 2026").is_visible()
        checked.check("audit log")
        page.get_by_role("link", name="Accessibility statement").click()
        assert page.get_by_text("a11y@example.org").is_visible()
    finally:
        checked.close()
