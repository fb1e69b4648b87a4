"""A GET never writes: every GET route of the portal (/admin, /school) and the API, run for a closed round whose
results are not frozen yet and an open round without a snapshot, leaves the database exactly as it was; the
readers say the results are being prepared instead of computing and storing them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from survey.api.tokens import create_token
from survey.audit.models import AuditEntry
from survey.extensions import db
from survey.results.models import ResultSnapshot, RoundResult
from survey.rounds.models import Population, SurveyLink
from survey.rounds.operations import new_token
from tests.conftest import TEST_PASSWORD, csrf_token_from

TODAY = date.today()
PREFIXES = ("/admin/", "/school/", "/api/", "/organiser/")


def dump() -> dict[str, list]:
    """Every row of every table, in a stable order."""
    return {table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables}


def log_in(client, user) -> None:
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                                "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text


@pytest.fixture
def unsettled(app, db_session, admin, staff, make_school, make_version, make_round, add_responses):
    """A closed round with responses, populations and links whose results are not frozen, and an open round
    with responses and no snapshot yet; STAFFSCH and OTHER in both."""
    other = make_school("OTHER", programs=("EL", "VVS"))
    version = make_version()
    closed = make_round(version, [staff.school, other], name="Lukket", opens_on=TODAY - timedelta(days=40),
                        closes_on=TODAY - timedelta(days=1))
    open_ = make_round(version, [staff.school, other], name="Åben", opens_on=TODAY - timedelta(days=5),
                       closes_on=TODAY + timedelta(days=5))
    for survey_round in (closed, open_):
        add_responses(survey_round, staff.school, 8, staff.school.programs[0])
        add_responses(survey_round, other, 9, other.programs[0])
        db_session.add(SurveyLink(round=survey_round, school=staff.school, token=new_token()))
    db_session.add(Population(round_id=closed.id, program_id=staff.school.programs[0].id, size=20))
    db_session.flush()
    return {"closed": closed, "open": open_, "version": version, "school": staff.school}


def status_of(client, url: str, headers: dict | None = None) -> int:
    with client.get(url, headers=headers or {}) as response:  # closes a file sent (plotly.js)
        return response.status_code


def get_routes(app, values: dict) -> list[str]:
    """Every GET route of the portal and the API, whichever feature's blueprint serves it, filled in with
    `values`."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith(PREFIXES) and "GET" in rule.methods:
                urls.append(url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}))
    return sorted(urls)


def test_every_get_route_leaves_the_database_unchanged(app, db_session, admin, staff, unsettled):
    school, version = unsettled["school"], unsettled["version"]
    bearer = {user.id: {"Authorization": f"Bearer {create_token(user, 'tests')}"} for user in (admin, staff)}
    db_session.commit()
    admin_client, staff_client = app.test_client(), app.test_client()
    log_in(admin_client, admin)
    log_in(staff_client, staff)
    for user in (admin, staff):  # a token's first use of the day is recorded: done before the comparison
        assert staff_client.get("/api/v1/rounds", headers=bearer[user.id]).status_code == 200
    before = dump()
    assert before[RoundResult.__tablename__] == [] and before[ResultSnapshot.__tablename__] == []

    answered = {}
    for survey_round in (unsettled["closed"], unsettled["open"]):
        link = db_session.scalar(select(SurveyLink).where(SurveyLink.round_id == survey_round.id))
        values = {"round_id": survey_round.id, "code": school.code, "key": school.code, "fmt": "csv", "job_id": 1,
                  "version_id": version.id, "link_id": link.id, "user_id": staff.id, "school_code": school.code,
                  "program_code": school.programs[0].code, "organiser_code": "NONE",
                  "language": "da", "card_id": 1, "attachment_id": 1, "plan_id": 1, "request_id": 1}
        for url in get_routes(app, values):
            if url.startswith("/api/"):
                statuses = [status_of(staff_client, url, bearer[user.id]) for user in (admin, staff)]
            else:
                statuses = [status_of(admin_client if url.startswith("/admin/") else staff_client, url)]
            assert all(status < 500 for status in statuses), (url, statuses)
            answered[url] = statuses
    assert len(answered) >= 2 * 30  # every route, for both rounds
    after = dump()
    after.pop(AuditEntry.__tablename__), before.pop(AuditEntry.__tablename__)
    assert after == before
    # the one thing a GET keeps: the audit log's record of who downloaded what (survey.audit)
    assert set(db_session.scalars(select(AuditEntry.action))) == {"export.microdata", "export.codebook"}

    closed, open_ = unsettled["closed"], unsettled["open"]
    for round_id in (closed.id, open_.id):
        assert "The results are being prepared." in admin_client.get(f"/admin/results/{round_id}/STAFFSCH/").text
        assert answered[f"/api/v1/rounds/{round_id}/results"][0] == 409
    assert "The results are being prepared." in staff_client.get(f"/school/reports/{closed.id}/STAFFSCH/").text
    index = admin_client.get("/admin/results", headers={"Accept-Language": "en"}).text
    assert "being prepared" in index and "<strong>provisional</strong>: being prepared" in index
    assert answered[f"/admin/rounds/{closed.id}/aggregates.csv"] == [409]
    assert answered[f"/school/rounds/{closed.id}/aggregates.csv"] == [409]
