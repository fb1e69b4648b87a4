"""Every page of the portal (a network admin's, a school's staff's, the login page), crawled by following
its links on the demo network: valid HTML (the Nu Html Checker finds no error), no WCAG 2.1 A/AA violation
(axe-core in Chromium), and no sideways scrolling on a 360 px wide phone. Each test names every page that
fails and why, not only the first."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ROLES = ("admin", "staff", "visitor")
WIDEST = """[...document.querySelectorAll("main *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth && ![...e.children].some(
      c => c.getBoundingClientRect().right > window.innerWidth))
  .slice(0, 3).map(e => e.tagName + "." + e.className + ": " + (e.textContent || "").trim().slice(0, 60))"""


def test_the_crawl_reaches_the_pages_of_every_role(portal_pages):
    paths = {role: [page.url.split("/", 3)[3] for page in pages] for role, (_c, pages) in portal_pages.items()}
    admin, staff = " ".join(paths["admin"]), " ".join(paths["staff"])
    for expected in ("admin/", "admin/rounds", "admin/schools", "admin/results", "admin/questionnaires",
                     "admin/reports", "admin/learning/"):
        assert expected in admin, expected
    assert "admin/results/" in admin and "breakdown=program" in admin  # a dashboard and its filter
    assert "admin/practices" in admin and "school/practices" in staff  # the practice library
    for expected in ("school/", "school/rounds", "school/reports", "breakdown=program", "school/partners",
                     "school/requests", "school/notifications",
                     "school/plans", "school/plans/new/"):
        assert expected in staff, expected
    assert "auth/login" in paths["visitor"] and all(path.startswith("auth/") for path in paths["visitor"])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_valid_html(portal_pages, vnu, role):
    _context, pages = portal_pages[role]
    found = {page.url: errors for page in pages if (errors := vnu(page.html))}
    assert not found, "\n".join(f"{url}:\n  " + "\n  ".join(errors) for url, errors in found.items())


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_fits_a_phone(portal_pages, role):
    from axe_playwright_python.sync_playwright import Axe

    context, pages = portal_pages[role]
    axe = Axe()
    tab = context.new_page()
    violations, too_wide = {}, {}
    for page in pages:
        tab.goto(page.url)
        tab.wait_for_load_state("networkidle")
        width = tab.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            too_wide[page.url] = (width, tab.evaluate(WIDEST))
        result = axe.run(tab, options=WCAG_21_AA)
        assert result.response["passes"], f"axe checked nothing on {page.url}"
        if result.violations_count:
            violations[page.url] = result.generate_report()
    tab.close()
    problems = [f"{url} is wider than the phone (scrollWidth, innerWidth {width}), because of {widest}"
                for url, (width, widest) in too_wide.items()]
    problems += [f"{url}:\n{report}" for url, report in violations.items()]
    assert not problems, "\n".join(problems)
