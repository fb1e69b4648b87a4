"""Sending queued invitation mail at a steady pace, recording bounces and retrying temporary failures.

`invite`, `remind` and `resend` only mark invitations `pending`; `dispatch` sends them, a batch per run (the
`invitations.dispatch` job runs every minute and sends at most `MAIL_PER_MINUTE`), so a list of 2,000 staff
does not exceed the provider's rate limit or hold a web request. A run does not sleep between messages: on
SQLite its open read would hold off every writer (respondents) while it waited. Each message gets a fresh token: only
hashes are stored, so a reminder cannot repeat the earlier link; the earlier one is kept as replaced, and opening
it shows a page pointing to the newest e-mail.

A run reads, sends, then writes every outcome at its end (the runner commits them with the job): on SQLite no
write lock is held while the run waits between messages, so respondents are never kept waiting by it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask_babel import force_locale, format_date, gettext as _
from sqlalchemy import func, or_, select

from survey.catalog.texts import text_in
from survey.extensions import db
from survey.invitations.models import ReplacedToken
from survey.invitations.unsubscribe import (
    address_hash,
    unsubscribe_headers,
    unsubscribe_token,
    unsubscribe_url,
    unsubscribed_hashes,
)
from survey.network.models import School
from survey.rounds.models import PersonalInvitation, RoundState, SurveyRound
from survey.tokens import token_hash

INVITE, REMIND, RESEND = "invite", "remind", "resend"
MAX_ATTEMPTS = 5  # temporary failures (4xx) tried this often, backing off, before the address counts as bounced
FIRST_RETRY = timedelta(minutes=5)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _paragraphs(purpose: str, survey_round: SurveyRound, school: School, url: str, unsubscribe: str,
                language: str) -> str:
    title = text_in(survey_round.version.title, language)
    with force_locale(language):
        values = {"school": school.name, "title": title, "round": survey_round.name}
        opening = {
            INVITE: _("%(school)s asks you to answer the survey “%(title)s” (%(round)s).", **values),
            REMIND: _("A reminder: %(school)s asks you to answer the survey “%(title)s” (%(round)s). This link "
                      "replaces the one in our earlier e-mail.", **values),
            RESEND: _("Here is a new personal link to the survey “%(title)s” (%(round)s) of %(school)s. It "
                      "replaces the one sent earlier, which no longer works.", **values),
        }[purpose]
        return "\n\n".join([
            opening,
            _("Your personal link works once. Your answers are anonymous: the link is not stored with them."),
            url,
            _("The survey is open until %(date)s.", date=format_date(survey_round.closes_on, "long")),
            _("To get no more e-mail about these surveys: %(url)s", url=unsubscribe),
        ])


def message_text(purpose: str, survey_round: SurveyRound, school: School, url: str,
                 unsubscribe: str) -> tuple[str, str]:
    """Subject and body in the school's language (the language of its reports), then in English for whoever does
    not read it; once only where the school's language is English."""
    languages = [school.report_language] + ([] if school.report_language == "en" else ["en"])
    title = text_in(survey_round.version.title, languages[0])
    with force_locale(languages[0]):
        subject = (_("Reminder: %(title)s: %(school)s", title=title, school=school.name) if purpose == REMIND
                   else f"{title}: {school.name}")
    body = "\n\n---\n\n".join(_paragraphs(purpose, survey_round, school, url, unsubscribe, lang)
                              for lang in languages)
    return subject, body + "\n"


@dataclass
class DispatchRun:
    """What one run did, counts only (the addresses are not repeated anywhere)."""
    sent: int = 0
    bounced: int = 0
    deferred: int = 0
    skipped: int = 0
    waiting: int = 0

    def summary(self) -> dict:
        return {"sent": self.sent, "bounced": self.bounced, "deferred": self.deferred, "skipped": self.skipped,
                "waiting": self.waiting}


