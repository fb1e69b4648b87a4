"""Guarded transitions, populations and live counts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from survey.rounds.models import RoundState
from survey.rounds.operations import (
    RoundStateError,
    change_version,
    close_now,
    live_counts,
    open_now,
    reschedule,
    set_population,
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
