"""Reminders, re-sending a lost invitation, the reminder schedule and the counts per school: the one path for the
admin page, the CLI and the scheduled job. Operations flush, never commit.

Who answered is never shown to anyone: a reminder goes to every invitation not yet used, and the sender only
learns how many were queued. An invitation that bounced, whose address unsubscribed from the network, or that
reached its round's `max_reminders`, gets no reminder.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from survey.extensions import db
from survey.invitations.delivery import REMIND, RESEND, queue
from survey.invitations.unsubscribe import address_hash, unsubscribed_hashes
from survey.network.models import School
from survey.rounds.models import PersonalInvitation, RoundState, SurveyRound
from survey.rounds.operations import PERSONAL_INVITATION_AUDIENCES, RoundStateError, check_school_in_round


def _check_open(survey_round: SurveyRound, today: date) -> None:
    if survey_round.version.family.audience not in PERSONAL_INVITATION_AUDIENCES:
        raise RoundStateError(f"'{survey_round.name}' has no personal invitations")
    if survey_round.state_on(today) is not RoundState.OPEN:
        raise RoundStateError(f"'{survey_round.name}' is not open: reminders go out only while a round is open")


def remind(survey_round: SurveyRound, school: School | None = None, today: date | None = None,
           contacted_before: date | None = None) -> int:
    """Queue a reminder for every invitation of the round (or of `school`) that is not used, bounced,
    unsubscribed, already waiting for a message, at its `max_reminders`, or (with `contacted_before`) mailed on
    or after that day. Returns how many were queued: a count, never who."""
    today = today or date.today()
    _check_open(survey_round, today)
    statement = select(PersonalInvitation).where(
        PersonalInvitation.round_id == survey_round.id,
        PersonalInvitation.used.is_(False),
        PersonalInvitation.bounced.is_(False),
        PersonalInvitation.pending.is_(None),
        PersonalInvitation.sent_on.is_not(None),
        PersonalInvitation.reminders < survey_round.max_reminders,
    )
    if school is not None:
        check_school_in_round(survey_round, school)
        statement = statement.where(PersonalInvitation.school_id == school.id)
    if contacted_before is not None:
        statement = statement.where(PersonalInvitation.sent_on < contacted_before)
    unsubscribed = unsubscribed_hashes(survey_round.network_id)
    queued = 0
    for invitation in db.session.scalars(statement):
        if address_hash(invitation.email) in unsubscribed:
            continue
        queue(invitation, REMIND)
        queued += 1
    db.session.flush()
    return queued


def resend(survey_round: SurveyRound, email: str, today: date | None = None) -> None:
    """Queue a new link for `email` if it was invited to the round and has not answered; the old link is voided
    when the new one goes out. Says nothing either way: the admin page answers the same whether or not the
    address is in the round, so it cannot be used to learn who was invited or who has answered. An address that
    bounced gets another try (it may have been mistyped at the mail server's end and fixed since)."""
    today = today or date.today()
    _check_open(survey_round, today)
    normalised = email.strip().lower()
    if address_hash(normalised) in unsubscribed_hashes(survey_round.network_id):
        return
    for invitation in db.session.scalars(select(PersonalInvitation).where(
            PersonalInvitation.round_id == survey_round.id, PersonalInvitation.email == normalised,
            PersonalInvitation.used.is_(False))):
        invitation.bounced = False
        queue(invitation, RESEND)
    db.session.flush()


def set_reminder_schedule(survey_round: SurveyRound, after_days: int | None, before_days: int | None,
                          max_reminders: int) -> None:
    length = (survey_round.closes_on - survey_round.opens_on).days
    for days in (after_days, before_days):
        if days is not None and not 0 <= days <= length:
            raise RoundStateError(f"a reminder day must lie within the round: 0 to {length} days")
    if not 0 <= max_reminders <= 10:
        raise RoundStateError("at most 10 reminders per person")
    survey_round.remind_after_days, survey_round.remind_before_days = after_days, before_days
    survey_round.max_reminders = max_reminders
    db.session.flush()


def scheduled_day(survey_round: SurveyRound, today: date) -> date | None:
    """The latest scheduled reminder day on or before `today` (None: none yet, or no schedule)."""
    days = []
    if survey_round.remind_after_days is not None:
        days.append(survey_round.opens_on + timedelta(days=survey_round.remind_after_days))
    if survey_round.remind_before_days is not None:
        days.append(survey_round.closes_on - timedelta(days=survey_round.remind_before_days))
    passed = [day for day in days if day <= today]
    return max(passed) if passed else None


def remind_due(today: date | None = None) -> int:
    """Queue the scheduled reminders of every open round: those not mailed since the latest scheduled day.
    Run hourly; a second run the same day finds nothing new, and a missed day is caught up the next."""
    today = today or date.today()
    queued = 0
    for survey_round in db.session.scalars(select(SurveyRound).where(
            SurveyRound.opens_on <= today, SurveyRound.closes_on >= today,
            (SurveyRound.remind_after_days.is_not(None)) | (SurveyRound.remind_before_days.is_not(None)))):
        day = scheduled_day(survey_round, today)
        if day is not None and survey_round.version.family.audience in PERSONAL_INVITATION_AUDIENCES:
            queued += remind(survey_round, today=today, contacted_before=day)
    return queued


@dataclass(frozen=True)
class DeliveryCounts:
    """One school's invitation mail. None: fewer than k_min (shown "–"), or a count whose difference to
    another shown count would be small enough to single people out."""
    school: School
    sent: int | None
    bounced: int | None
    unsubscribed: int | None
    reminded: int | None
    waiting: int | None


def _shown(n: int, k_min: int) -> int | None:
    return n if n == 0 or n >= k_min else None


def delivery_counts(survey_round: SurveyRound) -> list[DeliveryCounts]:
    """Per school: sent (reached at least once), bounced, unsubscribed, reminded (at least once), waiting.
    Reminded people are those who had not answered, so `sent - reminded` is close to who answered: reminded
    is hidden unless that difference is 0 or at least k_min too."""
    k_min = survey_round.network.k_min
    unsubscribed = unsubscribed_hashes(survey_round.network_id)
    rows = db.session.execute(select(
        PersonalInvitation.school_id, PersonalInvitation.email, PersonalInvitation.sent_on,
        PersonalInvitation.bounced, PersonalInvitation.reminders, PersonalInvitation.pending,
    ).where(PersonalInvitation.round_id == survey_round.id)).all()
    tally: dict[int, dict[str, int]] = {}
    for school_id, email, sent_on, bounced, reminders, pending in rows:
        counts = tally.setdefault(school_id, dict.fromkeys(("sent", "bounced", "unsubscribed", "reminded",
                                                            "waiting"), 0))
        counts["sent"] += sent_on is not None and not bounced
        counts["bounced"] += bool(bounced)
        counts["unsubscribed"] += address_hash(email) in unsubscribed
        counts["reminded"] += reminders > 0
        counts["waiting"] += pending is not None
    result = []
    for school in survey_round.schools:
        counts = tally.get(school.id)
        if counts is None:
            continue
        reminded = _shown(counts["reminded"], k_min)
        if _shown(counts["sent"] - counts["reminded"], k_min) is None:
            reminded = None
        result.append(DeliveryCounts(school, _shown(counts["sent"], k_min), _shown(counts["bounced"], k_min),
                                     _shown(counts["unsubscribed"], k_min), reminded,
                                     _shown(counts["waiting"], k_min)))
    return result

