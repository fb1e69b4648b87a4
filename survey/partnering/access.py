"""Who may read which benchlearning request: the staff of the two schools it is between, nobody else (404).
Admins see learning activity only as counts (survey/learning), never the requests or their notes."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, false, or_, select

from survey.accounts.models import Role, User
from survey.extensions import db
from survey.partnering.models import BenchlearningRequest


def requests_visible_to(user: User) -> Select:
    query = select(BenchlearningRequest)
    if user.role == Role.SCHOOL_STAFF and user.school_id is not None:
        return query.where(BenchlearningRequest.network_id == user.network_id,
                           or_(BenchlearningRequest.from_school_id == user.school_id,
                               BenchlearningRequest.to_school_id == user.school_id))
    return query.where(false())


def may_read(user: User, request: BenchlearningRequest) -> bool:
    return (user.role == Role.SCHOOL_STAFF and request.network_id == user.network_id
            and user.school_id in (request.from_school_id, request.to_school_id))


def request_for(user: User, request_id: int) -> BenchlearningRequest:
    found = db.session.get(BenchlearningRequest, request_id)
    if found is None or not may_read(user, found):
        abort(404)
    return found


def counterpart_name(request: BenchlearningRequest, viewer_school_id: int) -> str | None:
    """The other school's name as the viewer may see it, or None when identities are not revealed (the page then
    says "the partner school" with `partner_label` to the requester, "a school in the network" to the partner)."""
    if not request.identities_revealed():
        return None
    other = request.to_school if request.from_school_id == viewer_school_id else request.from_school
    return other.name
