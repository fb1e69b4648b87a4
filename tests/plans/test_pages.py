"""A school's staff work on their action plans through the portal; nobody else reaches them (404), admins read
them only where the network's settings say so, and every change is a POST with its CSRF token."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.analysis import IMPROVE_FIRST
from survey.audit.models import AuditEntry
from survey.extensions import db
from survey.network.models import Network, School
from survey.plans.models import ActionPlan, PlanAction
from survey.practices.models import PracticeCard, PracticeTag
from survey.results.service import round_results
from tests.conftest import TEST_PASSWORD, csrf_token_from

EN = {"Accept-Language": "en"}


def log_in(app, user):
    browser = app.test_client()
    page = browser.get("/auth/login")
    response = browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                                 "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text
    return browser


def post(browser, url: str, form_page: str, data: dict):
    token = csrf_token_from(browser.get(form_page).text)
    return browser.post(url, data={"csrf_token": token, **data}, headers=EN)


def card(network, school, title: str, *, dimension: str | None = None, published: bool = True) -> PracticeCard:
    found = PracticeCard(network=network, school=school, title=title, status="published" if published else "draft")
    if dimension:
        found.tags.append(PracticeTag(kind="dimension", value=dimension))
    db.session.add(found)
    db.session.flush()
    return found


@pytest.fixture
def people(db_session, lineage, make_user):
    schools = lineage["schools"]
    return {"low1": make_user("low1@example.org", school=schools["LOW1"]),
            "low2": make_user("low2@example.org", school=schools["LOW2"]),
            "admin": make_user("admin@example.org", role="network_admin")}


def improve_first(survey_round, code: str) -> set[str]:
    own = round_results(survey_round).for_school(code).aggregates
    rows = own[(own["school"] == code) & (own["breakdown"] == "all")]
    return set(rows.loc[rows["quadrant"] == IMPROVE_FIRST, "dimension"])


def test_a_plan_from_a_round_with_suggested_focus_goals_actions_cards_and_a_partner(app, db_session, lineage, people):
    first = lineage["rounds"][0]
    network = people["low1"].network
    own_card = card(network, lineage["schools"]["TOP2"], "Feedback every week", dimension="student/teach")
    other = card(network, lineage["schools"]["MID1"], "Friday breakfast", dimension="student/wellbeing")
    card(network, lineage["schools"]["MID2"], "A draft nobody else sees", published=False)
    db_session.commit()
    browser = log_in(app, people["low1"])

    listing = browser.get("/school/plans", headers=EN)
    assert listing.status_code == 200 and f"/school/plans/new/{first.id}" in listing.text
    new = browser.get(f"/school/plans/new/{first.id}", headers=EN)
    assert new.status_code == 200
    checked = set(re.findall(r'name="plan-dimensions" value="([^"]+)" checked', new.text))
    assert checked == improve_first(first, "LOW1") == {"teach"}
    assert new.text.count("Improve first") >= 1

    created = post(browser, f"/school/plans/new/{first.id}", f"/school/plans/new/{first.id}",
                   {"plan-title": "Better teaching", "plan-dimensions": ["teach", "wellbeing"]})
    assert created.status_code == 302
    plan = db_session.scalar(select(ActionPlan).where(ActionPlan.school_id == lineage["schools"]["LOW1"].id))
    assert plan.title == "Better teaching" and plan.status == "draft"
    assert [(f.dimension, f.suggested) for f in plan.focuses] == [("teach", True), ("wellbeing", False)]
    teach = plan.focuses[0]
    assert teach.baseline == pytest.approx(lineage["scores"][(0, "LOW1")]["teach"].mean())
    assert teach.detectable_change > 0
    page_url = f"/school/plans/{plan.id}"
    page = browser.get(page_url, headers=EN)
    assert page.status_code == 200
    assert "the smallest change your n can detect" in page.text.lower()

    assert post(browser, f"{page_url}/focus", page_url,
                {"focus-dimensions": ["teach"], "focus-goal_0": "35.5"}).status_code == 302
    db_session.expire_all()
    assert [(f.dimension, f.goal) for f in plan.focuses] == [("teach", 35.5)]
    refused = post(browser, f"{page_url}/focus", page_url, {"focus-dimensions": ["teach"], "focus-goal_0": "140"})
    assert refused.status_code == 302 and "A goal is an index from 0 to 100." in browser.get(page_url, headers=EN).text

    assert post(browser, f"{page_url}/actions", page_url,
                {"action-description": "Weekly feedback talks", "action-owner": "Team EL",
                 "action-deadline": "2026-05-01", "action-dimension": "teach", "action-status": "planned"}).status_code == 302
    action = db_session.scalar(select(PlanAction).where(PlanAction.plan_id == plan.id))
    assert (action.owner, action.dimension, str(action.deadline)) == ("Team EL", "teach", "2026-05-01")
    assert post(browser, f"{page_url}/actions/{action.id}/status", page_url,
                {f"action{action.id}-status": "in_progress"}).status_code == 302
    edit_url = f"{page_url}/actions/{action.id}"
    assert browser.get(edit_url, headers=EN).status_code == 200
    assert post(browser, edit_url, edit_url, {"action-description": "Feedback talks, fortnightly", "action-owner": "",
                                              "action-deadline": "", "action-dimension": "",
                                              "action-status": "done"}).status_code == 302
    db_session.expire_all()
    assert (action.description, action.dimension, action.status, action.deadline) == \
        ("Feedback talks, fortnightly", None, "done", None)

    page = browser.get(page_url, headers=EN).text
    addressing = page.index("Addressing your focus dimensions")
    assert addressing < page.index("Feedback every week") < page.index("Other practice cards") < page.index("Friday breakfast")
    assert "A draft nobody else sees" not in page
    assert post(browser, f"{page_url}/cards", page_url, {"adopt-card": str(own_card.id)}).status_code == 302
    db_session.expire_all()
    assert plan.adopted_cards == [own_card]
    assert post(browser, f"{page_url}/cards/drop", page_url,
                {f"drop{own_card.id}-card": str(own_card.id)}).status_code == 302
    db_session.expire_all()
    assert plan.adopted_cards == []
    assert other.id  # published, but not adopted

    partners = round_results(first).partners
    rows = partners[partners["school"] == "LOW1"].sort_values("order")
    choice = f"{rows['dimension'].iloc[0]}:{int(rows['order'].iloc[0])}"
    assert post(browser, f"{page_url}/partner", page_url, {"partner-partner": choice,
                                                           "partner-note": "Their feedback routine"}).status_code == 302
    db_session.expire_all()
    assert plan.partner_school.code == rows["partner_school"].iloc[0] and plan.partner_note == "Their feedback routine"
    # names are not shared in this network: the page shows the anonymous label, never the partner's name
    page = browser.get(page_url, headers=EN).text
    assert rows["partner_label"].iloc[0] in page and plan.partner_school.name not in page
    assert f'value="{plan.partner_school.id}"' not in page and plan.partner_school.code not in page

    assert post(browser, page_url, page_url, {"plan-title": "Better teaching", "plan-status": "active"}).status_code == 302
    db_session.expire_all()
    assert plan.status == "active"
    jump = post(browser, page_url, page_url, {"plan-title": "x", "plan-status": "draft"})
    assert jump.status_code == 302
    db_session.expire_all()
    assert plan.status == "draft"  # active -> draft is allowed
    refused = post(browser, page_url, page_url, {"plan-title": "x", "plan-status": "completed"})
    db_session.expire_all()
    assert plan.status == "draft"  # draft -> completed is refused
    assert "cannot go from draft to completed" in browser.get(page_url, headers=EN).text
    assert refused.status_code == 302

    assert post(browser, f"{page_url}/actions/{action.id}/delete", page_url, {}).status_code == 302
    db_session.expire_all()
    assert plan.actions == []
    # one plan per school and round: the round is offered no more
    assert f"/school/plans/new/{first.id}" not in browser.get("/school/plans", headers=EN).text
    assert browser.get(f"/school/plans/new/{first.id}").headers["Location"].endswith(page_url)


def test_a_partner_not_in_the_schools_list_or_a_card_it_may_not_read_is_refused(app, db_session, lineage, people):
    first = lineage["rounds"][0]
    school = lineage["schools"]["LOW1"]
    plan = ActionPlan(school=school, base_round=first, title="P")
    db_session.add(plan)
    other_network = Network(name="Andet netværk")
    stranger = School(network=other_network, code="X1", name="Fremmed skole", type="EUD", region="Midtjylland")
    db_session.add_all([other_network, stranger])
    db_session.flush()
    foreign = card(other_network, stranger, "Another network's card")
    draft = card(school.network, lineage["schools"]["TOP1"], "A draft", published=False)
    db_session.commit()
    browser = log_in(app, people["low1"])
    page_url = f"/school/plans/{plan.id}"
    for value in ("teach:99", "wellbeing:1", str(lineage["schools"]["TOP1"].id), "TOP1"):
        post(browser, f"{page_url}/partner", page_url, {"partner-partner": value, "partner-note": ""})
        db_session.expire_all()
        assert plan.partner_school_id is None, value
    for card_id in (foreign.id, draft.id, 10**6):
        post(browser, f"{page_url}/cards", page_url, {"adopt-card": str(card_id)})
        db_session.expire_all()
        assert plan.adopted_cards == [], card_id


def test_another_schools_plan_and_its_actions_answer_404(app, db_session, lineage, people):
    first = lineage["rounds"][0]
    plan = ActionPlan(school=lineage["schools"]["LOW1"], base_round=first, title="Hemmelig plan")
    plan.actions.append(PlanAction(description="Hemmelig handling"))
    db_session.add(plan)
    db_session.commit()
    action = plan.actions[0]
    browser = log_in(app, people["low2"])
    base = f"/school/plans/{plan.id}"
    for url in (base, f"{base}/actions/{action.id}"):
        assert browser.get(url).status_code == 404
    token = csrf_token_from(browser.get("/school/plans").text)
    for url in (base, f"{base}/focus", f"{base}/partner", f"{base}/actions", f"{base}/actions/{action.id}",
                f"{base}/actions/{action.id}/status", f"{base}/actions/{action.id}/delete", f"{base}/cards",
                f"{base}/cards/drop"):
        assert browser.post(url, data={"csrf_token": token}).status_code == 404, url
    assert "Hemmelig plan" not in browser.get("/school/plans").text
    # an action of another plan, under the school's own plan, is not found either
    own = ActionPlan(school=lineage["schools"]["LOW2"], base_round=first, title="Egen")
    db_session.add(own)
    db_session.commit()
    assert browser.get(f"/school/plans/{own.id}/actions/{action.id}").status_code == 404


def test_admins_read_plans_only_where_the_network_lets_them(app, db_session, lineage, people, make_user):
    first = lineage["rounds"][0]
    plan = ActionPlan(school=lineage["schools"]["LOW1"], base_round=first, title="Skolens plan")
    db_session.add(plan)
    db_session.commit()
    admin = log_in(app, people["admin"])
    assert admin.get("/admin/plans").status_code == 404
    assert admin.get(f"/admin/plans/{plan.id}").status_code == 404
    assert "/admin/plans" not in admin.get("/admin/", headers=EN).text

    settings = admin.get("/admin/settings", headers=EN)
    assert "Network admins read the schools' action plans" in settings.text
    network = people["admin"].network
    saved = admin.post("/admin/settings", data={
        "csrf_token": csrf_token_from(settings.text), "k_min": network.k_min, "driver_min_cases": network.driver_min_cases,
        "minimal_difference": network.minimal_difference, "admins_read_plans": "y"})
    assert saved.status_code == 302
    db_session.expire_all()
    assert network.admins_read_plans
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "settings.change")).all()[-1]
    assert entry.details["admins_read_plans"] is True

    listing = admin.get("/admin/plans", headers=EN)
    assert listing.status_code == 200 and "Skolens plan" in listing.text and "/admin/plans" in admin.get("/admin/", headers=EN).text
    page = admin.get(f"/admin/plans/{plan.id}", headers=EN)
    assert page.status_code == 200 and "Skolens plan" in page.text and "<form method=\"post\"" not in page.text
    token = csrf_token_from(listing.text)
    assert admin.post(f"/admin/plans/{plan.id}", data={"csrf_token": token}).status_code == 405
    assert admin.post(f"/school/plans/{plan.id}", data={"csrf_token": token}).status_code in (403, 404)

    # another network's admin, whose network lets its admins read plans, still does not find this one
    other = Network(name="Andet netværk", admins_read_plans=True)
    db_session.add(other)
    db_session.flush()
    from survey.accounts.operations import add_user
    stranger = add_user("fremmed@example.org", TEST_PASSWORD, "network_admin", other)
    stranger.locale = "en"
    db_session.commit()
    browser = log_in(app, stranger)
    assert browser.get(f"/admin/plans/{plan.id}").status_code == 404
    assert "Skolens plan" not in browser.get("/admin/plans").text
