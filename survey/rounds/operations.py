"""Rounds, their links, invitations and populations: the one path, used by the CLI, the admin and staff pages.

A round's state is computed from its dates (`SurveyRound.state_on`); the transitions below move the dates and
refuse what the lifecycle forbids with a `RoundStateError` that says why, in the reader's language (Flask-Babel;
English on the command line). Functions flush, never commit; the caller (request or CLI command) commits once.
"""
from __future__ import annotations

import csv
import io
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_date, format_decimal, gettext as _, ngettext
from sqlalchemy import delete, exists, func, select, true

from survey.analysis.confidentiality import protected_counts
from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Network, Program, School
from survey.responses.models import Response, ResponseDraft
from survey.rounds.labels import state_label
from survey.rounds.models import PersonalInvitation, Population, RoundState, SurveyLink, SurveyRound, round_school
from survey.spreadsheet import escape_formula
from survey.tokens import token_hash
from survey.urls import MAX_ID

PERSONAL_INVITATION_AUDIENCES = ("staff", "company")
LONG_DATE = "dd MMMM y"
"""Dates in refusals, in the reader's language: "04 December 2026", "04 december 2026"."""


class RoundStateError(ValueError):
    """A change the round's lifecycle does not allow; the message says why and what to do instead. `field`
    names the value at fault (e.g. "closes_on"), for forms that show the message at that field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- rounds ----------------------------------------------------------------------------------------------


def whole_number(text: str) -> int | None:
    """`text` as a whole number written in ASCII digits, or None: str.isdigit() also accepts "²" and "①",
    which int() refuses."""
    return int(text) if text.isascii() and text.isdigit() else None


def round_by_name_or_id(network: Network | None, text: str):
    """The rounds named `text` in the network (in every network without one), or, when no name matches and
    `text` is a number, the round with that id."""
    in_network = (SurveyRound.network_id == network.id) if network is not None else true()
    named = select(SurveyRound.id).where(in_network, SurveyRound.name == text)
    condition = SurveyRound.id.in_(named)
    number = whole_number(text)
    if number is not None and number <= MAX_ID:
        condition = condition | ((SurveyRound.id == number) & ~exists(named))
    return select(SurveyRound).where(in_network, condition).order_by(SurveyRound.network_id)


def rounds_of_school(school_id: int):
    return (
        select(SurveyRound)
        .join(round_school)
        .where(round_school.c.school_id == school_id)
        .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
    )


def _check_version_usable(version: QuestionnaireVersion) -> None:
    if version.is_withdrawn:
        raise RoundStateError(_("%(version)s is withdrawn: choose a version that is not withdrawn",
                                version=version.label), "version")


def _check_period(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise RoundStateError(_("the round cannot close (%(closes)s) before it opens (%(opens)s)", closes=closes_on,
                                opens=opens_on), "closes_on")


def _check_draft(survey_round: SurveyRound, today: date, what: str) -> None:
    """Refuse a change that only a draft round allows; `what` completes "... is open: <what>"."""
    state = survey_round.state_on(today)
    if state is not RoundState.DRAFT:
        raise RoundStateError(_("'%(name)s' is %(state)s: %(what)s", name=survey_round.name, state=state_label(state),
                                what=what))


def _has_frozen_results(survey_round: SurveyRound) -> bool:
    from survey.results.models import RoundResult

    return db.session.get(RoundResult, survey_round.id) is not None


def create_round(
    network: Network,
    version: QuestionnaireVersion,
    name: str,
    opens_on: date,
    closes_on: date,
    schools: Sequence[School],
    past_confirmed: bool = True,
    today: date | None = None,
) -> SurveyRound:
    """A new round of `version` at `schools` (all of the network's). Its state follows from the dates. The
    web form and the CLI pass `past_confirmed` as the person answered (see `check_opening_date`)."""
    name = name.strip()
    if not name:
        raise RoundStateError(_("a round needs a name"))
    if version.network_id != network.id:
        raise RoundStateError(_("%(version)s is not a questionnaire of %(network)s", version=version.label,
                                network=network.name), "version")
    _check_version_usable(version)
    _check_period(opens_on, closes_on)
    check_opening_date(opens_on, today or date.today(), past_confirmed)
    if not schools:
        raise RoundStateError(_("a round needs at least one school"))
    foreign = [school.code for school in schools if school.network_id != network.id]
    if foreign:
        raise RoundStateError(_("not schools of %(network)s: %(codes)s", network=network.name, codes=", ".join(foreign)))
    if db.session.scalar(select(SurveyRound.id).where(SurveyRound.network_id == network.id, SurveyRound.name == name)):
        raise RoundStateError(_("a round named '%(name)s' already exists: choose another name", name=name))
    survey_round = SurveyRound(
        network=network, version=version, name=name, opens_on=opens_on, closes_on=closes_on, schools=list(schools)
    )
    db.session.add(survey_round)
    db.session.flush()
    return survey_round


def check_opening_date(opens_on: date, today: date, confirmed: bool) -> None:
    """A round created to open in the past must be confirmed: it is open (or closed) at once, and its
    respondents could only have answered from today. Usually the date is a typing error (the wrong year)."""
    if opens_on < today and not confirmed:
        raise RoundStateError(
            _("The opening date %(opens)s is in the past (today is %(today)s): the round would be open, or closed, "
              "at once. Correct the date, or confirm that it should open in the past.",
              opens=format_date(opens_on, LONG_DATE), today=format_date(today, LONG_DATE)),
            field="opens_on",
        )


def open_now(survey_round: SurveyRound, today: date | None = None) -> None:
    """Open a draft round today. A round that is open already or closed cannot be opened."""
    today = today or date.today()
    state = survey_round.state_on(today)
    if state is RoundState.OPEN:
        raise RoundStateError(_("'%(name)s' is open already", name=survey_round.name))
    if state is RoundState.CLOSED:
        raise RoundStateError(_("'%(name)s' is closed and cannot be reopened: create a new round instead",
                                name=survey_round.name))
    survey_round.opens_on = today
    survey_round.closes_on = max(survey_round.closes_on, today)
    db.session.flush()


def check_closable(survey_round: SurveyRound, today: date | None = None) -> None:
    """Refuse to close a round that is not open (what the confirmation page checks before asking)."""
    state = survey_round.state_on(today or date.today())
    if state is not RoundState.OPEN:
        raise RoundStateError(
            _("'%(name)s' is a draft: only an open round can be closed (a draft round can simply be rescheduled)",
              name=survey_round.name) if state is RoundState.DRAFT else
            _("'%(name)s' is closed: only an open round can be closed", name=survey_round.name)
        )


def close_now(survey_round: SurveyRound, today: date | None = None) -> None:
    """Close an open round: its last day becomes yesterday, so from today no answer is accepted."""
    today = today or date.today()
    check_closable(survey_round, today)
    yesterday = today - timedelta(days=1)
    survey_round.opens_on = min(survey_round.opens_on, yesterday)
    survey_round.closes_on = yesterday
    db.session.flush()


def reschedule(survey_round: SurveyRound, opens_on: date, closes_on: date, today: date | None = None) -> None:
    """Move a round's period. A draft round may move freely, from today on (opening it today opens it now);
    an open round may only move its closing date (not into the past: close it instead); a closed round never
    changes, so it is never reopened, whether or not its results are frozen yet."""
    today = today or date.today()
    state = survey_round.state_on(today)
    if state is RoundState.CLOSED:
        raise RoundStateError(
            _("'%(name)s' is closed and its results are frozen: its period can no longer change and it cannot be "
              "reopened; create a new round instead", name=survey_round.name) if _has_frozen_results(survey_round)
            else _("'%(name)s' is closed: its period can no longer change and it cannot be reopened; create a new "
                   "round instead", name=survey_round.name)
        )
    if state is RoundState.OPEN and opens_on != survey_round.opens_on:
        raise RoundStateError(
            _("'%(name)s' is open: its opening date (%(opens)s) is fixed", name=survey_round.name,
              opens=survey_round.opens_on), "opens_on"
        )
    if state is RoundState.DRAFT and opens_on < today:
        raise RoundStateError(
            _("the new opening date %(opens)s is in the past: a round opens today at the earliest", opens=opens_on),
            "opens_on"
        )
    _check_period(opens_on, closes_on)
    if closes_on < today:
        raise RoundStateError(
            _("the new closing date %(closes)s is in the past: use close now to close the round", closes=closes_on)
            if state is RoundState.OPEN else _("the new closing date %(closes)s is in the past", closes=closes_on),
            "closes_on",
        )
    survey_round.opens_on = opens_on
    survey_round.closes_on = closes_on
    db.session.flush()


def versions_for(survey_round: SurveyRound):
    """The versions a round may change to: those of its family that are not withdrawn, oldest first."""
    return (
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.family_id == survey_round.version.family_id,
            QuestionnaireVersion.withdrawn_at.is_(None),
        )
        .order_by(QuestionnaireVersion.published_at, QuestionnaireVersion.id)
    )


def change_version(survey_round: SurveyRound, version: QuestionnaireVersion, today: date | None = None) -> None:
    """Run another version of the same family. Only while the round is a draft: the version is fixed once open."""
    today = today or date.today()
    _check_draft(survey_round, today, _("its questionnaire version is fixed once the round opens"))
    if version.family_id != survey_round.version.family_id:
        raise RoundStateError(
            _("%(version)s is not a %(family)s questionnaire: a round keeps its family", version=version.label,
              family=survey_round.version.family.key),
            "version",
        )
    if version.id == survey_round.version_id:
        return
    _check_version_usable(version)
    survey_round.version = version
    db.session.flush()


@dataclass
class SchoolChange:
    """What `change_schools` did: the schools added and removed, and the links and personal invitations of the
    removed schools that were deleted with them (they no longer work)."""

    added: list[School] = field(default_factory=list)
    removed: list[School] = field(default_factory=list)
    links_deleted: int = 0
    invitations_deleted: int = 0


def change_schools(
    survey_round: SurveyRound,
    add: Sequence[School] = (),
    remove: Sequence[School] = (),
    today: date | None = None,
) -> SchoolChange:
    """Add and remove participating schools, all or nothing. Only while the round is a draft, and never a
    school with responses in the round. A removed school's links, personal invitations, populations and saved
    drafts for the round are deleted: its links stop working."""
    today = today or date.today()
    _check_draft(survey_round, today, _("its schools can only change while it is a draft"))
    name = survey_round.name
    current = {school.id for school in survey_round.schools}
    add = list({school.id: school for school in add}.values())
    remove = list({school.id: school for school in remove}.values())
    both = sorted({s.code for s in add} & {s.code for s in remove})
    if both:
        raise RoundStateError(_("%(codes)s: a school cannot be both added and removed", codes=", ".join(both)),
                              "schools")
    foreign = [school.code for school in add if school.network_id != survey_round.network_id]
    if foreign:
        raise RoundStateError(_("not schools of %(network)s: %(codes)s", network=survey_round.network.name,
                                codes=", ".join(foreign)), "schools")
    present = [school.code for school in add if school.id in current]
    if present:
        raise RoundStateError(ngettext("%(codes)s already takes part in '%(name)s'",
                                       "%(codes)s already take part in '%(name)s'", len(present),
                                       codes=", ".join(present), name=name), "schools")
    absent = [school.code for school in remove if school.id not in current]
    if absent:
        raise RoundStateError(ngettext("%(codes)s does not take part in '%(name)s'",
                                       "%(codes)s do not take part in '%(name)s'", len(absent),
                                       codes=", ".join(absent), name=name), "schools")
    removed_ids = [school.id for school in remove]
    if removed_ids:
        answered = db.session.execute(
            select(School.code, func.count())
            .join(Response, Response.school_id == School.id)
            .where(Response.round_id == survey_round.id, Response.school_id.in_(removed_ids))
            .group_by(School.code)
            .order_by(School.code)
        ).all()
        if answered:
            counts = ", ".join(f"{code} ({count})" for code, count in answered)
            raise RoundStateError(
                _("'%(name)s' has responses from %(counts)s: a school with responses cannot be removed", name=name,
                  counts=counts), "schools"
            )
    if len(current) + len(add) - len(remove) < 1:
        raise RoundStateError(_("a round needs at least one school"), "schools")
    change = SchoolChange(added=add, removed=remove)
    if removed_ids:
        of_round = (SurveyLink.round_id == survey_round.id, SurveyLink.school_id.in_(removed_ids))
        change.links_deleted = db.session.execute(delete(SurveyLink).where(*of_round)).rowcount
        change.invitations_deleted = db.session.execute(
            delete(PersonalInvitation).where(
                PersonalInvitation.round_id == survey_round.id, PersonalInvitation.school_id.in_(removed_ids)
            )
        ).rowcount
        db.session.execute(
            delete(Population).where(
                Population.round_id == survey_round.id,
                Population.program_id.in_(select(Program.id).where(Program.school_id.in_(removed_ids))),
            )
        )
        db.session.execute(
            delete(ResponseDraft).where(
                ResponseDraft.round_id == survey_round.id, ResponseDraft.school_id.in_(removed_ids)
            )
        )
    survey_round.schools = [s for s in survey_round.schools if s.id not in removed_ids] + add
    db.session.flush()
    return change


def set_schools(survey_round: SurveyRound, schools: Sequence[School], today: date | None = None) -> SchoolChange:
    """Make `schools` the round's participating schools (see `change_schools`)."""
    wanted = {school.id for school in schools}
    current = {school.id for school in survey_round.schools}
    return change_schools(
        survey_round,
        add=[school for school in schools if school.id not in current],
        remove=[school for school in survey_round.schools if school.id not in wanted],
        today=today,
    )


def check_deletable(survey_round: SurveyRound, today: date | None = None) -> None:
    """Refuse to delete a round that is not a draft or has responses (what the confirmation page checks before
    asking)."""
    _check_draft(survey_round, today or date.today(), _("only a draft round can be deleted"))
    responses = response_counts([survey_round.id]).get(survey_round.id, 0)
    if responses:
        raise RoundStateError(ngettext(
            "'%(name)s' has %(num)d response: a round with responses cannot be deleted",
            "'%(name)s' has %(num)d responses: a round with responses cannot be deleted", responses,
            name=survey_round.name))


def delete_round(survey_round: SurveyRound, today: date | None = None) -> None:
    """Delete a draft round that has no responses, with its links, invitations and populations."""
    check_deletable(survey_round, today)
    db.session.delete(survey_round)
    db.session.flush()


def check_school_in_round(survey_round: SurveyRound, school: School) -> None:
    if school not in survey_round.schools:
        raise RoundStateError(ngettext("%(codes)s does not take part in '%(name)s'",
                                       "%(codes)s do not take part in '%(name)s'", 1, codes=school.code,
                                       name=survey_round.name))


# --- anonymous links -------------------------------------------------------------------------------------


def new_token() -> str:
    """192 random bits, URL-safe: 32 characters."""
    return secrets.token_urlsafe(24)


def links_of(survey_round: SurveyRound, school: School | None = None):
    statement = (
        select(SurveyLink)
        .join(School, SurveyLink.school_id == School.id)
        .outerjoin(Program, SurveyLink.program_id == Program.id)
        .where(SurveyLink.round_id == survey_round.id)
        .order_by(School.code, SurveyLink.program_id.is_not(None), Program.code)
    )
    if school is not None:
        statement = statement.where(SurveyLink.school_id == school.id)
    return statement


def ensure_links(survey_round: SurveyRound, school: School | None = None, per_program: bool = False) -> list[SurveyLink]:
    """Make sure every school of the round (or only `school`) has its school link, and with `per_program` one
    link per program too; existing links are kept. Returns the links of the round (of `school`)."""
    schools = survey_round.schools if school is None else [school]
    if school is not None:
        check_school_in_round(survey_round, school)
    existing = {(link.school_id, link.program_id) for link in db.session.scalars(links_of(survey_round, school))}
    wanted = []
    for each in schools:
        wanted.append((each, None))
        if per_program:
            wanted.extend((each, program) for program in each.programs)
    missing = [(s, p) for s, p in wanted if (s.id, p.id if p else None) not in existing]
    if missing and survey_round.state_on(date.today()) is RoundState.CLOSED:
        raise RoundStateError(_("'%(name)s' is closed: no new links can be made", name=survey_round.name))
    for each, program in missing:
        db.session.add(SurveyLink(round=survey_round, school=each, program=program, token=new_token()))
    db.session.flush()
    return list(db.session.scalars(links_of(survey_round, school)))


def public_base_url() -> str:
    """Where respondents reach the survey: PUBLIC_URL, never the Host a request named (anyone can send any)."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def link_url(token: str) -> str:
    return f"{public_base_url()}/s/{token}"


def invitation_url(token: str) -> str:
    return f"{public_base_url()}/p/{token}"


# No bare token column: a token may start with "-", which a spreadsheet would read as a formula.
LINK_CSV_COLUMNS = ("round", "school_code", "school_name", "program_code", "program_name", "url")


def links_csv(survey_round: SurveyRound, links: Iterable[SurveyLink]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LINK_CSV_COLUMNS)
    for link in links:
        writer.writerow(
            [
                escape_formula(survey_round.name),
                escape_formula(link.school.code),
                escape_formula(link.school.name),
                escape_formula(link.program.code if link.program else ""),
                escape_formula(link.program.name if link.program else ""),
                link_url(link.token),
            ]
        )
    return out.getvalue()


# --- personal invitations --------------------------------------------------------------------------------


def parse_email_list(text: str) -> tuple[list[str], list[str]]:
    """Addresses from an uploaded list: one per line, or a CSV whose header has an `email` column.
    Returns (normalised unique addresses in order, problems as 'line N: ...')."""
    lines = text.lstrip("\ufeff").splitlines()
    rows = list(csv.reader(lines))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    named = [index for index, cell in enumerate(header) if cell in ("email", "e-mail", "mail")]
    column, start = (named[0], 1) if named else (0, 0)
    emails: list[str] = []
    problems: list[str] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        raw = row[column].strip() if column < len(row) else ""
        try:
            address = validate_email(raw, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            problems.append(_("line %(line)d: '%(address)s' is not a valid e-mail address (%(reason)s)", line=number,
                              address=raw, reason=error))
            continue
        if address not in emails:
            emails.append(address)
    return emails, problems


@dataclass
class InvitationSummary:
    queued: list[str] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    unsubscribed: int = 0


def invite(survey_round: SurveyRound, school: School, emails: Iterable[str], today: date | None = None) -> InvitationSummary:
    """Create one single-use personal invitation per address and queue its e-mail for the paced sender
    (`survey.invitations.delivery.dispatch`), which makes the token `/p/<token>` when it sends.

    Only sha256(token) is ever stored, so the plain token exists only in the e-mail; until then the row holds the
    hash of a token nobody has. An address already invited to this round for this school is skipped, and so is
    one that unsubscribed from the network (only counted: the sender learns no more than that).
    """
    from survey.invitations.delivery import INVITE, queue
    from survey.invitations.unsubscribe import address_hash, unsubscribed_hashes

    today = today or date.today()
    audience = survey_round.version.family.audience
    if audience not in PERSONAL_INVITATION_AUDIENCES:
        raise RoundStateError(
            _("'%(name)s' is a %(audience)s round: personal invitations are for staff and company rounds",
              name=survey_round.name, audience=audience)
        )
    check_school_in_round(survey_round, school)
    if survey_round.state_on(today) is RoundState.CLOSED:
        raise RoundStateError(_("'%(name)s' is closed: no invitations can be sent", name=survey_round.name))
    invited = set(
        db.session.scalars(
            select(PersonalInvitation.email).where(
                PersonalInvitation.round_id == survey_round.id, PersonalInvitation.school_id == school.id
            )
        )
    )
    unsubscribed = unsubscribed_hashes(survey_round.network_id)
    summary = InvitationSummary()
    for email in emails:
        if email in invited:
            summary.already_invited.append(email)
            continue
        if address_hash(email) in unsubscribed:
            summary.unsubscribed += 1
            continue
        invitation = PersonalInvitation(round=survey_round, school=school, email=email,
                                        token_hash=token_hash(new_token()))
        queue(invitation, INVITE)
        db.session.add(invitation)
        invited.add(email)
        summary.queued.append(email)
    db.session.flush()
    return summary


def invitations_of(survey_round: SurveyRound, school: School | None = None):
    statement = select(PersonalInvitation).where(PersonalInvitation.round_id == survey_round.id)
    if school is not None:
        statement = statement.where(PersonalInvitation.school_id == school.id)
    return statement.order_by(PersonalInvitation.school_id, PersonalInvitation.email)


# --- populations -----------------------------------------------------------------------------------------


def set_population(survey_round: SurveyRound, program: Program, size: int | None) -> None:
    """Record how many of `program` could answer in this round (None: forget it)."""
    check_school_in_round(survey_round, program.school)
    if size is not None and size < 0:
        raise RoundStateError(_("a population cannot be negative"))
    row = db.session.get(Population, (survey_round.id, program.id))
    if size is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(Population(round_id=survey_round.id, program_id=program.id, size=size))
    else:
        row.size = size
    db.session.flush()


def update_populations(
    survey_round: SurveyRound, school: School, sizes: dict[int, int | None], today: date
) -> None:
    """Staff's populations for their school's programs (program id -> size, None to forget it). Refused once
    the round has closed (its response rates are final), and below the responses a program already has: a
    response rate over 100% is a typing error."""
    if survey_round.state_on(today) is RoundState.CLOSED:
        raise RoundStateError(
            _("The round closed on %(date)s: its populations can no longer change.",
              date=format_date(survey_round.closes_on, LONG_DATE))
        )
    received = {row.program.id: row.responses for row in live_counts(survey_round, school)[0].rows if row.program}
    programs = {program.id: program for program in school.programs}
    for program_id, size in sizes.items():
        if size is not None and size < received.get(program_id, 0):
            raise RoundStateError(
                _("%(program)s: %(received)s responses have already been received, so its population is at least "
                  "%(received)s, not %(size)s.", program=programs[program_id].name,
                  received=format_decimal(received[program_id]), size=format_decimal(size)),
                field=f"population-{program_id}",
            )
    for program_id, size in sizes.items():
        set_population(survey_round, programs[program_id], size)


def populations_of(survey_round: SurveyRound) -> dict[int, int]:
    return dict(
        db.session.execute(select(Population.program_id, Population.size).where(Population.round_id == survey_round.id)).all()
    )


# --- live counts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """Responses in one program (None: the program is not known) of one school, with the response rate.
    `shown` False: a school's staff see "–" for the count and no rate (`counts_for_staff`)."""

    program: Program | None
    responses: int
    population: int | None
    shown: bool = True

    @property
    def rate(self) -> float | None:
        return self.responses / self.population if self.population and self.shown else None


@dataclass(frozen=True)
class SchoolCounts:
    school: School
    rows: tuple[CountRow, ...]
    total_shown: bool = True

    @property
    def responses(self) -> int:
        return sum(row.responses for row in self.rows)

    @property
    def population(self) -> int | None:
        """The school's population, known only when every program's is."""
        sizes = [row.population for row in self.rows if row.program is not None]
        return sum(sizes) if sizes and all(size is not None for size in sizes) else None

    @property
    def rate(self) -> float | None:
        population = self.population
        return self.responses / population if population and self.total_shown else None


def counts_for_staff(counts: SchoolCounts, k_min: int) -> SchoolCounts:
    """A school's live counts as its staff see them (METHOD.md: live counts follow the same rule as results,
    open or closed): a program below k_min, and the school's total below k_min, show "–" and no rate; a shown
    total never lets a small program be worked out by subtraction (`survey.analysis.protected_counts`)."""
    shown, total_shown = protected_counts([row.responses for row in counts.rows], k_min)
    rows = tuple(replace(row, shown=flag) for row, flag in zip(counts.rows, shown))
    return replace(counts, rows=rows, total_shown=total_shown)


def response_counts(round_ids: Sequence[int]) -> dict[int, int]:
    """Submitted responses per round, for lists of rounds."""
    if not round_ids:
        return {}
    rows = db.session.execute(
        select(Response.round_id, func.count()).where(Response.round_id.in_(round_ids)).group_by(Response.round_id)
    )
    return dict(rows.all())


def live_counts(survey_round: SurveyRound, school: School | None = None) -> list[SchoolCounts]:
    """Responses so far per school and program, with response rates where the population is known:
    one GROUP BY over the round's responses, joined with the populations."""
    statement = (
        select(Response.school_id, Response.program_id, func.count())
        .where(Response.round_id == survey_round.id)
        .group_by(Response.school_id, Response.program_id)
    )
    if school is not None:
        check_school_in_round(survey_round, school)
        statement = statement.where(Response.school_id == school.id)
    counts: dict[int, dict[int | None, int]] = defaultdict(dict)
    for school_id, program_id, count in db.session.execute(statement):
        counts[school_id][program_id] = count
    populations = populations_of(survey_round)
    result = []
    for each in survey_round.schools if school is None else [school]:
        per_program = counts.get(each.id, {})
        rows = [CountRow(p, per_program.get(p.id, 0), populations.get(p.id)) for p in each.programs]
        if per_program.get(None):
            rows.append(CountRow(None, per_program[None], None))
        result.append(SchoolCounts(each, tuple(rows)))
    return result
