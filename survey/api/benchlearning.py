"""The API of benchlearning: practice cards, a school's own action plans and its benchlearning requests.

Every object is read through the visibility module of its feature (survey/practices/access.py,
survey/plans/access.py, survey/partnering/access.py), lists and single objects alike, so that the API shows
exactly what the pages show; anything the token's user may not read answers 404, like an object that does not
exist. The token acts as its user (a school's staff, a network admin, an organiser's staff), which is the `user`
those modules take: no adapter is needed.

Other schools are named as the pages name them: a card's school where the network shares names (and always to
its own staff and the network's admins); the other school of a request, and its contact, only when
`BenchlearningRequest.identities_revealed()`.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort, jsonify, request, send_file, url_for
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from survey.accounts.models import User
from survey.api import bp
from survey.api.auth import current_api_user
from survey.audit import record
from survey.extensions import db
from survey.learning.evidence import CardEvidence, RoundPoint, card_evidence
from survey.network.models import School
from survey.partnering import access as request_access
from survey.partnering.models import BenchlearningRequest
from survey.plans import access as plan_access
from survey.plans.models import ActionPlan
from survey.plans.pages import partner_as_seen
from survey.practices import access as card_access
from survey.practices.attachments import path_of
from survey.practices.models import PracticeAttachment, PracticeCard, TagKind
from survey.practices.search import CardFilters, search_cards

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CARD_FILTERS = ("dimension", "item", "school_type", "program", "language", "featured", "q")
PAGE_PARAMETERS = ("limit", "offset")


# --- shared ----------------------------------------------------------------------------------------------


def bad_request(message: str):
    """Stop the request with a 400 that says what was wrong."""
    response = jsonify(error=message, status=400)
    response.status_code = 400
    abort(response)


def page_window() -> tuple[int, int]:
    """`limit` (1..MAX_LIMIT, default DEFAULT_LIMIT) and `offset` (from 0) of a list request; 400 otherwise."""
    values = {}
    for name, default, low, high in (("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), ("offset", 0, 0, None)):
        raw = request.args.get(name, "")
        if raw == "":
            values[name] = default
            continue
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            bad_request(f"'{name}' must be a whole number from {low}" + (f" to {high}" if high else " up"))
        values[name] = value
    return values["limit"], values["offset"]


def page_json(items: list[dict], total: int, limit: int, offset: int) -> dict:
    """A page of a list: its items, how many there are in all, and the links to the pages beside it (the same
    request with another offset; null at either end)."""

    def link(to: int) -> str:
        args = {**request.args.to_dict(), "limit": limit, "offset": to}
        return url_for(request.endpoint, _external=True, **(request.view_args or {}), **args)

    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < total else None,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
        "items": items,
    }


def paginate(query: Select) -> tuple[list, int, int, int]:
    """The query's objects on the requested page, with the total count."""
    limit, offset = page_window()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    found = db.session.scalars(query.limit(limit).offset(offset)).all()
    return found, total, limit, offset


def utc_iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None; SQLite hands stored times back without their zone, which is UTC."""
    if moment is None:
        return None
    zoned = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return zoned.isoformat()


def day_iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def school_named(user: User, school: School) -> bool:
    """Whether `user` may read `school`'s name beside a card or a plan's partner, as the library's pages name it
    (survey/practices/display.py `school_label`): where the network shares names, and always to the school's
    own staff and the network's admins."""
    return school.network.share_school_names or user.is_network_admin or school.id == user.school_id


def school_json(user: User, school: School) -> dict | None:
    return {"code": school.code, "name": school.name} if school_named(user, school) else None


# --- practice cards --------------------------------------------------------------------------------------


def card_filters() -> CardFilters:
    """The request's filters, as the library's search takes them; 400 for a `featured` that is not a boolean."""
    args = request.args
    if args.get("featured", "false") not in ("true", "false"):
        bad_request("'featured' is true or false")
    return CardFilters(text=args.get("q") or None, dimension=args.get("dimension") or None,
                       item=args.get("item") or None, school_type=args.get("school_type") or None,
                       program=args.get("program") or None, language=args.get("language") or None,
                       featured=True if args.get("featured") == "true" else None)


def card_url(card: PracticeCard) -> str:
    return url_for("api.practice_detail", card_id=card.id, _external=True)


def card_summary_json(user: User, card: PracticeCard) -> dict:
    return {
        "id": card.id,
        "url": card_url(card),
        "title": card.title,
        "summary": card.summary,
        "school": school_json(user, card.school),
        "own_school": card.school_id == user.school_id,
        "status": card.status,
        "featured": card.featured,
        "language": card.language,
        "started_on": day_iso(card.started_on),
        "published_at": utc_iso(card.published_at),
        "updated_at": utc_iso(card.updated_at),
        "dimensions": card.tag_values(TagKind.DIMENSION),
        "items": card.tag_values(TagKind.ITEM),
        "programs": card.tag_values(TagKind.PROGRAM),
        "school_types": card.tag_values(TagKind.SCHOOL_TYPE),
        "participants": card.tag_values(TagKind.PARTICIPANT),
    }


