"""Tenancy: every object belongs to one network, and the users of another network never reach it.

Two networks, each with an admin, a school with staff, questionnaire versions (the same student file in both,
and one version only it has), an open and a closed round and a respondent link. Every URL of the app that takes
an object is requested with the OTHER network's objects, as the other network's admin and staff, GET and
POST (with a valid CSRF token, so that a refusal is the object check's, not the form's); pages without an
object must not show the other network's. Nothing in the database may change.
"""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from survey.accounts.models import User
from survey.accounts.operations import add_user
from survey.api.tokens import create_token
from survey.catalog.models import QuestionnaireVersion
from survey.catalog.operations import publish_definition, validate_source
from survey.config import PROJECT_ROOT
from survey.extensions import db
from survey.network.models import Network, Program, School
from survey.rounds.models import SurveyLink, SurveyRound

from .conftest import TEST_PASSWORD, csrf_token_from

TODAY = date.today()
QUESTIONNAIRES = PROJECT_ROOT / "questionnaires"
# Endpoints that hold no network's object: the respondent's form (reached by an unguessable link token, not a
# login), logging in and out, and static files.
NOT_NETWORK_SCOPED = ("respond.", "auth.", "static")
# Rows that record the requester's own use, not anyone's data: an API token's "last used" day.
OWN_USE_TABLES = {"api_token"}


@dataclass
class Tenant:
    network: Network
    school: School
    admin: User
    staff: User
    shared_version: QuestionnaireVersion  # the same file, published in both networks
    own_version: QuestionnaireVersion  # a family only this network publishes (unused: it could be withdrawn)
    open_round: SurveyRound
    closed_round: SurveyRound
    link: SurveyLink

    def markers(self) -> list[str]:
        """Text that only a page or answer about this network's objects contains."""
        return [
            self.network.name, self.school.name, self.open_round.name, self.closed_round.name, self.link.token,
            f'/admin/questionnaires/{self.own_version.id}"', f'/admin/questionnaires/{self.shared_version.id}"',
            self.own_version.checksum, self.own_version.label,
        ]


def publish(network: Network, family: str) -> QuestionnaireVersion:
    path = QUESTIONNAIRES / family / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    return publish_definition(network, validate_source(text, str(path), network=network), text, "test").version


def make_tenant(session, name: str, code: str, own_family: str, add_responses) -> Tenant:
    network = Network(name=name)
    school = School(network=network, code=code, name=f"Skolen {code} i {name}", type="EUD", region="Midtjylland",
                    programs=[Program(code="EL", name="Elektriker")])
    session.add_all([network, school])
    session.flush()
    admin = add_user(f"admin@{code.lower()}.example.org", TEST_PASSWORD, "network_admin", network)
    staff = add_user(f"staff@{code.lower()}.example.org", TEST_PASSWORD, "school_staff", network, school)
    shared, own = publish(network, "student"), publish(network, own_family)
    rounds = []
    for label, opens, closes in (("åben", -3, 20), ("lukket", -60, -30)):
        survey_round = SurveyRound(network=network, version=shared, name=f"{name} {label} runde",
                                   opens_on=TODAY + timedelta(days=opens), closes_on=TODAY + timedelta(days=closes))
        survey_round.schools = [school]
        session.add(survey_round)
        rounds.append(survey_round)
    session.flush()
    add_responses(rounds[1], school, count=8)
    link = SurveyLink(round=rounds[0], school=school, token=secrets.token_urlsafe(24))
    session.add(link)
    session.flush()
    return Tenant(network, school, admin, staff, shared, own, rounds[0], rounds[1], link)


@pytest.fixture
def tenants(db_session, add_responses) -> tuple[Tenant, Tenant]:
    alpha = make_tenant(db_session, "Alfanetværket", "ALF", "staff", add_responses)
    beta = make_tenant(db_session, "Betanetværket", "BET", "company", add_responses)
    db_session.commit()
    return alpha, beta


def values_for(rule, owner: Tenant) -> list[dict]:
    """Every way to fill the rule's parameters with the owner's objects."""
    choices = {
        "round_id": [owner.open_round.id, owner.closed_round.id],
        "version_id": [owner.shared_version.id, owner.own_version.id],
        "link_id": [owner.link.id],
        "code": [owner.school.code],
        "key": [owner.school.code, "network"],
        "fmt": ["csv"],
    }
    names = sorted(rule.arguments)
    unknown = [name for name in names if name not in choices]
    assert not unknown, f"{rule.rule}: no {unknown} to fill in; teach this test the new parameter"
    return [dict(zip(names, combination)) for combination in itertools.product(*(choices[n] for n in names))]


def database_rows(session) -> dict[str, list]:
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name not in OWN_USE_TABLES:
            rows[table.name] = sorted(map(repr, session.execute(sa.select(table)).all()))
    return rows


def logged_in(app, user: User, form_page: str):
    """A browser logged in as `user`, and a CSRF token of its session taken from `form_page`."""
    browser = app.test_client()
    page = browser.get("/auth/login")
    response = browser.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                                 "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text
    page = browser.get(form_page)
    assert page.status_code == 200, form_page
    return browser, csrf_token_from(page.text)


@pytest.mark.parametrize("direction", ["beta reaches for alpha", "alpha reaches for beta"])
def test_no_url_reaches_another_networks_objects(app, db_session, tenants, direction):
    owner, visitor = tenants if direction == "beta reaches for alpha" else tenants[::-1]
    before = database_rows(db_session)
    visitors = {
        "admin": logged_in(app, visitor.admin, "/admin/settings"),
        "staff": logged_in(app, visitor.staff, f"/school/rounds/{visitor.open_round.id}"),
    }
    tokens = {role: create_token(getattr(visitor, role), "tenancy test") for role in visitors}
    db_session.commit()
    before |= {"api_token": None}
    leaks, checked = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(NOT_NETWORK_SCOPED):
            continue
        for values, role, method in itertools.product(values_for(rule, owner), visitors, ("GET", "POST")):
            url = url_for(rule.endpoint, **values)
            browser, csrf = visitors[role]
            if rule.endpoint.startswith("api."):
                response = app.test_client().open(url, method=method,
                                                  headers={"Authorization": f"Bearer {tokens[role]}"})
            else:
                response = browser.open(url, method=method, data={"csrf_token": csrf} if method == "POST" else None)
            checked += 1
            status = response.status_code
            if method not in rule.methods:
                refused = status == 405
            elif rule.arguments:
                refused = status in (403, 404)
            elif method == "GET":  # a list or form of the visitor's own network: none of the owner's objects
                refused = status in (200, 403) and not [m for m in owner.markers() if m in response.text]
            else:  # a form of the visitor's own network, posted empty: refused as incomplete
                refused = status in (400, 403, 422)
            response.close()
            if not refused:
                leaks.append(f"{role} {method} {url} -> {status}")
    after = database_rows(db_session)
    after |= {"api_token": None}
    assert leaks == [], f"{len(leaks)} of {checked} requests reached {owner.network.name}:\n" + "\n".join(leaks)
    assert checked > 250
    assert after == before
