"""The codebook's HTML in Chromium: axe-core finds no WCAG 2.1 A/AA violation, and the table is a table to
assistive technology (caption, column headers, a row header per variable)."""
from __future__ import annotations

from survey.catalog.definition import parse_definition
from survey.microdata.codebook import codebook_html
from survey.microdata.responses import codebook
from tests.microdata.conftest import DEFINITION

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def test_the_codebook_page_is_an_accessible_table(browser, tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    definition = parse_definition(DEFINITION, "wellbeing.yaml")
    path = tmp_path / "codebook.html"
    path.write_bytes(codebook_html(codebook(definition), title="student 2027", language="da"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(path.as_uri())
    table = page.get_by_role("table", name="Variables of the response export")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader")).to_have_count(10)
    expect(table.get_by_role("rowheader", name="teaching_explains")).to_be_visible()
    result = Axe().run(page, options=WCAG_21_AA)
    assert result.response["passes"] and not result.violations_count, result.generate_report()
    context.close()
