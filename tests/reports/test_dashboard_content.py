"""What a school leader reads on the dashboard: the breakdown filter (published groups only), the school's
comments (own school, at least k_min respondents; admins only where the network allows), numbers in the
reader's locale (charts' hover labels too, with full names), a table for every chart, and a page that does
not load the PDF renderer. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from datetime import date

import numpy as np
import pytest

from survey.reporting.format import format_index, format_interval, format_number
from survey.results.operations import freeze_due_rounds
from survey.results.service import round_results
from tests.results.conftest import ITEM_KEYS

@pytest.fixture
def make_user(make_user):
    """Users who chose no portal language: the dashboard follows the browser's (these tests read Danish,
    Swedish and English pages by Accept-Language)."""
    def make(*args, **kwargs):
        kwargs.setdefault("locale", None)
        return make_user(*args, **kwargs)
    return make


COMMENT = "<b>Mere</b> værksted & færre tavletimer"


@pytest.fixture
def leader(make_user, make_school):
    """A school leader at PROG, a school of three programs."""
    return make_user("leder@prog.example.org", school=make_school("PROG", name="Produktionsskolen",
                                                                  programs=("A", "B", "C")))


@pytest.fixture
def closed_round(leader, make_school, make_version, make_round, add_response, db_session):
    """PROG: program A 12 respondents, B 7, C 2 (C below k_min; B the smallest group left, hidden with it so C
    cannot be derived); three other schools; PROG's respondents and SMALL's wrote comments; SMALL has 3
    respondents (below k_min)."""
    rng = np.random.default_rng(7)
    others = [make_school(code, programs=("A",)) for code in ("OTHER1", "OTHER2", "OTHER3")]
    small = make_school("SMALL", programs=("A",))
    survey_round = make_round(make_version(), [leader.school, *others, small], name="Runde 2026")

    def answers():
        return {item: int(rng.integers(1, 6)) for item in ITEM_KEYS}

    for program, count in (("A", 12), ("B", 7), ("C", 2)):
        for i in range(count):
            add_response(survey_round, leader.school, answers(), program=program,
                         gender="female" if i % 2 else None, text=COMMENT if i == 0 and program == "A" else None)
    for school in others:
        for _ in range(9):
            add_response(survey_round, school, answers(), program="A")
    for _ in range(3):
        add_response(survey_round, small, answers(), program="A", text="Fra den lille skole")
    freeze_due_rounds(today=date.today())
    db_session.commit()
    return survey_round


def dashboard(client, survey_round, code="PROG", language="en", admin=False, **query):
    prefix = "/admin/results" if admin else "/school/reports"
    page = client.get(f"{prefix}/{survey_round.id}/{code}/", query_string=query, headers={"Accept-Language": language})
    assert page.status_code == 200
    return page.text


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def test_the_breakdown_filter_shows_published_groups_and_hides_suppressed_ones(client, login, leader, closed_round):
    login(leader)
    page = dashboard(client, closed_round)
    assert '<option value="program">Program</option>' in page and '<option value="gender">Køn</option>' in page
    assert 'id="breakdown-heading"' not in page  # all respondents until a breakdown is picked

    by_program = dashboard(client, closed_round, breakdown="program")
    table = section(by_program, "breakdown-heading")
    assert "Results by Program" in table and "Program A" in table
    assert "Program B" not in table and "Program C" not in table  # C below k_min, B protecting it
    assert "2 groups are not shown" in table
    aggregates = round_results(closed_round).aggregates
    group_a = aggregates[(aggregates["school"] == "PROG") & (aggregates["breakdown"] == "program")
                         & (aggregates["group"] == "A")]
    assert not group_a["suppressed"].any()
    for value in group_a["index"]:
        assert f"<td>{format_index(value, 'en')}</td>" in table
    assert '<option value="program" selected>' in by_program

    unknown = dashboard(client, closed_round, breakdown="nothing-like-this")
    assert 'id="breakdown-heading"' not in unknown  # an unknown breakdown: all respondents, no error


def test_staff_read_their_own_schools_comments_escaped(client, login, leader, closed_round):
    login(leader)
    page = dashboard(client, closed_round)
    comments = page[page.index('id="comments"'):]
    assert html.escape(COMMENT, quote=False) in comments and COMMENT not in page  # escaped, never markup
    assert "Kommentarer" in comments  # grouped under the question's text
    assert "Fra den lille skole" not in page  # another school's comments never


def test_no_comments_below_k_min(client, login, make_user, closed_round):
    small = next(school for school in closed_round.schools if school.code == "SMALL")
    login(make_user("leder@small.example.org", school=small))
    page = dashboard(client, closed_round, code="SMALL")
    assert "Fra den lille skole" not in page and "No comments to show" in page


def test_admins_read_comments_only_where_the_network_allows(client, login, admin, closed_round, network, db_session):
    login(admin)
    assert COMMENT not in dashboard(client, closed_round, admin=True)
    assert html.escape(COMMENT, quote=False) not in dashboard(client, closed_round, admin=True)
    network.admins_read_comments = True
    db_session.commit()
    assert html.escape(COMMENT, quote=False) in dashboard(client, closed_round, admin=True)
    assert "Fra den lille skole" not in dashboard(client, closed_round, code="SMALL", admin=True)


def hover_texts(page: str) -> list[str]:
    texts = []
    for raw in re.findall(r'data-figure="([^"]*)"', page):
        for trace in json.loads(html.unescape(raw))["data"]:
            texts += [text for text in trace.get("hovertext") or [] if text]
    return texts


@pytest.mark.parametrize("language, separator", [("da", ","), ("sv", ","), ("en", ".")])
def test_numbers_are_written_in_the_readers_locale(client, login, leader, closed_round, language, separator):
    login(leader)
    page = dashboard(client, closed_round, language=language)
    assert f'<html lang="{language}">' in page
    aggregates = round_results(closed_round).aggregates
    own = aggregates[(aggregates["school"] == "PROG") & (aggregates["breakdown"] == "all")]
    for value in own["index"]:
        text = format_index(value, language)
        assert separator in text and f"<td>{text}</td>" in page
    hovers = hover_texts(page)
    assert hovers
    for value in own["index"]:
        assert any(format_index(value, language) in text for text in hovers)
    numbers = [number for text in hovers for number in re.findall(r"\d+[.,]\d+", text)]
    assert numbers and all(separator in number for number in numbers)
    assert not any(re.search(r"\d[.,]\d{3,}", text) for text in hovers)  # no raw float like 82.96571
    assert any(text.startswith("teach<br>") for text in hovers)  # the dimension's full name


def test_every_chart_has_a_table_of_its_numbers(client, login, leader, closed_round):
    login(leader)
    page = dashboard(client, closed_round)
    figures = re.findall(r"<figure.*?</figure>", page, re.S)
    charts = page.count('class="chart"')
    assert charts >= 3 and len(figures) == charts
    for figure in figures:
        assert figure.count('class="chart"') == 1
        assert re.search(r"<details[^>]*><summary>.*?</summary>.*?<table>.*?<td>", figure, re.S)


def test_wide_tables_scroll_inside_a_labelled_focusable_region(client, login, leader, closed_round):
    login(leader)
    page = dashboard(client, closed_round, breakdown="program")
    tables = re.findall(r"(.{0,120})<table>", page)
    assert tables and all('class="table-scroll" role="region" tabindex="0" aria-labelledby="' in before
                          for before in tables)
    for labelled_by in re.findall(r'aria-labelledby="([^"]+)"', page):
        assert f'id="{labelled_by}"' in page


def test_the_dashboard_does_not_import_the_pdf_renderer():
    """A page must not pay for WeasyPrint: the dashboard's modules load without it or the PDF builder."""
    code = ("import sys, survey.results.dashboard.views_staff, survey.results.dashboard.views_admin; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint' or m == 'survey.reporting.pdf'))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_ranks_gaps_and_importances_carry_their_intervals(client, login, leader, closed_round):
    """METHOD.md v2 on screen: "3 (2–6) of 5", the gap to the network and the importance each with its 95%
    interval, as the frozen results hold them."""
    login(leader)
    page = dashboard(client, closed_round)
    aggregates = round_results(closed_round).aggregates
    own = aggregates[(aggregates["school"] == "PROG") & (aggregates["breakdown"] == "all")
                     & ~aggregates["suppressed"].astype(bool)]
    ranked = own.dropna(subset=["rank", "rank_low", "rank_high"])
    assert len(ranked)
    for _, row in ranked.iterrows():
        assert f"{int(row['rank'])} ({int(row['rank_low'])}–{int(row['rank_high'])}) of {int(row['of'])}" in page
    mapped = own.dropna(subset=["importance", "gap"])
    assert len(mapped)
    priority = page[page.index('id="priority-heading"'):page.index('id="dimension-1"')]
    for _, row in mapped.iterrows():
        assert f"<td>{format_number(row['importance'], 'en')}</td>" in priority
        interval = format_interval(row["importance_low"], row["importance_high"], "en")  # "–" until computed
        assert f"<td>{format_number(row['importance'], 'en')}</td><td>{interval}</td>" in priority
        gap = format_number(row["gap"], "en")
        assert f"<td>{gap if gap.startswith('-') else '+' + gap}</td>" in priority
