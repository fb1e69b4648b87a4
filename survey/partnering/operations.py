"""What the two schools of a benchlearning request do, and in which state they may do it.

A request is sent from the requesting school's list of benchmark partners of a closed round: the form names the
round, the dimension and the partner's label as the school saw it, and the partner school is looked up here, in
the round's stored, unfiltered partners table, never taken from the form (a form naming a school would let anyone
reach any school, and tell which label is which school).

The state machine (`RequestStatus`), who may move it and when:

    pending --accept (partner)--> accepted --plan (either)--> visit_planned --complete (either)--> completed
    pending --decline (partner)--> declined          accepted --complete (either)--> completed
    pending --withdraw (requester)--> withdrawn      visit_planned --plan again (either)--> visit_planned

Either school may add a note while the request is open or completed, and agree to reveal itself at any time
until it is declined or withdrawn; names are shown when both agreed (or always where the network shares names).
`RULES` holds these rules once: the operations enforce them and the request's page offers what they allow.
Every step notifies the other school's staff (survey.notifications). A refused step raises `RequestRefused`
with a message for the user and changes nothing. Operations flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask_babel import gettext as _, lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.accounts.models import Role, User
from survey.extensions import db
from survey.network.models import School
from survey.notifications.operations import notify_school
from survey.partnering.labels import dimension_title
from survey.partnering.models import (
    MEETING_KINDS,
    OPEN_STATUSES,
    BenchlearningRequest,
    RequestNote,
    RequestStatus,
)
from survey.results.service import ResultsNotReady, round_results, stored_results_of
from survey.rounds.models import RoundState, SurveyRound, round_school

MESSAGE_MAX = 4000
NOTE_MAX = 4000
# what a notification of each step is called (survey/notifications/messages.py writes its text)
RECEIVED, ACCEPTED, DECLINED, WITHDRAWN = "request.received", "request.accepted", "request.declined", "request.withdrawn"
MEETING, COMPLETED, NOTE = "request.meeting", "request.completed", "request.note"
REVEAL_OFFERED, REVEALED = "request.reveal_offered", "request.revealed"


class RequestRefused(Exception):
    """A step the user may not take (the wrong school, the wrong state, a partner not on the list)."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- the partner lists a request starts from --------------------------------------------------------------


@dataclass
class PartnerEntry:
    label: str  # the partner's name where the network shares names, else its anonymous label ("School A")
    partner_index: float | None
    school_index: float | None
    open_request: BenchlearningRequest | None = None  # this school's open request to that partner on the dimension


@dataclass
class DimensionPartners:
    key: str
    title: str
    partners: list[PartnerEntry] = field(default_factory=list)


@dataclass
class RoundPartners:
    round: SurveyRound
    dimensions: list[DimensionPartners]


def closed_rounds_with_results(school: School, today: date | None = None) -> list[SurveyRound]:
    """The school's closed rounds whose results are frozen, newest first."""
    today = today or date.today()
    rounds = [r for r in db.session.scalars(
        select(SurveyRound).join(round_school).where(round_school.c.school_id == school.id)
        .order_by(SurveyRound.closes_on.desc(), SurveyRound.id.desc())) if r.state_on(today) is RoundState.CLOSED]
    frozen, _snapshots = stored_results_of([r.id for r in rounds])
    return [r for r in rounds if r.id in frozen]


def partner_lists(school: School, language: str) -> list[RoundPartners]:
    """For each closed round with results, the school's benchmark partners per "Improve first" dimension, as its
    staff may read them (`RoundResults.for_school`: labels, or names where the network shares names), each with
    the school's open request to that partner, if any (found through the unfiltered table, never shown)."""
    open_requests = {(r.to_school_id, r.dimension): r for r in db.session.scalars(
        select(BenchlearningRequest).where(BenchlearningRequest.from_school_id == school.id,
                                           BenchlearningRequest.status.in_(OPEN_STATUSES)))}
    found = []
    for survey_round in closed_rounds_with_results(school):
        results = round_results(survey_round)
        visible = results.for_school(school.code).partners
        if visible.empty:
            continue
        codes = _partner_schools(survey_round, results.partners, school)
        dimensions: dict[str, DimensionPartners] = {}
        for row in visible.sort_values("order", kind="stable").itertuples(index=False):
            section = dimensions.setdefault(row.dimension, DimensionPartners(
                row.dimension, dimension_title(survey_round, row.dimension, language)))
            partner_id = codes.get((row.dimension, row.partner_label))
            section.partners.append(PartnerEntry(row.partner_label, _float(row.partner_index),
                                                 _float(row.school_index),
                                                 open_requests.get((partner_id, row.dimension))))
        found.append(RoundPartners(survey_round, [dimensions[key] for key in dict.fromkeys(visible["dimension"])]))
    return found


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _partner_schools(survey_round: SurveyRound, table, school: School) -> dict[tuple[str, str], int]:
    """(dimension, label) -> the partner school's id, from the round's unfiltered partners table."""
    own = table[table["school"] == school.code]
    if own.empty:
        return {}
    ids = dict(db.session.execute(select(School.code, School.id).where(
        School.network_id == survey_round.network_id, School.code.in_(set(own["partner_school"])))).all())
    return {(row.dimension, row.partner_label): ids[row.partner_school]
            for row in own.itertuples(index=False) if row.partner_school in ids}


