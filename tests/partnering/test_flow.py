"""A request's whole life through the pages: sent from the partner list, received, accepted, planned, noted,
completed; each step notifies exactly the other school's active staff, in the portal and by e-mail."""
from __future__ import annotations

from sqlalchemy import select

from survey.notifications.models import Notification
from survey.partnering.models import BenchlearningRequest
from tests.partnering.conftest import partners_of, post, sign_in


def notified(db_session) -> dict[str, list[str]]:
    """address -> kinds of the notifications stored so far."""
    from survey.accounts.models import User

    db_session.expire_all()
    rows = db_session.execute(select(User.email, Notification.kind).join(User, User.id == Notification.user_id)
                              .order_by(Notification.id)).all()
    found: dict[str, list[str]] = {}
    for email, kind in rows:
        found.setdefault(email, []).append(kind)
    return found


def test_a_school_asks_a_partner_and_the_partner_answers(app, db_session, world, run_jobs):
    users, survey_round = world["users"], world["round"]
    (label, code), *_ = partners_of(survey_round, "LOW1")
    assert code == "TOP3"
    low1 = sign_in(app, users["low1"])
    page = low1.get("/school/partners")
    assert page.status_code == 200, page.text
    assert label in page.text and "Ask to learn from this school" in page.text and "Skolen top3" not in page.text
    sent = post(low1, f"/school/partners/{survey_round.id}/ask",
                {"dimension": "teach", "partner": label, "message": "Hvordan giver I feedback?"}, "/school/partners")
    assert sent.status_code == 302, sent.text
    request = db_session.scalar(select(BenchlearningRequest))
    assert (request.from_school.code, request.to_school.code, request.status) == ("LOW1", "TOP3", "pending")
    assert sent.headers["Location"] == f"/school/requests/{request.id}"
    mails = run_jobs()
    assert sorted(mails) == ["carl@top3.example.org", "dina@top3.example.org"]  # TOP3's staff, nobody else
    danish = mails["dina@top3.example.org"][0].get_content()
    assert "Ny anmodning om benchlearning" in danish and f"http://benchlearn.test/school/requests/{request.id}" in danish
    assert "Skolen low1" not in danish and "anne@low1" not in danish

    top3 = sign_in(app, users["top3"])
    assert "(1 unread)" in top3.get("/school/requests").text
    notifications = top3.get("/school/notifications").text
    assert "New benchlearning request from a school in the network about" in notifications
    received = top3.get(f"/school/requests/{request.id}").text
    assert "Hvordan giver I feedback?" in received and "a school in the network" in received
    assert post(top3, f"/school/requests/{request.id}/accept", {"reveal": "y"}).status_code == 302
    assert sorted(run_jobs()) == ["anne@low1.example.org", "bo@low1.example.org"]
    planned = post(top3, f"/school/requests/{request.id}/meeting",
                   {"on": "2027-01-14", "kind": "they_visit", "note": "Kl. 10 på lærerværelset"})
    assert planned.status_code == 302
    assert sorted(run_jobs()) == ["anne@low1.example.org", "bo@low1.example.org"]
    db_session.expire_all()
    assert (request.status, request.meeting_kind) == ("visit_planned", "visit_to_partner")  # LOW1 visits TOP3
    low1_view = low1.get(f"/school/requests/{request.id}").text
    assert "January 14, 2027" in low1_view and "We visit the partner school" in low1_view
    assert post(low1, f"/school/requests/{request.id}/notes", {"body": "Vi kommer tre lærere."}).status_code == 302
    assert post(low1, f"/school/requests/{request.id}/complete").status_code == 302
    db_session.expire_all()
    assert request.status == "completed"
    assert notified(db_session) == {
        "carl@top3.example.org": ["request.received", "request.note", "request.completed"],
        "dina@top3.example.org": ["request.received", "request.note", "request.completed"],
        "anne@low1.example.org": ["request.accepted", "request.meeting"],
        "bo@low1.example.org": ["request.accepted", "request.meeting"],
    }


def test_reading_the_pages_writes_nothing(app, db_session, world, run_jobs):
    """A GET never writes: reading the lists, a request and the notifications leaves every row as it was (no
    notification is marked read by being seen)."""
    from survey.partnering import operations
    from tests.results.test_get_never_writes import dump

    users = world["users"]
    label, _code = partners_of(world["round"], "LOW1")[0]
    request = operations.send_request(users["low1"], world["round"], "teach", label, "Hej")
    operations.accept(users["top3"], request)
    operations.add_note(users["low1"], request, "Tak")
    db_session.commit()
    run_jobs()
    before = dump()
    for user in ("low1", "top3", "mid1"):
        client = sign_in(app, users[user])
        for url in ("/school/partners", "/school/requests", f"/school/requests/{request.id}",
                    "/school/notifications"):
            assert client.get(url).status_code in (200, 404), url
    db_session.expire_all()
    after = dump()
    for table in ("user_account",):  # logging in records the time of the login
        before.pop(table), after.pop(table)
    assert after == before
