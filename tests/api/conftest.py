"""Fixtures for the API: a published questionnaire, rounds with responses, tokens and an authorised client."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from survey.api.tokens import create_token
from survey.catalog.operations import publish_definition, validate_source
from survey.config import PROJECT_ROOT
from survey.network.models import Program, School
from survey.results.operations import freeze_due_rounds
from survey.rounds.models import Population, SurveyRound

STUDENT_2026 = PROJECT_ROOT / "questionnaires" / "student" / "2026.yaml"
TODAY = date.today()
CLOSED = (TODAY - timedelta(days=60), TODAY - timedelta(days=30))
OPEN = (TODAY - timedelta(days=5), TODAY + timedelta(days=5))
DRAFT = (TODAY + timedelta(days=5), TODAY + timedelta(days=30))


@pytest.fixture
def student_version(db_session, network):
    text = STUDENT_2026.read_text(encoding="utf-8")
    return publish_definition(network, validate_source(text, str(STUDENT_2026)), text, "test").version


@pytest.fixture
def make_round(db_session, network, student_version):
    def make(name: str, schools, dates=CLOSED, network=network) -> SurveyRound:
        round_ = SurveyRound(
            network=network, version=student_version, name=name, opens_on=dates[0], closes_on=dates[1], schools=list(schools)
        )
        db_session.add(round_)
        db_session.flush()
        return round_

    return make



@pytest.fixture
def other_network_school(db_session, make_network):
    other = make_network("Det andet netværk")
    school = School(network=other, code="FAR", name="Fjern skole", type="EUD", region="Hovedstaden")
    school.programs = [Program(code="EL", name="Elektriker")]
    db_session.add(school)
    db_session.flush()
    return school


@pytest.fixture
def world(db_session, network, staff, admin, make_school, make_round, add_responses, other_network_school):
    """Staff's school STAFFSCH and school OTHER in a closed round (with responses), OTHER alone in a second
    round, and a round of another network; the closed rounds' results frozen by the periodic job."""
    own, other = staff.school, make_school("OTHER", programs=("EL", "VVS"))
    shared = make_round("Elever 2026", [own, other])
    only_other = make_round("Kun OTHER 2026", [other])
    foreign = make_round("Fremmed 2026", [other_network_school], network=other_network_school.network)
    add_responses(shared, own, 6, own.programs[0])
    add_responses(shared, other, 7, other.programs[0])
    add_responses(shared, other, 5, other.programs[1])
    add_responses(shared, other, 1)  # no program given
    add_responses(only_other, other, 5, other.programs[1])
    db_session.add_all(
        [
            Population(round_id=shared.id, program_id=own.programs[0].id, size=12),
            Population(round_id=shared.id, program_id=other.programs[0].id, size=14),
        ]
    )
    db_session.flush()
    freeze_due_rounds(today=TODAY)
    return {"own": own, "other": other, "shared": shared, "only_other": only_other, "foreign": foreign}


@pytest.fixture
def token_of(db_session):
    def issue(user) -> str:
        return create_token(user, "tests")

    return issue


@pytest.fixture
def api(client, token_of):
    """GET with a user's token: api(user, "/rounds") -> response."""

    def get(user, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {token_of(user)}"} if user is not None else {}
        return client.get(f"/api/v1{path}", headers=headers, **kwargs)

    return get