def resolve_partner(survey_round: SurveyRound, school: School, dimension: str, label: str) -> School | None:
    """The school behind `label` on `school`'s partner list for `dimension` in `survey_round`, or None when the
    list has no such partner (or the round has no frozen results)."""
    if survey_round.state_on(date.today()) is not RoundState.CLOSED or school not in survey_round.schools:
        return None
    try:
        results = round_results(survey_round)
    except ResultsNotReady:
        return None
    partner_id = _partner_schools(survey_round, results.partners, school).get((dimension, label))
    return db.session.get(School, partner_id) if partner_id is not None else None


# --- the steps ----------------------------------------------------------------------------------------------


def _link(request: BenchlearningRequest) -> str:
    return f"/school/requests/{request.id}"


def _tell(school: School, kind: str, request: BenchlearningRequest) -> None:
    notify_school(school, kind, {"request": request.id}, _link(request))


def _school_of(user: User) -> School:
    if user.role != Role.SCHOOL_STAFF or user.school is None:
        raise RequestRefused(_("Only a school's staff can take part in benchlearning requests."))
    return user.school


def _side(request: BenchlearningRequest, user: User) -> str:
    """"from" (the requesting school) or "to" (the partner) for the user's school; refused for anyone else."""
    school = _school_of(user)
    if request.network_id != school.network_id or school.id not in (request.from_school_id, request.to_school_id):
        raise RequestRefused(_("Your school is not part of this request."))
    return "from" if school.id == request.from_school_id else "to"


_ANSWERABLE = (RequestStatus.PENDING.value,)
_MEETABLE = (RequestStatus.ACCEPTED.value, RequestStatus.VISIT_PLANNED.value)
_LIVE = OPEN_STATUSES + (RequestStatus.COMPLETED.value,)  # not declined, not withdrawn
BOTH = ("from", "to")


@dataclass(frozen=True)
class Rule:
    sides: tuple[str, ...]  # which school may take the step
    statuses: tuple[str, ...]  # in which states
    wrong_side: LazyString | None  # why the other school may not
    wrong_state: LazyString  # why not in another state


RULES: dict[str, Rule] = {
    "accept": Rule(("to",), _ANSWERABLE, _l("Only the school the request was sent to can accept it."),
                   _l("Only a request waiting for an answer can be accepted.")),
    "decline": Rule(("to",), _ANSWERABLE, _l("Only the school the request was sent to can decline it."),
                    _l("Only a request waiting for an answer can be declined.")),
    "withdraw": Rule(("from",), _ANSWERABLE, _l("Only the school that sent the request can withdraw it."),
                     _l("Only a request waiting for an answer can be withdrawn.")),
    "plan": Rule(BOTH, _MEETABLE, None, _l("A visit or meeting can be planned once the request is accepted.")),
    "complete": Rule(BOTH, _MEETABLE, None, _l("Only an accepted request can be marked as completed.")),
    "note": Rule(BOTH, _LIVE, None, _l("Notes cannot be added to a declined or withdrawn request.")),
    "reveal": Rule(BOTH, _LIVE, None, _l("A declined or withdrawn request reveals nothing.")),
}
"""Who may take which step in which state: the operations enforce it, the request's page offers what it allows."""


def _check(step: str, request: BenchlearningRequest, user: User) -> str:
    """The user's side, if the user's school may take `step` now; else RequestRefused saying why."""
    side = _side(request, user)
    rule = RULES[step]
    if side not in rule.sides:
        raise RequestRefused(str(rule.wrong_side))
    if request.status not in rule.statuses:
        raise RequestRefused(str(rule.wrong_state))
    if step == "reveal":
        if request.network.share_school_names:
            raise RequestRefused(_("Your network shows school names anyway."))
        if request.from_reveals if side == "from" else request.to_reveals:
            raise RequestRefused(_("Your school has already agreed to show its name."))
    return side


def allowed_steps(request: BenchlearningRequest, user: User) -> set[str]:
    """The steps the user's school may take on the request now (what its page offers)."""
    allowed = set()
    for step in RULES:
        try:
            _check(step, request, user)
        except RequestRefused:
            continue
        allowed.add(step)
    return allowed