def due(now: datetime, round_id: int | None = None):
    statement = select(PersonalInvitation).where(
        PersonalInvitation.pending.is_not(None),
        or_(PersonalInvitation.retry_at.is_(None), PersonalInvitation.retry_at <= now),
    )
    if round_id is not None:
        statement = statement.where(PersonalInvitation.round_id == round_id)
    return statement.order_by(PersonalInvitation.id)


def dispatch(limit: int | None = None, round_id: int | None = None, now: datetime | None = None) -> DispatchRun:
    """Send up to `limit` due messages. Never to an invitation already used, bounced, unsubscribed from its
    network, or of a closed round: those are dropped from the queue (`skipped`)."""
    from survey.rounds.mail import MailError, send_mail
    from survey.rounds.operations import invitation_url, new_token

    now = now or utcnow()
    today = now.date()
    statement = due(now, round_id)
    invitations = db.session.scalars(statement.limit(limit) if limit else statement).all()
    run = DispatchRun()
    unsubscribed: dict[int, set[str]] = {}
    outcomes: list[tuple[PersonalInvitation, str, str | None]] = []  # (invitation, outcome, new token hash)
    for invitation in invitations:
        survey_round = invitation.round
        network_id = survey_round.network_id
        if network_id not in unsubscribed:
            unsubscribed[network_id] = unsubscribed_hashes(network_id)
        if (invitation.used or invitation.bounced or survey_round.state_on(today) is RoundState.CLOSED
                or address_hash(invitation.email) in unsubscribed[network_id]):
            outcomes.append((invitation, "skipped", None))
            continue
        token = new_token()
        unsubscribe = unsubscribe_token(network_id, invitation.email)
        subject, body = message_text(invitation.pending, survey_round, invitation.school, invitation_url(token),
                                     unsubscribe_url(unsubscribe))
        headers = unsubscribe_headers(unsubscribe)
        try:
            send_mail(invitation.email, subject, body, headers)
        except MailError as error:
            outcomes.append((invitation, "bounced" if error.permanent else "deferred", None))
            continue
        outcomes.append((invitation, "sent", token_hash(token)))
    for invitation, outcome, new_hash in outcomes:
        _record(invitation, outcome, new_hash, now, run)
    db.session.flush()
    run.waiting = waiting_count(round_id)
    return run


def _record(invitation: PersonalInvitation, outcome: str, new_hash: str | None, now: datetime,
            run: DispatchRun) -> None:
    if outcome == "sent":
        if invitation.sent_on is not None:  # the earlier link was mailed: keep it recognisable as replaced
            db.session.add(ReplacedToken(token_hash=invitation.token_hash, round_id=invitation.round_id))
        invitation.token_hash = new_hash
        invitation.sent_on = now.date()
        if invitation.pending == REMIND:
            invitation.reminders += 1
        invitation.pending, invitation.attempts, invitation.retry_at = None, 0, None
        run.sent += 1
    elif outcome == "deferred" and invitation.attempts + 1 < MAX_ATTEMPTS:
        invitation.attempts += 1
        invitation.retry_at = now + FIRST_RETRY * 2 ** (invitation.attempts - 1)
        run.deferred += 1
    elif outcome in ("bounced", "deferred"):
        invitation.bounced = True
        invitation.pending, invitation.retry_at = None, None
        run.bounced += 1
    else:
        invitation.pending, invitation.retry_at = None, None
        run.skipped += 1


def queue(invitation: PersonalInvitation, purpose: str) -> None:
    invitation.pending, invitation.attempts, invitation.retry_at = purpose, 0, None


def waiting_count(round_id: int | None = None) -> int:
    """Messages still to go (some perhaps waiting to be retried): the admin page's progress."""
    statement = select(func.count()).select_from(PersonalInvitation).where(PersonalInvitation.pending.is_not(None))
    if round_id is not None:
        statement = statement.where(PersonalInvitation.round_id == round_id)
    return db.session.scalar(statement)