def attachment_json(card: PracticeCard, attachment: PracticeAttachment) -> dict:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": utc_iso(attachment.uploaded_at),
        "url": url_for("api.practice_attachment", card_id=card.id, attachment_id=attachment.id, _external=True),
    }


def round_point_json(point: RoundPoint | None) -> dict | None:
    if point is None:
        return None
    return {"round": {"id": point.round_id, "name": point.round_name}, "closes_on": point.closes_on.isoformat(),
            "n": point.n, "index": point.index, "ci_low": point.ci_low, "ci_high": point.ci_high,
            "response_rate": point.response_rate, "suppressed": point.suppressed}


def evidence_json(evidence: CardEvidence) -> dict:
    """The card's school's published index on each dimension the card addresses, over the comparable closed
    rounds, and the change measured since the practice began (survey/learning/evidence.py): what the card's page
    shows beside it, as numbers. Suppressed cells carry no number, as everywhere."""
    return {
        "minimal_difference": evidence.minimal_difference,
        "dimensions": [
            {
                "tag": dimension.tag,
                "family": dimension.family,
                "dimension": dimension.dimension,
                "title": dict(dimension.title),
                "series": [round_point_json(point) for point in dimension.series],
                "change": {
                    "status": dimension.change.status,
                    "baseline": round_point_json(dimension.change.baseline),
                    "latest": round_point_json(dimension.change.latest),
                    "change": dimension.change.change,
                    "change_low": dimension.change.change_low,
                    "change_high": dimension.change.change_high,
                    "q_value": dimension.change.q_value,
                    "flag": dimension.change.flag,
                },
            }
            for dimension in evidence.dimensions
        ],
    }


def card_json(user: User, card: PracticeCard) -> dict:
    """Everything a reader of the card's page reads: its text, tags, contact (inside the network only, which
    the token's scoping ensures), its attachments' metadata with their download URL, and the evidence beside it."""
    return card_summary_json(user, card) | {
        "what": card.what,
        "why": card.why,
        "participants_note": card.participants_note,
        "contact": {"name": card.contact_name, "role": card.contact_role, "email": card.contact_email},
        "created_at": utc_iso(card.created_at),
        "attachments": [attachment_json(card, attachment) for attachment in card.attachments],
        "evidence": evidence_json(card_evidence(card)),
    }


@bp.get("/practices")
def practices():
    """The practice cards the token's user may read, filtered, a page at a time."""
    user, filters = current_api_user(), card_filters()
    limit, offset = page_window()
    found = search_cards(user, filters, limit=limit, offset=offset)
    # the page's tags and schools in two queries rather than two per card
    db.session.scalars(select(PracticeCard).where(PracticeCard.id.in_([card.id for card in found.cards])).options(
        selectinload(PracticeCard.tags), selectinload(PracticeCard.school).joinedload(School.network))).all()
    return jsonify(page_json([card_summary_json(user, card) for card in found.cards], found.total, limit, offset))


@bp.get("/practices/<int:card_id>")
def practice_detail(card_id: int):
    user = current_api_user()
    return jsonify(card_json(user, card_access.card_for(user, card_id)))


@bp.get("/practices/<int:card_id>/attachments/<int:attachment_id>")
def practice_attachment(card_id: int, attachment_id: int):
    """The attachment's file, to a reader of its card only; always a download, never rendered by the browser."""
    user = current_api_user()
    card = card_access.card_for(user, card_id)
    attachment = next((a for a in card.attachments if a.id == attachment_id), None)
    path = path_of(attachment) if attachment is not None else None
    if path is None or not path.is_file():
        abort(404)
    record(user, "attachment.download", f"practice card {card.id}", {"attachment": attachment.id, "api": True})
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- action plans ----------------------------------------------------------------------------------------


def plan_partner_json(user: User, plan: ActionPlan) -> dict | None:
    """The school the plan learns from: `label` as the plan's page shows it (the school's own partner list), and
    `school` only where the reader may name it: a network admin always (admins read plans only where the network
    allows it), a school's staff where the network shares names or a request between the two schools revealed
    both."""
    partner = plan.partner_school
    if partner is None:
        return None
    label = partner_as_seen(plan, plan.school.report_language)
    named = school_named(user, partner) or db.session.scalar(
        select(BenchlearningRequest).where(
            or_((BenchlearningRequest.from_school_id == plan.school_id)
                & (BenchlearningRequest.to_school_id == partner.id),
                (BenchlearningRequest.from_school_id == partner.id)
                & (BenchlearningRequest.to_school_id == plan.school_id)),
            BenchlearningRequest.from_reveals, BenchlearningRequest.to_reveals,
        ).limit(1)
    ) is not None
    return {"label": label, "school": {"code": partner.code, "name": partner.name} if named else None}