def _other(request: BenchlearningRequest, side: str) -> School:
    return request.to_school if side == "from" else request.from_school


def send_request(user: User, survey_round: SurveyRound, dimension: str, label: str, message: str,
                 reveal: bool = False) -> BenchlearningRequest:
    """Ask the partner behind `label` (on the user's school's list for `dimension` in `survey_round`) to share
    what it does; `reveal`: the requesting school agrees to show its name to the partner."""
    school = _school_of(user)
    partner = resolve_partner(survey_round, school, dimension, label)
    if partner is None or partner.network_id != school.network_id:
        raise RequestRefused(_("That school is not one of your benchmark partners on this dimension."))
    duplicate = db.session.scalar(select(BenchlearningRequest.id).where(
        BenchlearningRequest.from_school_id == school.id, BenchlearningRequest.to_school_id == partner.id,
        BenchlearningRequest.dimension == dimension, BenchlearningRequest.status.in_(OPEN_STATUSES)))
    if duplicate is not None:
        raise RequestRefused(_("Your school already has an open request to this partner about this dimension."))
    request = BenchlearningRequest(
        network_id=school.network_id, from_school=school, to_school=partner, round=survey_round,
        dimension=dimension, partner_label=label, message=message.strip()[:MESSAGE_MAX],
        status=RequestStatus.PENDING.value, from_reveals=bool(reveal), to_reveals=False, meeting_note="",
        created_at=utc_now(), created_by_id=user.id)
    try:
        with db.session.begin_nested():  # two browsers sending at once: the unique index refuses the second
            db.session.add(request)
    except IntegrityError:
        raise RequestRefused(_("Your school already has an open request to this partner about this dimension.")) \
            from None
    _tell(partner, RECEIVED, request)
    return request


def accept(user: User, request: BenchlearningRequest, reveal: bool = False) -> None:
    _check("accept", request, user)
    request.status = RequestStatus.ACCEPTED.value
    request.answered_at, request.answered_by_id = utc_now(), user.id
    if reveal:
        request.to_reveals = True
    db.session.flush()
    _tell(request.from_school, ACCEPTED, request)


def decline(user: User, request: BenchlearningRequest, reason: str = "") -> None:
    """The reason, if given, becomes the first note of the thread."""
    _check("decline", request, user)
    request.status = RequestStatus.DECLINED.value
    request.answered_at, request.answered_by_id = utc_now(), user.id
    if reason.strip():
        db.session.add(RequestNote(request=request, school_id=user.school_id, author_id=user.id,
                                   body=reason.strip()[:NOTE_MAX], created_at=utc_now()))
    db.session.flush()
    _tell(request.from_school, DECLINED, request)


def withdraw(user: User, request: BenchlearningRequest) -> None:
    _check("withdraw", request, user)
    request.status = RequestStatus.WITHDRAWN.value
    db.session.flush()
    _tell(request.to_school, WITHDRAWN, request)


def plan_meeting(user: User, request: BenchlearningRequest, on: date, kind: str, note: str = "") -> None:
    """Set (or move) the visit or meeting. `kind` is one of MEETING_KINDS, seen from the requesting school
    (`visit_to_partner`: the requester visits the partner)."""
    side = _check("plan", request, user)
    if kind not in MEETING_KINDS:
        raise RequestRefused(_("Choose what kind of visit or meeting it is."))
    request.status = RequestStatus.VISIT_PLANNED.value
    request.meeting_on, request.meeting_kind, request.meeting_note = on, kind, note.strip()[:NOTE_MAX]
    db.session.flush()
    _tell(_other(request, side), MEETING, request)


def complete(user: User, request: BenchlearningRequest) -> None:
    side = _check("complete", request, user)
    request.status = RequestStatus.COMPLETED.value
    db.session.flush()
    _tell(_other(request, side), COMPLETED, request)


def reveal(user: User, request: BenchlearningRequest) -> None:
    """The user's school agrees to show its name to the other school; names are shown once both agreed."""
    side = _check("reveal", request, user)
    if side == "from":
        request.from_reveals = True
    else:
        request.to_reveals = True
    db.session.flush()
    _tell(_other(request, side), REVEALED if request.identities_revealed() else REVEAL_OFFERED, request)


def add_note(user: User, request: BenchlearningRequest, body: str) -> RequestNote:
    side = _check("note", request, user)
    if not body.strip():
        raise RequestRefused(_("Write the note first."))
    note = RequestNote(request=request, school_id=user.school_id, author_id=user.id, body=body.strip()[:NOTE_MAX],
                       created_at=utc_now())
    db.session.add(note)
    db.session.flush()
    _tell(_other(request, side), NOTE, request)
    return note
