"""Applying the retention schedule: what is due for removal, per network, category and round, and removing it.

Every limit counts from the day a round closes (its `closes_on`; the round is closed from the next day on):
- drafts (unsubmitted answers and their resume tokens) go once more than `draft_days` days have passed;
- invitation addresses go as soon as the round is closed. The invitation row stays (sent, used: the counts of
  the round) with its address replaced by `REMOVED_ADDRESS_PREFIX` + its id, which is no address and keeps the
  (round, school, email) key unique without rebuilding the table;
- free-text answers go once more than `free_text_years` years have passed;
- microdata (the responses) go once more than `microdata_years` years have passed, and only from a round whose
  results are frozen (`RoundResult`): its dashboards and PDFs read the frozen aggregates and keep working;
- audit entries go once older than `audit_years` years.
`plan` and `apply` walk the same list, so `--dry-run` prints exactly what `apply` removes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import String, cast, delete, exists, func, literal, select, update

from survey.audit.operations import count_expired, remove_expired
from survey.extensions import db
from survey.network.models import Network
from survey.privacy.models import RetentionSchedule, schedule_of
from survey.responses.models import FreeTextAnswer, Response, ResponseDraft
from survey.results.models import RoundResult
from survey.rounds.models import PersonalInvitation, SurveyRound

REMOVED_ADDRESS_PREFIX = "removed:"
CATEGORIES = ("drafts", "invitation_addresses", "free_text", "microdata", "audit")


@dataclass(frozen=True)
class Removal:
    """`count` rows of `category` due for removal in `network`, from `round` (None: the audit log)."""

    network: str
    category: str
    round: str | None
    count: int


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _round_statements(survey_round: SurveyRound, schedule: RetentionSchedule, today: date) -> dict:
    """For each category due in this closed round: (count statement, removal) pairs."""
    due = {}
    round_id = survey_round.id
    if today > survey_round.closes_on + timedelta(days=schedule.draft_days):
        due["drafts"] = (select(func.count(ResponseDraft.id)).where(ResponseDraft.round_id == round_id),
                         lambda: db.session.execute(delete(ResponseDraft).where(ResponseDraft.round_id == round_id)))
    addressed = (PersonalInvitation.round_id == round_id,
                 PersonalInvitation.email.not_like(REMOVED_ADDRESS_PREFIX + "%"))
    due["invitation_addresses"] = (
        select(func.count(PersonalInvitation.id)).where(*addressed),
        lambda: db.session.execute(update(PersonalInvitation).where(*addressed).values(
            email=literal(REMOVED_ADDRESS_PREFIX) + cast(PersonalInvitation.id, String))
            .execution_options(synchronize_session=False)))
    of_round = select(Response.id).where(Response.round_id == round_id)
    if today > years_after(survey_round.closes_on, schedule.free_text_years):
        due["free_text"] = (
            select(func.count(FreeTextAnswer.id)).where(FreeTextAnswer.response_id.in_(of_round)),
            lambda: db.session.execute(delete(FreeTextAnswer).where(FreeTextAnswer.response_id.in_(of_round))
                                       .execution_options(synchronize_session=False)))
    frozen = db.session.scalar(select(exists().where(RoundResult.round_id == round_id)))
    if frozen and today > years_after(survey_round.closes_on, schedule.microdata_years):
        due["microdata"] = (
            select(func.count(Response.id)).where(Response.round_id == round_id),
            lambda: (db.session.execute(delete(FreeTextAnswer).where(FreeTextAnswer.response_id.in_(of_round))
                                        .execution_options(synchronize_session=False)),
                     db.session.execute(delete(Response).where(Response.round_id == round_id)
                                        .execution_options(synchronize_session=False))))
    return due


def _walk(today: date, now: datetime, remove: bool) -> list[Removal]:
    removals = []
    for network in db.session.scalars(select(Network).order_by(Network.name)):
        schedule = schedule_of(network)
        closed = db.session.scalars(select(SurveyRound).where(SurveyRound.network_id == network.id,
                                                              SurveyRound.closes_on < today)
                                    .order_by(SurveyRound.closes_on, SurveyRound.id)).all()
        for survey_round in closed:
            for category, (count, removal) in _round_statements(survey_round, schedule, today).items():
                n = db.session.scalar(count)
                if n:
                    removals.append(Removal(network.name, category, survey_round.name, n))
                    if remove:
                        removal()
        cutoff = datetime.combine(years_after(now.date(), -schedule.audit_years), now.timetz())
        n = (remove_expired if remove else count_expired)(network.id, cutoff)
        if n:
            removals.append(Removal(network.name, "audit", None, n))
    if remove:
        db.session.flush()
    return removals


def plan(today: date | None = None, now: datetime | None = None) -> list[Removal]:
    """What `apply` would remove now, without removing it."""
    now = now or datetime.now(timezone.utc)
    return _walk(today or now.date(), now, remove=False)


def apply(today: date | None = None, now: datetime | None = None) -> list[Removal]:
    """Remove everything the networks' schedules say is due; flushes, never commits."""
    now = now or datetime.now(timezone.utc)
    return _walk(today or now.date(), now, remove=True)