def plan_summary_json(plan: ActionPlan) -> dict:
    return {
        "id": plan.id,
        "url": url_for("api.plan_detail", plan_id=plan.id, _external=True),
        "title": plan.title,
        "status": plan.status,
        "school": {"code": plan.school.code, "name": plan.school.name},
        "base_round": {"id": plan.base_round.id, "name": plan.base_round.name},
        "focus_dimensions": [focus.dimension for focus in plan.focuses],
        "created_at": utc_iso(plan.created_at),
        "updated_at": utc_iso(plan.updated_at),
    }


def plan_json(user: User, plan: ActionPlan) -> dict:
    """The plan with its focuses, actions and the adopted cards the reader may read (an adopted card its school
    has taken back to draft is left out, as on the pages)."""
    adopted = [card for card in plan.adopted_cards if card_access.may_read(user, card)]
    return plan_summary_json(plan) | {
        "focuses": [
            {"dimension": f.dimension, "position": f.position, "baseline": f.baseline, "goal": f.goal,
             "detectable_change": f.detectable_change, "suggested": f.suggested}
            for f in plan.focuses
        ],
        "actions": [
            {"id": a.id, "dimension": a.dimension, "description": a.description, "owner": a.owner,
             "deadline": day_iso(a.deadline), "status": a.status}
            for a in plan.actions
        ],
        "adopted_cards": [
            {"id": card.id, "url": card_url(card), "title": card.title, "school": school_json(user, card.school)}
            for card in adopted
        ],
        "partner": plan_partner_json(user, plan),
        "partner_note": plan.partner_note,
    }


@bp.get("/plans")
def plans():
    """The token's school's action plans (a network admin: the network's, where its settings allow it)."""
    query = plan_access.plans_visible_to(current_api_user()).options(
        selectinload(ActionPlan.school), selectinload(ActionPlan.base_round), selectinload(ActionPlan.focuses)
    ).order_by(ActionPlan.created_at.desc(), ActionPlan.id.desc())
    found, total, limit, offset = paginate(query)
    return jsonify(page_json([plan_summary_json(plan) for plan in found], total, limit, offset))


@bp.get("/plans/<int:plan_id>")
def plan_detail(plan_id: int):
    user = current_api_user()
    return jsonify(plan_json(user, plan_access.plan_for(user, plan_id)))


# --- benchlearning requests ------------------------------------------------------------------------------


def active_email(user_id: int | None) -> str | None:
    found = db.session.get(User, user_id) if user_id is not None else None
    return found.email if found is not None and found.active else None


def request_summary_json(user: User, found: BenchlearningRequest) -> dict:
    """A request as the token's school sees it on its request page (survey/partnering): the other school is named
    only when `identities_revealed()`; until then the requester reads the label under which it chose the
    partner, and the partner reads nothing about who asked ("a school in the network")."""
    sent = found.from_school_id == user.school_id
    return {
        "id": found.id,
        "url": url_for("api.request_detail", request_id=found.id, _external=True),
        "direction": "sent" if sent else "received",
        "status": found.status,
        "round": {"id": found.round.id, "name": found.round.name},
        "dimension": found.dimension,
        "counterpart": {
            "name": request_access.counterpart_name(found, user.school_id),
            "label": found.partner_label if sent else None,
        },
        "identities_revealed": found.identities_revealed(),
        "own_school_reveals": found.from_reveals if sent else found.to_reveals,
        "counterpart_reveals": found.to_reveals if sent else found.from_reveals,
        "created_at": utc_iso(found.created_at),
        "answered_at": utc_iso(found.answered_at),
        "meeting_on": day_iso(found.meeting_on),
        "meeting_kind": found.meeting_kind,
    }


def request_json(user: User, found: BenchlearningRequest) -> dict:
    """The request with its message and shared notes. As on the page, the other school's staff are never named
    in its notes, and its contact only once identities are revealed: to the partner, who sent the request; to the
    requester, who answered it; a colleague's notes carry their author."""
    sent = found.from_school_id == user.school_id
    contact = None
    if found.identities_revealed():
        contact = active_email(found.answered_by_id if sent else found.created_by_id)
    return request_summary_json(user, found) | {
        "message": found.message,
        "contact": contact,
        "meeting_note": found.meeting_note,
        "notes": [
            {
                "id": note.id,
                "by": "own_school" if note.school_id == user.school_id else "counterpart",
                "author": active_email(note.author_id) if note.school_id == user.school_id else None,
                "body": note.body,
                "created_at": utc_iso(note.created_at),
            }
            for note in found.notes
        ],
    }


@bp.get("/requests")
def requests():
    """The benchlearning requests the token's school sent and received, newest first."""
    user = current_api_user()
    query = request_access.requests_visible_to(user).options(
        selectinload(BenchlearningRequest.round), selectinload(BenchlearningRequest.network)
    ).order_by(BenchlearningRequest.created_at.desc(), BenchlearningRequest.id.desc())
    found, total, limit, offset = paginate(query)
    return jsonify(page_json([request_summary_json(user, r) for r in found], total, limit, offset))


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    user = current_api_user()
    return jsonify(request_json(user, request_access.request_for(user, request_id)))
