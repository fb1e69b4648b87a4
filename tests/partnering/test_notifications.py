"""Notifications: each event reaches exactly the other school's active staff, in the portal and by e-mail in
each reader's language, sent by a job only once the request committed; the list shows them newest first with
the unread marked, and only a POST marks them read; the header counts the unread with one query."""
from __future__ import annotations

from sqlalchemy import event, select

from survey.extensions import db
from survey.notifications.models import Notification
from survey.notifications.operations import notify_school
from survey.partnering import operations
from tests.conftest import csrf_token_from
from tests.partnering.conftest import partners_of, post, sign_in


def send(world, user="low1"):
    label, _code = partners_of(world["round"], "LOW1")[0]
    return operations.send_request(world["users"][user], world["round"], "teach", label, "Hej")


def test_each_reader_gets_the_email_in_their_language_and_the_inactive_none(world, db_session, run_jobs):
    request = send(world)
    db_session.commit()
    mails = run_jobs()
    assert sorted(mails) == ["carl@top3.example.org", "dina@top3.example.org"]
    assert "New benchlearning request from a school in the network" in mails["carl@top3.example.org"][0]["Subject"]
    assert "Ny anmodning om benchlearning fra en skole i netværket" in mails["dina@top3.example.org"][0].get_content()
    operations.accept(world["users"]["top3"], request)
    world["users"]["low1"].locale = None  # no choice: the school's language (its reports', Danish by default)
    db_session.commit()
    mails = run_jobs()
    assert sorted(mails) == ["anne@low1.example.org", "bo@low1.example.org"]  # not gone@low1 (deactivated)
    assert "Er förfrågan om benchlearning om" in mails["bo@low1.example.org"][0].get_content()
    assert "Jeres anmodning om benchlearning om" in mails["anne@low1.example.org"][0].get_content()
    assert f"http://benchlearn.test/school/requests/{request.id}" in mails["anne@low1.example.org"][0].get_content()


def test_nothing_is_sent_for_a_transaction_that_is_rolled_back(world, db_session, run_jobs, kept_jobs):
    send(world)
    db_session.rollback()
    assert kept_jobs.handed == [] and run_jobs() == {}
    assert db_session.scalars(select(Notification)).all() == []


def test_the_list_marks_the_unread_and_only_a_post_marks_them_read(app, db_session, world, run_jobs):
    request = send(world)
    operations.add_note(world["users"]["low1"], request, "Første note")
    db_session.commit()
    run_jobs()
    top3 = sign_in(app, world["users"]["top3"])
    for _ in range(2):  # reading changes nothing
        page = top3.get("/school/notifications").text
        assert page.count('class="unread"') == 2 and "(2 unread)" in page
    first, second = db_session.scalars(select(Notification).where(Notification.user_id == world["users"]["top3"].id)
                                       .order_by(Notification.id)).all()
    assert page.index("added a note") < page.index("New benchlearning request")  # newest first
    assert post(top3, f"/school/notifications/{first.id}/read", page="/school/notifications").status_code == 302
    page = top3.get("/school/notifications").text
    assert page.count('class="unread"') == 1 and "(1 unread)" in page
    # marking all marks what the page showed; one arriving after it stays unread
    token = csrf_token_from(page)
    notify_school(world["schools"]["TOP3"], "request.note", {"request": request.id}, f"/school/requests/{request.id}")
    db_session.commit()
    late = db_session.scalars(select(Notification).order_by(Notification.id.desc())).first()
    answer = top3.post("/school/notifications/read", data={"csrf_token": token, "up_to": second.id})
    assert answer.status_code == 302
    db_session.expire_all()
    assert db_session.get(Notification, second.id).read_at is not None
    assert db_session.get(Notification, late.id).read_at is None
    assert "(1 unread)" in top3.get("/school/notifications").text
    # dina's notifications are hers: carl's marking did not touch them
    dina = world["users"]["top3b"]
    assert len(db_session.scalars(select(Notification).where(Notification.user_id == dina.id,
                                                             Notification.read_at.is_(None))).all()) == 3


def test_anothers_notification_is_a_404_and_marking_all_needs_the_pages_newest(app, db_session, world, run_jobs):
    send(world)
    db_session.commit()
    run_jobs()
    dinas = db_session.scalar(select(Notification).where(Notification.user_id == world["users"]["top3b"].id))
    carl = sign_in(app, world["users"]["top3"])
    assert post(carl, f"/school/notifications/{dinas.id}/read", page="/school/notifications").status_code == 404
    assert post(carl, "/school/notifications/read", page="/school/notifications").status_code == 400
    low1 = sign_in(app, world["users"]["low1"])
    assert post(low1, f"/school/notifications/{dinas.id}/read", page="/school/notifications").status_code == 404
    db_session.expire_all()
    assert db_session.get(Notification, dinas.id).read_at is None


def test_the_header_counts_the_unread_with_one_query(app, db_session, world, run_jobs):
    send(world)
    db_session.commit()
    run_jobs()
    top3 = sign_in(app, world["users"]["top3"])
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        if "notification" in statement.lower():
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        page = top3.get("/school/partners").text
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert "(1 unread)" in page
    assert len(statements) == 1 and "count" in statements[0].lower()
    admin_page = sign_in(app, world["users"]["admin"]).get("/admin/").text
    assert "unread" not in admin_page and "/school/notifications" not in admin_page
