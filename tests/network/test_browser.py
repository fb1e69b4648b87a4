"""The directory's admin pages and the organiser's page in Debian's chromium against a live server, with
axe-core (WCAG 2.1 A/AA) on each visited state: create an organiser, a school under it with a Swedish type, a
program, a failed import showing its row-numbered problems, and the organiser staff's home page."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from tests.accounts.test_browser import Checked
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.respond.conftest import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network, Organiser

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        network = Network(name="Skolnätverket", country="SE")
        kommun = Organiser(network=network, code="0180", name="Stockholms kommun", kind="municipality")
        db.session.add_all([network, kommun])
        db.session.flush()
        add_user("admin@example.org", TEST_PASSWORD, "network_admin", network)
        add_user("kommun@example.org", TEST_PASSWORD, "organiser_staff", network, organiser=kommun)
        db.session.commit()
    with serving(app, drop) as base:
        yield SimpleNamespace(base=base)


def test_an_admin_builds_the_directory_and_an_organiser_reads_its_page(browser, live, tmp_path):
    checked = Checked(browser, live.base)
    page = checked.page
    try:
        checked.log_in("admin@example.org")
        page.goto("/admin/organisers/new")
        checked.check("new organiser")
        page.get_by_label("Code").fill("FRIAB")
        page.get_by_label("Name").fill("Friskolan AB")
        page.get_by_label("Kind").select_option("independent")
        page.get_by_role("button", name="Save organiser").click()
        expect(page.get_by_role("link", name="FRIAB", exact=True)).to_be_visible()
        checked.check("organisers")

        page.goto("/admin/schools/new")
        page.get_by_label("Code", exact=True).fill("SOD")
        page.get_by_label("Name").fill("Södra gymnasiet")
        page.get_by_label("School type").select_option("gymnasieskola")
        page.get_by_label("Region").fill("Stockholm")
        page.get_by_label("Organiser").select_option(label="0180 – Stockholms kommun")
        page.get_by_role("button", name="Save school").click()
        expect(page.get_by_role("heading", name="School SOD")).to_be_visible()
        checked.check("school page")
        page.get_by_role("link", name="Add a program").click()
        page.get_by_label("Code").fill("NA")
        page.get_by_label("Name").fill("Naturvetenskapsprogrammet")
        page.get_by_role("button", name="Save program").click()
        expect(page.get_by_role("link", name="NA", exact=True)).to_be_visible()

        bad = tmp_path / "skolor.csv"
        bad.write_text("code,name,type,region,programs\nNOR,Norra,gymnasium,Stockholm,\n", encoding="utf-8")
        page.goto("/admin/import/schools")
        page.get_by_label("CSV file").set_input_files(str(bad))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_role("alert")).to_contain_text("skolor.csv:2: type 'gymnasium'")
        checked.check("import problems")
        page.goto("/admin/school-types")
        checked.check("school types")
        page.goto("/admin/schools")
        expect(page.get_by_role("cell", name="Stockholms kommun")).to_be_visible()
        checked.check("schools")
        page.get_by_role("button", name="Log out").click()

        checked.log_in("kommun@example.org")
        expect(page.get_by_role("heading", name="Results · Stockholms kommun")).to_be_visible()
        checked.check("organiser home")
    finally:
        checked.close()
