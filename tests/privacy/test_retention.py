"""The retention schedule removes exactly what it says, on the day after each limit, and nothing else."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from survey.audit.models import AuditEntry
from survey.extensions import db
from survey.jobs.registry import KINDS, PERIODIC
from survey.privacy import retention
from survey.privacy.models import RetentionSchedule
from survey.responses.models import FreeTextAnswer, Response, ResponseDraft
from survey.results.operations import freeze_round_results
from survey.results.service import round_results
from survey.rounds.models import PersonalInvitation

TODAY = date(2032, 6, 15)
NOW = datetime.combine(TODAY, time(12, 0), tzinfo=timezone.utc)


@pytest.fixture
def school(make_school):
    return make_school("RET")


@pytest.fixture
def schedule(db_session, network):
    schedule = RetentionSchedule(network_id=network.id, draft_days=10, free_text_years=2, microdata_years=4,
                                 audit_years=3)
    db_session.add(schedule)
    db_session.flush()
    return schedule


@pytest.fixture
def filled_round(make_version, make_round, add_response, school, db_session):
    version = make_version()
    counter = iter(range(1000))

    def make(name: str, closes_on: date, responses: int = 6):
        survey_round = make_round(version, [school], name=name, opens_on=closes_on - timedelta(days=30),
                                  closes_on=closes_on)
        for i in range(responses):
            add_response(survey_round, school, {key: 1 + (i + j) % 5 for j, key in
                                                enumerate(item.key for item in version.items)},
                         text=f"comment {i}", on=closes_on - timedelta(days=1))
        n = next(counter)
        db_session.add(ResponseDraft(resume_hash=f"{n:064d}", round_id=survey_round.id, school_id=school.id,
                                     language="da", updated_on=closes_on, free_text={"comments": "draft"}))
        db_session.add(PersonalInvitation(round_id=survey_round.id, school_id=school.id,
                                          email=f"person{n}@example.org", token_hash=f"{n:064x}", sent_on=closes_on))
        db_session.flush()
        return survey_round

    return make


def counts(survey_round) -> dict:
    of = survey_round.id
    return {
        "drafts": db.session.scalar(select(func.count(ResponseDraft.id)).where(ResponseDraft.round_id == of)),
        "addresses": db.session.scalar(select(func.count(PersonalInvitation.id)).where(
            PersonalInvitation.round_id == of, PersonalInvitation.email.contains("@"))),
        "invitations": db.session.scalar(select(func.count(PersonalInvitation.id)).where(
            PersonalInvitation.round_id == of)),
        "free_text": db.session.scalar(select(func.count(FreeTextAnswer.id)).join(Response).where(
            Response.round_id == of)),
        "responses": db.session.scalar(select(func.count(Response.id)).where(Response.round_id == of)),
    }


def audit_entry(network, at: datetime) -> AuditEntry:
    entry = AuditEntry(network_id=network.id, at=at, actor="admin@example.org", action="settings.change",
                       object="network", details={})
    db.session.add(entry)
    db.session.flush()
    return entry


def test_retention_removes_exactly_what_the_schedule_says(db_session, network, schedule, filled_round, make_network):
    rounds = {
        "open": filled_round("open", date(2032, 6, 30)),
        "closes today": filled_round("closes today", TODAY),
        "closed yesterday": filled_round("closed yesterday", TODAY - timedelta(days=1)),
        "drafts inside": filled_round("drafts inside", TODAY - timedelta(days=10)),
        "drafts outside": filled_round("drafts outside", TODAY - timedelta(days=11)),
        "free text inside": filled_round("free text inside", date(2030, 6, 15)),
        "free text outside": filled_round("free text outside", date(2030, 6, 14)),
        "microdata inside": filled_round("microdata inside", date(2028, 6, 15)),
        "microdata outside": filled_round("microdata outside", date(2028, 6, 14)),
        "microdata outside, not frozen": filled_round("microdata outside, not frozen", date(2028, 6, 13)),
    }
    frozen = rounds["microdata outside"]
    freeze_round_results(frozen, today=TODAY, now=NOW)
    aggregates_before = round_results(frozen, today=TODAY).aggregates.copy()
    kept_entry = audit_entry(network, datetime(2029, 6, 15, 12, 0, tzinfo=timezone.utc))
    old_entry = audit_entry(network, datetime(2029, 6, 15, 11, 59, tzinfo=timezone.utc))
    other = make_network("Et andet netværk")  # default schedule: audit entries kept 5 years
    other_entry = audit_entry(other, datetime(2028, 6, 15, 11, 59, tzinfo=timezone.utc))
    before = {name: counts(r) for name, r in rounds.items()}
    assert all(c == {"drafts": 1, "addresses": 1, "invitations": 1, "free_text": 6, "responses": 6}
               for c in before.values())

    planned = retention.plan(today=TODAY, now=NOW)
    assert {name: counts(r) for name, r in rounds.items()} == before  # a dry run removes nothing
    applied = retention.apply(today=TODAY, now=NOW)
    assert applied == planned

    expected = {name: dict(c) for name, c in before.items()}
    for name in ("closed yesterday", "drafts inside", "drafts outside", "free text inside", "free text outside",
                 "microdata inside", "microdata outside", "microdata outside, not frozen"):
        expected[name]["addresses"] = 0
    for name in ("drafts outside", "free text inside", "free text outside", "microdata inside", "microdata outside",
                 "microdata outside, not frozen"):
        expected[name]["drafts"] = 0
    for name in ("free text outside", "microdata inside", "microdata outside", "microdata outside, not frozen"):
        expected[name]["free_text"] = 0
    expected["microdata outside"]["responses"] = 0
    assert {name: counts(r) for name, r in rounds.items()} == expected

    by_round = {(r.category, r.round): r.count for r in applied}
    assert by_round[("drafts", "drafts outside")] == 1 and ("drafts", "drafts inside") not in by_round
    assert by_round[("free_text", "free text outside")] == 6 and ("free_text", "free text inside") not in by_round
    assert by_round[("microdata", "microdata outside")] == 6
    assert ("microdata", "microdata inside") not in by_round
    assert ("microdata", "microdata outside, not frozen") not in by_round
    assert ("invitation_addresses", "closes today") not in by_round
    assert by_round[("invitation_addresses", "closed yesterday")] == 1
    assert by_round[("audit", None)] == 1

    remaining = set(db.session.scalars(select(AuditEntry.id)))
    assert kept_entry.id in remaining and other_entry.id in remaining and old_entry.id not in remaining
    # the frozen results of the round whose microdata went are read as before
    assert round_results(frozen, today=TODAY).aggregates.equals(aggregates_before)
    assert retention.plan(today=TODAY, now=NOW) == []  # applying twice removes nothing more


def test_cli_dry_run_prints_and_keeps_then_apply_removes(cli, network, filled_round, db_session):
    survey_round = filled_round("Forår 2001", date(2001, 3, 1))
    dry = cli("privacy", "apply", "--dry-run")
    assert dry.exit_code == 0
    lines = dry.output.splitlines()
    assert f"{network.name}\tround 'Forår 2001'\tdrafts\twould remove 1" in lines
    assert f"{network.name}\tround 'Forår 2001'\tfree_text\twould remove 6" in lines
    assert counts(survey_round)["drafts"] == 1 and counts(survey_round)["free_text"] == 6
    applied = cli("privacy", "apply")
    assert f"{network.name}\tround 'Forår 2001'\tdrafts\tremoved 1" in applied.output.splitlines()
    assert counts(survey_round)["drafts"] == 0 and counts(survey_round)["addresses"] == 0
    assert cli("privacy", "apply", "--dry-run").output.strip() == "nothing is due for removal"


def test_periodic_job_applies_the_schedule_daily(db_session, network, filled_round):
    survey_round = filled_round("Forår 2001", date(2001, 3, 1))
    assert PERIODIC["privacy.apply"].every_seconds == 24 * 3600
    result = KINDS["privacy.apply"](lambda done, total: None)
    assert {"network": network.name, "category": "drafts", "round": "Forår 2001", "count": 1} in result["removed"]
    assert counts(survey_round)["drafts"] == 0
