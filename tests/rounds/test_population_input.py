"""Populations entered by school staff: odd digits, more responses than people, a closed round: a clear 4xx."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.rounds.models import Population
from survey.extensions import db

from ..conftest import csrf_token_from
from .conftest import TODAY


@pytest.fixture
def nts_staff(make_user, nts):
    return make_user("staff.nts@example.org", school=nts)


def post_population(client, survey_round, fields: dict):
    token = csrf_token_from(client.get(f"/school/rounds/{survey_round.id}").text)
    return client.post(f"/school/rounds/{survey_round.id}/population", data={"csrf_token": token, **fields})


def populations() -> dict[int, int]:
    db.session.expire_all()
    return {p.program_id: p.size for p in db.session.scalars(select(Population))}


@pytest.mark.parametrize("typed", ["²", "①", "٣", "1²"])
def test_digits_that_are_not_ascii_are_refused_with_a_message(client, nts_staff, login, make_round, nts, typed):
    survey_round = make_round(schools=[nts])
    login(nts_staff)
    refused = post_population(client, survey_round, {f"population-{nts.programs[0].id}": typed})
    assert refused.status_code == 422
    assert f"give a whole number from 0 to 1,000,000, not &#39;{typed}&#39;" in refused.text
    assert populations() == {}


def test_a_program_id_in_odd_digits_is_404(client, nts_staff, login, make_round, nts):
    survey_round = make_round(schools=[nts])
    login(nts_staff)
    assert post_population(client, survey_round, {"population-²": "4"}).status_code == 404


def test_a_population_below_the_responses_received_is_refused(client, nts_staff, login, make_round, nts, add_responses):
    survey_round = make_round(schools=[nts])
    el, mek = nts.programs
    add_responses(survey_round, nts, 6, el)
    login(nts_staff)
    refused = post_population(client, survey_round, {f"population-{el.id}": "4", f"population-{mek.id}": "10"})
    assert refused.status_code == 422
    assert "6 responses have already been received, so its population is at least 6, not 4." in refused.text
    assert populations() == {}  # nothing of the form is saved
    assert post_population(client, survey_round, {f"population-{el.id}": "6"}).status_code == 302
    assert populations() == {el.id: 6}


def test_populations_of_a_closed_round_cannot_change(client, nts_staff, login, make_round, nts):
    closed = make_round(schools=[nts], opens=TODAY - timedelta(days=30), closes=TODAY - timedelta(days=1))
    login(nts_staff)
    refused = post_population(client, closed, {f"population-{nts.programs[0].id}": "40"})
    assert refused.status_code == 409
    assert "its populations can no longer change" in refused.text
    assert populations() == {}
