"""The demo seed gives a network worth trying, and can run again without harm."""
import sqlalchemy as sa
from sqlalchemy import select

from survey.accounts.models import User
from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.learning.evidence import evidence_for_cards
from survey.network.models import Network, School
from survey.outcomes.models import OutcomeIndicator, OutcomeValue
from survey.partnering.models import REQUEST_STATUSES, BenchlearningRequest
from survey.plans.models import ActionPlan
from survey.practices.models import PracticeCard
from survey.results.service import round_results
from survey.rounds.models import SurveyRound

from .conftest import csrf_token_from


def counts():
    return tuple(
        db.session.scalar(select(sa.func.count()).select_from(model))
        for model in (Network, School, User, QuestionnaireVersion, PracticeCard, ActionPlan, BenchlearningRequest,
                      OutcomeValue)
    )


def test_demo_seed_builds_the_network_and_is_idempotent(cli):
    first = cli("demo", "seed")
    assert first.exit_code == 0, first.stderr
    assert "admin login:  admin@benchlearn.example / benchlearn-demo" in first.stdout
    networks, schools, users, versions, *learning = counts()
    assert networks == 1 and 18 <= schools <= 25
    assert users == schools + 1
    assert versions == 5
    types = set(db.session.scalars(select(School.type)))
    assert {"EUD", "hhx", "htx", "stx", "hf", "AMU", "VUC"} <= types
    assert all(school.programs for school in db.session.scalars(select(School)))
    assert "benchlearning: 9 practice cards, 4 action plans, 6 benchlearning requests, 2 outcome indicators" in first.stdout
    assert_benchlearning_worth_trying()
    again = cli("demo", "seed")
    assert again.exit_code == 0
    assert counts() == (networks, schools, users, versions, *learning)


def assert_benchlearning_worth_trying():
    """Cards at several schools (a draft, one featured) whose evidence shows a clear rise and no clear change,
    plans whose focus moved and did not, requests in every state, outcomes for two years."""
    cards = db.session.scalars(select(PracticeCard)).all()
    published = [card for card in cards if card.status == "published"]
    assert len({card.school_id for card in published}) >= 5 and len(cards) > len(published)
    assert sum(card.featured for card in cards) == 1
    assert all(card.tag_values("dimension") for card in cards) and any(card.tag_values("item") for card in cards)
    evidence = evidence_for_cards(cards)
    changes = [dimension.change for card in cards for dimension in evidence[card.id].dimensions]
    assert {"up", ""} <= {change.flag for change in changes if change.status == "measured"}
    assert "no_round_before" in {change.status for change in changes}
    assert all(len(dimension.series) == 2 for card in cards for dimension in evidence[card.id].dimensions)

    plans = db.session.scalars(select(ActionPlan)).all()
    assert all(plan.focuses and plan.actions and plan.partner_school for plan in plans)
    assert {plan.base_round.name for plan in plans} == {"Elevtrivsel 2025"}
    later = db.session.scalar(select(SurveyRound).where(SurveyRound.name == "Elevtrivsel 2026"))
    table = round_results(later).aggregates
    flags = table[table["breakdown"] == "all"].set_index(["school", "dimension"])["trend_flag"]
    moved = [flags[(plan.school.code, focus.dimension)] for plan in plans for focus in plan.focuses]
    assert {"up", ""} <= set(moved)  # the next round shows focus dimensions that rose, and some that did not

    requests = db.session.scalars(select(BenchlearningRequest)).all()
    assert {request.status for request in requests} == set(REQUEST_STATUSES)
    assert any(request.notes for request in requests)
    assert any(request.from_reveals and request.to_reveals for request in requests)

    indicators = db.session.scalars(select(OutcomeIndicator)).all()
    assert len(indicators) == 2
    assert all({value.year for value in indicator.values} == {2024, 2025} for indicator in indicators)


def test_demo_admin_can_log_in_and_see_the_catalog(cli, client):
    cli("demo", "seed")
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login",
        data={"email": "admin@benchlearn.example", "password": "benchlearn-demo", "csrf_token": csrf_token_from(page.text)},
    )
    assert response.headers["Location"] == "/admin/"
    catalog = client.get("/admin/questionnaires").text
    for family in ("Student", "Staff", "Company"):
        assert family in catalog
