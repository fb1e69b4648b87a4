"""The outcome pages in Debian's chromium against a live server, holding data: the admin's list and an upload
refused with its problems, the staff page with values, the median and a round's indices. axe-core (WCAG 2.1
A/AA) and the Nu Html Checker on each."""
from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.outcomes.conftest import outcome_csv, row
from tests.respond.conftest import create_round, publish_questionnaire, serving

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
CLOSED = date.today() - timedelta(days=20)


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network, Program, School
    from survey.outcomes.importer import import_outcomes, parse_outcome_csv
    from survey.responses.models import Response
    from survey.results.operations import freeze_round_results

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        network = Network(name="Nøgletalsnetværket")
        schools = [School(network=network, code=code, name=f"Skolen {code}", type="EUD", region="Midtjylland",
                          programs=[Program(code="EL", name="Elektriker")]) for code in ("AAA", "BBB", "CCC", "DDD")]
        db.session.add_all([network, *schools])
        db.session.flush()
        version = publish_questionnaire(network, "student")
        survey_round = create_round(network, version, schools, opens_on=CLOSED - timedelta(days=30), closes_on=CLOSED,
                                    name="Elevtrivsel")
        rng = random.Random(3)
        for school in schools:
            for _ in range(7):
                db.session.add(Response(round_id=survey_round.id, school_id=school.id, program_id=school.programs[0].id,
                                        version_id=version.id, language="da", submitted_on=survey_round.opens_on,
                                        answers=bytes(rng.randint(1, version.scale_points) for _ in version.items),
                                        background=bytes(len(version.background_questions))))
        db.session.flush()
        freeze_round_results(survey_round, today=date.today())
        year = str(CLOSED.year)
        rows = [row(school=code, year=year, value=str(60 + 5 * i)) for i, code in enumerate(("AAA", "BBB", "CCC", "DDD"))]
        rows += [row(school="AAA", program="EL", year=year, value="66.5"), row(school="AAA", year="2019", value="58")]
        import_outcomes(network, parse_outcome_csv(outcome_csv(*rows), network))
        for email, role, school in (("admin@example.org", "network_admin", None),
                                    ("staff@example.org", "school_staff", schools[0])):
            add_user(email, TEST_PASSWORD, role, network, school).locale = "da"
        db.session.commit()
    with serving(app, drop) as base:
        yield SimpleNamespace(base=base, year=year)


def log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


def checked(page, vnu, name: str, found: dict) -> None:
    result = Axe().run(page, options=WCAG_21_AA)
    assert result.response["passes"], f"axe checked nothing on {name}"
    problems = [result.generate_report()] if result.violations_count else []
    problems += vnu(page.content())
    if problems:
        found[name] = problems


def test_the_outcome_pages_pass_axe_and_the_html_checker(live, browser, vnu, tmp_path):
    found: dict[str, list] = {}
    context = browser.new_context(base_url=live.base)
    page = context.new_page()
    log_in(page, "admin@example.org")
    page.goto("/admin/outcomes")
    expect(page.get_by_role("rowheader", name="completion")).to_be_visible()
    checked(page, vnu, "admin list", found)
    bad = tmp_path / "bad.csv"
    bad.write_text(outcome_csv(row(school="NOPE"), row(school="AAA", year="år")), encoding="utf-8")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Importér nøgletal").click()
    expect(page.get_by_role("alert")).to_contain_text("Række 2: ukendt skolekode 'NOPE'")
    expect(page.get_by_role("alert")).to_contain_text("Række 3: year 'år' er ikke et årstal")
    checked(page, vnu, "admin upload refused", found)
    context.close()

    context = browser.new_context(base_url=live.base)
    page = context.new_page()
    log_in(page, "staff@example.org")
    page.goto("/school/reports")
    page.get_by_role("link", name="Jeres nøgletal ved siden af jeres indeks").click()
    expect(page.get_by_role("heading", name=live.year)).to_be_visible()
    expect(page.get_by_text("Jeres indeks i Elevtrivsel")).to_be_visible()
    expect(page.get_by_role("cell", name="67,5")).to_be_visible()  # the median of 60, 65, 70, 75
    checked(page, vnu, "staff outcomes", found)
    context.close()
    assert found == {}, "\n".join(f"{name}:\n" + "\n".join(map(str, problems)) for name, problems in found.items())
