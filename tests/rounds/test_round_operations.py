"""Guarded transitions, populations and live counts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sqlalchemy import select

from survey.catalog.operations import withdraw_version
from survey.extensions import db
from survey.responses.models import ResponseDraft
from survey.rounds.models import PersonalInvitation, Population, RoundState, SurveyLink, SurveyRound, round_school
from survey.rounds.operations import (
    RoundStateError,
    change_schools,
    change_version,
    close_now,
    delete_round,
    ensure_links,
    live_counts,
    open_now,
    reschedule,
    set_population,
    set_schools,
    versions_for,
)

from .conftest import TODAY


@pytest.fixture
def school(make_school):
    return make_school("NTS", programs=("EL", "MEK"))


def test_open_now_then_close_now(make_round, school):
    draft = make_round(schools=[school], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    assert draft.state_on(TODAY) is RoundState.DRAFT
    open_now(draft, TODAY)
    assert (draft.opens_on, draft.state_on(TODAY)) == (TODAY, RoundState.OPEN)
    with pytest.raises(RoundStateError, match="is open already"):
        open_now(draft, TODAY)
    close_now(draft, TODAY + timedelta(days=2))
    assert draft.state_on(TODAY + timedelta(days=2)) is RoundState.CLOSED
    with pytest.raises(RoundStateError, match="closed and cannot be reopened"):
        open_now(draft, TODAY + timedelta(days=2))
    with pytest.raises(RoundStateError, match="only an open round can be closed"):
        close_now(draft, TODAY + timedelta(days=2))


def test_version_is_fixed_once_open(make_round, versions, school):
    draft = make_round(schools=[school], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    change_version(draft, versions["student 2027"], TODAY)
    assert draft.version == versions["student 2027"]
    with pytest.raises(RoundStateError, match="a round keeps its family"):
        change_version(draft, versions["staff 2026"], TODAY)
    open_now(draft, TODAY)
    with pytest.raises(RoundStateError, match="version is fixed once the round opens"):
        change_version(draft, versions["student 2026"], TODAY)
    assert draft.version == versions["student 2027"]


def test_reschedule_is_guarded(make_round, school):
    running = make_round(schools=[school])
    reschedule(running, running.opens_on, TODAY + timedelta(days=60), TODAY)
    assert running.closes_on == TODAY + timedelta(days=60)
    with pytest.raises(RoundStateError, match="opening date .* is fixed"):
        reschedule(running, TODAY + timedelta(days=1), TODAY + timedelta(days=60), TODAY)
    with pytest.raises(RoundStateError, match="in the past: use close now"):
        reschedule(running, running.opens_on, TODAY - timedelta(days=1), TODAY)
    past = make_round(name="past", schools=[school], opens=TODAY - timedelta(days=40), closes=TODAY - timedelta(days=10))
    with pytest.raises(RoundStateError, match="is closed: its period can no longer change"):
        reschedule(past, TODAY, TODAY + timedelta(days=10), TODAY)


def test_a_draft_moves_from_today_on_and_an_open_round_extends_its_closing_date(make_round, school):
    draft = make_round(schools=[school], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    reschedule(draft, TODAY + timedelta(days=10), TODAY + timedelta(days=40), TODAY)
    assert (draft.opens_on, draft.closes_on) == (TODAY + timedelta(days=10), TODAY + timedelta(days=40))
    with pytest.raises(RoundStateError, match="opening date .* is in the past: a round opens today at the earliest") as raised:
        reschedule(draft, TODAY - timedelta(days=1), TODAY + timedelta(days=40), TODAY)
    assert raised.value.field == "opens_on"
    with pytest.raises(RoundStateError, match="cannot close .* before it opens") as raised:
        reschedule(draft, TODAY + timedelta(days=10), TODAY + timedelta(days=9), TODAY)
    assert raised.value.field == "closes_on"
    assert (draft.opens_on, draft.closes_on) == (TODAY + timedelta(days=10), TODAY + timedelta(days=40))
    reschedule(draft, TODAY, TODAY + timedelta(days=40), TODAY)
    assert draft.state_on(TODAY) is RoundState.OPEN
    reschedule(draft, TODAY, TODAY, TODAY)
    assert draft.closes_on == TODAY


def test_a_closed_round_is_never_reopened_and_says_when_its_results_are_frozen(make_round, school, add_responses):
    from survey.results.operations import freeze_round_results

    closed = make_round(schools=[school], opens=TODAY - timedelta(days=40), closes=TODAY - timedelta(days=1))
    add_responses(closed, school, 3)
    with pytest.raises(RoundStateError) as raised:
        reschedule(closed, closed.opens_on, TODAY + timedelta(days=7), TODAY)
    assert str(raised.value) == (
        f"'{closed.name}' is closed: its period can no longer change and it cannot be reopened; create a new round instead"
    )
    freeze_round_results(closed, today=TODAY)
    with pytest.raises(RoundStateError, match="is closed and its results are frozen: its period can no longer change"):
        reschedule(closed, closed.opens_on, TODAY + timedelta(days=7), TODAY)
    assert closed.closes_on == TODAY - timedelta(days=1)


def test_only_usable_versions_of_the_family_are_offered(make_round, versions, school):
    draft = make_round(schools=[school], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    assert db.session.scalars(versions_for(draft)).all() == [versions["student 2026"], versions["student 2027"]]
    withdraw_version(versions["student 2027"])
    assert db.session.scalars(versions_for(draft)).all() == [versions["student 2026"]]
    with pytest.raises(RoundStateError, match="is withdrawn") as raised:
        change_version(draft, versions["student 2027"], TODAY)
    assert raised.value.field == "version" and draft.version == versions["student 2026"]


@pytest.fixture
def others(make_school):
    return make_school("VHS", programs=("DETAIL",)), make_school("AAE")


def test_schools_change_while_a_draft_and_removed_schools_lose_their_links(make_round, school, others, add_responses):
    vhs, aae = others
    draft = make_round(schools=[school, vhs], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    ensure_links(draft, per_program=True)
    set_population(draft, vhs.programs[0], 30)
    set_population(draft, school.programs[0], 40)
    db.session.add(
        PersonalInvitation(round=draft, school=vhs, email="a@example.org", token_hash="0" * 64, sent_on=TODAY)
    )
    db.session.add(ResponseDraft(resume_hash="1" * 64, round_id=draft.id, school_id=vhs.id, language="da", updated_on=TODAY))
    db.session.flush()
    change = change_schools(draft, add=[aae], remove=[vhs], today=TODAY)
    assert ([s.code for s in change.added], [s.code for s in change.removed]) == (["AAE"], ["VHS"])
    assert (change.links_deleted, change.invitations_deleted) == (2, 1)
    db.session.expire_all()
    assert sorted(s.code for s in draft.schools) == ["AAE", "NTS"]
    assert {link.school_id for link in db.session.scalars(select(SurveyLink))} == {school.id}
    assert db.session.scalar(select(PersonalInvitation)) is None
    assert db.session.scalar(select(ResponseDraft)) is None
    assert [p.program_id for p in db.session.scalars(select(Population))] == [school.programs[0].id]
    set_schools(draft, [school], TODAY)
    assert [s.code for s in draft.schools] == ["NTS"]


@pytest.mark.parametrize(
    "add, remove, message",
    [
        ((), ("NTS",), "a round needs at least one school"),
        (("NTS",), (), "NTS already takes part in 'Elevtrivsel'"),
        ((), ("VHS", "AAE"), "VHS, AAE do not take part in 'Elevtrivsel'"),
        (("VHS",), ("VHS",), "VHS: a school cannot be both added and removed"),
    ],
)
def test_school_changes_are_refused_with_a_clear_message(make_round, school, others, add, remove, message):
    draft = make_round(schools=[school], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    by_code = {s.code: s for s in (school, *others)}
    with pytest.raises(RoundStateError) as raised:
        change_schools(draft, [by_code[c] for c in add], [by_code[c] for c in remove], TODAY)
    assert str(raised.value) == message and raised.value.field == "schools"
    assert [s.code for s in draft.schools] == ["NTS"]


def test_schools_are_fixed_once_open_and_a_school_with_responses_stays(make_round, make_network, school, others, add_responses):
    vhs, aae = others
    running = make_round(schools=[school, vhs])
    with pytest.raises(RoundStateError, match="is open: its schools can only change while it is a draft"):
        change_schools(running, add=[aae], today=TODAY)
    draft = make_round(name="draft", schools=[school, vhs], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    add_responses(draft, vhs, 2)  # e.g. answers taken on paper and loaded before the round opens
    with pytest.raises(RoundStateError, match=r"'draft' has responses from VHS \(2\): a school with responses cannot be removed"):
        change_schools(draft, remove=[vhs], today=TODAY)
    from survey.network.models import School

    foreign = School(network=make_network("Andet"), code="FAR", name="Fjern", type="EUD", region="Sjælland")
    with pytest.raises(RoundStateError, match="not schools of Testnetværket: FAR"):
        change_schools(draft, add=[foreign], today=TODAY)
    assert sorted(s.code for s in draft.schools) == ["NTS", "VHS"]


def test_delete_only_a_draft_without_responses(make_round, school, add_responses):
    draft = make_round(schools=[school], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    ensure_links(draft, per_program=True)
    set_population(draft, school.programs[0], 10)
    round_id = draft.id
    delete_round(draft, TODAY)
    db.session.expire_all()
    assert db.session.get(SurveyRound, round_id) is None
    assert db.session.scalar(select(SurveyLink)) is None and db.session.scalar(select(Population)) is None
    assert db.session.scalar(select(round_school.c.school_id).where(round_school.c.round_id == round_id)) is None
    running = make_round(name="running", schools=[school])
    with pytest.raises(RoundStateError, match="'running' is open: only a draft round can be deleted"):
        delete_round(running, TODAY)
    answered = make_round(name="answered", schools=[school], opens=TODAY + timedelta(days=5), closes=TODAY + timedelta(days=30))
    add_responses(answered, school, 1)
    with pytest.raises(RoundStateError, match="'answered' has 1 response: a round with responses cannot be deleted"):
        delete_round(answered, TODAY)
    assert db.session.get(SurveyRound, answered.id) is not None


def test_live_counts_per_school_and_program_with_response_rates(make_round, make_school, school, add_responses):
    other = make_school("VHS", programs=("DETAIL",))
    survey_round = make_round(schools=[school, other])
    el, mek = school.programs
    add_responses(survey_round, school, 6, el)
    add_responses(survey_round, school, 3, mek)
    add_responses(survey_round, school, 2)
    add_responses(survey_round, other, 4, other.programs[0])
    set_population(survey_round, el, 12)
    counts = {entry.school.code: entry for entry in live_counts(survey_round)}
    nts = counts["NTS"]
    assert [(r.program.code if r.program else None, r.responses, r.population, r.rate) for r in nts.rows] == [
        ("EL", 6, 12, 0.5),
        ("MEK", 3, None, None),
        (None, 2, None, None),
    ]
    assert (nts.responses, nts.population, nts.rate) == (11, None, None)  # MEK's population is unknown
    set_population(survey_round, mek, 10)
    nts = live_counts(survey_round, school)[0]
    assert (nts.responses, nts.population, nts.rate) == (11, 22, 0.5)
    assert counts["VHS"].responses == 4
    set_population(survey_round, mek, None)
    assert live_counts(survey_round, school)[0].rows[1].population is None


def test_population_only_for_schools_of_the_round(make_round, make_school, school):
    outsider = make_school("OUT", programs=("X",))
    survey_round = make_round(schools=[school])
    with pytest.raises(RoundStateError, match="OUT does not take part"):
        set_population(survey_round, outsider.programs[0], 10)
    with pytest.raises(RoundStateError, match="cannot be negative"):
        set_population(survey_round, school.programs[0], -1)


def test_links_csv_neutralises_formulas_in_names(make_round, make_school):
    from survey.rounds.operations import ensure_links, links_csv

    evil = make_school("EVL", name='=HYPERLINK("http://evil.example")')
    survey_round = make_round(schools=[evil])
    text = links_csv(survey_round, ensure_links(survey_round))
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
