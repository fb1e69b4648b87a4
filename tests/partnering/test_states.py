"""The request's state machine, enforced by the operations: who may take which step in which state. A refused
step changes nothing and, through the pages, says why in a flashed message."""
from __future__ import annotations

from datetime import date

import pytest

from survey.partnering import operations
from survey.partnering.models import BenchlearningRequest, RequestStatus
from tests.partnering.conftest import partners_of, post, sign_in

REQUESTER, PARTNER = "low1", "top3"


@pytest.fixture
def new_request(world, db_session):
    def make() -> BenchlearningRequest:
        label, _code = partners_of(world["round"], "LOW1")[0]
        request = operations.send_request(world["users"][REQUESTER], world["round"], "teach", label, "")
        db_session.flush()
        return request

    return make


def in_state(world, new_request, status: str) -> BenchlearningRequest:
    """A request brought to `status` by the allowed steps."""
    users = world["users"]
    request = new_request()
    if status == "withdrawn":
        operations.withdraw(users[REQUESTER], request)
    elif status == "declined":
        operations.decline(users[PARTNER], request)
    elif status != "pending":
        operations.accept(users[PARTNER], request)
        if status in ("visit_planned", "completed"):
            operations.plan_meeting(users[REQUESTER], request, date(2027, 2, 1), "online")
        if status == "completed":
            operations.complete(users[PARTNER], request)
    assert request.status == status
    return request


def step(name: str, user, request) -> None:
    {
        "accept": lambda: operations.accept(user, request),
        "decline": lambda: operations.decline(user, request, "Ikke nu"),
        "withdraw": lambda: operations.withdraw(user, request),
        "plan": lambda: operations.plan_meeting(user, request, date(2027, 3, 1), "other", "Mødet"),
        "complete": lambda: operations.complete(user, request),
        "note": lambda: operations.add_note(user, request, "En note"),
        "reveal": lambda: operations.reveal(user, request),
    }[name]()


# (step, who, from status) -> status after, for every allowed step; everything else is refused
ALLOWED = {
    ("accept", PARTNER, "pending"): "accepted",
    ("decline", PARTNER, "pending"): "declined",
    ("withdraw", REQUESTER, "pending"): "withdrawn",
    **{("plan", who, status): "visit_planned" for who in (REQUESTER, PARTNER) for status in ("accepted", "visit_planned")},
    **{("complete", who, status): "completed" for who in (REQUESTER, PARTNER)
       for status in ("accepted", "visit_planned")},
    **{(name, who, status): status for name in ("note", "reveal") for who in (REQUESTER, PARTNER)
       for status in ("pending", "accepted", "visit_planned", "completed")},
}
STATUSES = [status.value for status in RequestStatus]
STEPS = ("accept", "decline", "withdraw", "plan", "complete", "note", "reveal")


@pytest.mark.parametrize("status", STATUSES)
def test_every_step_in_every_state_by_either_school(world, new_request, db_session, status):
    users = world["users"]
    checked = []
    for name in STEPS:
        for who in (REQUESTER, PARTNER, "mid1"):
            request = in_state(world, new_request, status)
            expected = ALLOWED.get((name, who, status))
            if expected is None:
                with pytest.raises(operations.RequestRefused):
                    step(name, users[who], request)
                assert request.status == status, (name, who)
            else:
                step(name, users[who], request)
                assert request.status == expected, (name, who)
            checked.append((name, who))
            # the next try starts from a fresh request: this one is closed so that a new one may be open
            if request.status in ("pending", "accepted", "visit_planned"):
                request.status = "withdrawn"
                db_session.flush()
    assert len(checked) == len(STEPS) * 3


def test_answering_records_who_and_when_and_a_reason_becomes_a_note(world, new_request):
    request = new_request()
    operations.decline(world["users"][PARTNER], request, "  Vi har ikke tid i år.  ")
    assert request.answered_by_id == world["users"][PARTNER].id and request.answered_at is not None
    assert [note.body for note in request.notes] == ["Vi har ikke tid i år."]


def test_revealing_twice_and_revealing_where_names_are_shared_are_refused(world, new_request):
    request = new_request()
    operations.reveal(world["users"][REQUESTER], request)
    with pytest.raises(operations.RequestRefused, match="already agreed"):
        operations.reveal(world["users"]["low1b"], request)
    world["network"].share_school_names = True
    with pytest.raises(operations.RequestRefused, match="shows school names anyway"):
        operations.reveal(world["users"][PARTNER], request)


def test_an_unknown_meeting_kind_and_an_empty_note_are_refused(world, new_request):
    request = new_request()
    operations.accept(world["users"][PARTNER], request)
    with pytest.raises(operations.RequestRefused):
        operations.plan_meeting(world["users"][PARTNER], request, date(2027, 1, 1), "dinner")
    with pytest.raises(operations.RequestRefused):
        operations.add_note(world["users"][PARTNER], request, "   ")
    assert request.status == "accepted" and request.notes == []


def test_a_refused_step_through_the_pages_says_why_and_changes_nothing(app, db_session, world, run_jobs,
                                                                      new_request):
    request = new_request()
    db_session.commit()
    run_jobs()
    requester = sign_in(app, world["users"][REQUESTER])
    answer = post(requester, f"/school/requests/{request.id}/accept")
    assert answer.status_code == 302
    page = requester.get(answer.headers["Location"]).text
    assert "Only the school the request was sent to can accept it." in page
    partner = sign_in(app, world["users"][PARTNER])
    for path in ("withdraw", "complete"):
        answer = post(partner, f"/school/requests/{request.id}/{path}")
        assert "flash-error" in partner.get(answer.headers["Location"]).text
    early = post(partner, f"/school/requests/{request.id}/meeting", {"on": "2027-01-01", "kind": "online"})
    assert "can be planned once the request is accepted" in partner.get(early.headers["Location"]).text
    db_session.expire_all()
    assert request.status == "pending" and request.meeting_on is None
    assert run_jobs() == {}  # nothing refused notifies anyone


def test_an_invalid_meeting_form_is_shown_again_with_its_errors(app, db_session, world, new_request):
    request = new_request()
    operations.accept(world["users"][PARTNER], request)
    db_session.commit()
    partner = sign_in(app, world["users"][PARTNER])
    answer = post(partner, f"/school/requests/{request.id}/meeting", {"on": "not a date", "kind": "online"})
    assert answer.status_code == 422 and "Not a valid date value." in answer.text
    db_session.expire_all()
    assert request.status == "accepted"


def test_the_database_holds_one_open_request_per_pair_and_dimension(world, new_request, db_session):
    """What the operation checks first, the schema enforces too (two requests sent at the same moment)."""
    import sqlalchemy.exc

    first = new_request()
    duplicate = BenchlearningRequest(network_id=first.network_id, from_school_id=first.from_school_id,
                                     to_school_id=first.to_school_id, round_id=first.round_id, dimension="teach",
                                     partner_label=first.partner_label, message="", meeting_note="")
    with pytest.raises(sqlalchemy.exc.IntegrityError), db_session.begin_nested():
        db_session.add(duplicate)
    first.status = "declined"  # a closed request leaves room for a new one
    db_session.flush()
    with db_session.begin_nested():
        db_session.add(BenchlearningRequest(network_id=first.network_id, from_school_id=first.from_school_id,
                                            to_school_id=first.to_school_id, round_id=first.round_id,
                                            dimension="teach", partner_label=first.partner_label, message="",
                                            meeting_note=""))
