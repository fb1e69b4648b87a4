"""Invitation mail in bulk: the paced sender, reminders that never reach those who answered or unsubscribed,
re-sending a lost invitation (the old link voided), one-click unsubscribe (RFC 8058), the counts per school.
Mail goes to the file outbox and is read back as a recipient would get it."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.invitations.delivery import dispatch
from survey.invitations.models import UnsubscribedAddress
from survey.invitations.operations import delivery_counts, remind, remind_due, resend, set_reminder_schedule
from survey.rounds.models import PersonalInvitation
from survey.rounds.operations import invite

from ..conftest import csrf_token_from
from .conftest import TODAY

PEOPLE = ["anne@example.org", "bo@example.org", "cai@example.org", "dorte@example.org"]


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))

    def read(clear: bool = True) -> dict[str, list]:
        """The messages sent since the last read, by recipient (the outbox is emptied)."""
        by_recipient: dict[str, list] = {}
        for path in sorted(tmp_path.glob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            by_recipient.setdefault(message["To"], []).append(message)
            if clear:
                path.unlink()
        return by_recipient

    return read


@pytest.fixture
def staff_round(make_round, nts):
    return make_round(name="Medarbejdere", version="staff 2026", schools=[nts])


def link_of(message) -> str:
    return re.search(r"/p/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])", message.get_body().get_content()).group(1)


def answer(client, token: str, version) -> None:
    """Answer the questionnaire through the personal link, as the person would."""
    definition = definition_of(version)
    landing = client.get(f"/p/{token}")
    assert landing.status_code == 200, landing.text
    csrf = csrf_token_from(landing.text)
    client.post(f"/p/{token}/start", data={"csrf_token": csrf})
    for n, page in enumerate(definition.pages, start=1):
        data = {q.key: "3" for q in page.questions if q.type == "rating"}
        if page.key == "background":
            data = {"staff_group": "teacher", "seniority": "over_10"}
        client.post(f"/p/{token}/page/{n}", data={"csrf_token": csrf, **data})
    sent = client.post(f"/p/{token}/submit", data={"csrf_token": csrf})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")


def one_click(client, message):
    url = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    return client.post(urlsplit(url).path, data={"List-Unsubscribe": "One-Click"})


def test_every_message_carries_the_one_click_unsubscribe_headers(db_session, staff_round, nts, outbox):
    invite(staff_round, nts, PEOPLE[:1])
    assert outbox() == {}  # queued: the paced sender mails it
    assert dispatch().sent == 1
    message = outbox()[PEOPLE[0]][0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https_link, mailto = [part.strip() for part in message["List-Unsubscribe"].split(",")]
    assert https_link.startswith("<http://benchlearn.test/unsubscribe/") and https_link.endswith(">")
    assert mailto.startswith("<mailto:noreply@benchlearn.example?subject=unsubscribe%20")
    assert PEOPLE[0] not in message["List-Unsubscribe"]  # the token names nobody
    body = message.get_body().get_content()
    assert https_link.strip("<>") in body and "/p/" in body
    closes = staff_round.closes_on
    assert f"Undersøgelsen er åben til og med {closes.day}. " in body  # in each of the questionnaire's languages
    assert f"The survey is open until {closes:%B} {closes.day}, {closes.year}." in body


def test_one_click_post_needs_no_csrf_token_but_a_valid_signed_token(client, db_session, staff_round, nts, outbox):
    invite(staff_round, nts, PEOPLE[:1])
    dispatch()
    message = outbox()[PEOPLE[0]][0]
    forged = client.post("/unsubscribe/WzEsImFiYyJd.forged", data={"List-Unsubscribe": "One-Click"},
                         headers={"Accept-Language": "en"})
    assert forged.status_code == 404 and "not valid" in forged.text
    assert db.session.scalar(select(func.count()).select_from(UnsubscribedAddress)) == 0
    assert one_click(client, message).status_code == 204  # no session, no CSRF token: the mail provider's POST
    assert db.session.scalar(select(func.count()).select_from(UnsubscribedAddress)) == 1
    assert one_click(client, message).status_code == 204  # twice is fine


def test_unsubscribe_page_asks_first_and_a_get_writes_nothing(client, db_session, staff_round, nts, outbox):
    invite(staff_round, nts, PEOPLE[:1])
    dispatch()
    path = urlsplit(outbox()[PEOPLE[0]][0]["List-Unsubscribe"].split(",")[0].strip("<> ")).path
    page = client.get(path, headers={"Accept-Language": "da"})
    assert page.status_code == 200 and "Afmeld" in page.text
    assert db.session.scalar(select(func.count()).select_from(UnsubscribedAddress)) == 0
    assert client.post(path + "/confirm").status_code == 400  # the people's form carries its CSRF token
    done = client.post(path + "/confirm", data={"csrf_token": csrf_token_from(page.text)},
                       headers={"Accept-Language": "en"})
    assert done.status_code == 200 and "no more survey e-mail from" in done.text
    assert db.session.scalar(select(func.count()).select_from(UnsubscribedAddress)) == 1


def test_reminders_never_reach_those_who_answered_or_unsubscribed(client, db_session, staff_round, nts, outbox):
    invite(staff_round, nts, PEOPLE)
    dispatch()
    first = outbox()
    db_session.commit()
    answer(client, link_of(first[PEOPLE[0]][0]), staff_round.version)
    assert one_click(client, first[PEOPLE[1]][0]).status_code == 204
    assert remind(staff_round, nts) == 2
    assert dispatch().sent == 2
    reminded = outbox()
    assert sorted(reminded) == PEOPLE[2:]
    reminder = reminded[PEOPLE[2]][0]
    assert reminder["Subject"].startswith("Påmindelse") and reminder["List-Unsubscribe-Post"]
    # the reminder's link works; the first e-mail's link now says it was replaced, not "not found"
    assert client.get(f"/p/{link_of(reminder)}").status_code == 200
    replaced = client.get(f"/p/{link_of(first[PEOPLE[2]][0])}?lang=en")
    assert replaced.status_code == 410 and "replaced" in replaced.text
    # an unsubscribed address is left out of a later upload too, and counted only
    assert invite(staff_round, nts, [PEOPLE[1]]).unsubscribed == 0  # already invited to this round
    later = make_later_round(staff_round)
    summary = invite(later, nts, PEOPLE[:2])
    assert summary.queued == [PEOPLE[0]] and summary.unsubscribed == 1


def make_later_round(staff_round):
    from survey.rounds.operations import create_round

    return create_round(staff_round.network, staff_round.version, "Medarbejdere 2", TODAY, TODAY + timedelta(days=9),
                        list(staff_round.schools))


def test_at_most_max_reminders_per_person_and_the_schedule_catches_up(db_session, staff_round, nts, outbox):
    invite(staff_round, nts, PEOPLE[:1], today=TODAY - timedelta(days=3))
    dispatch(now=_at(TODAY - timedelta(days=3)))
    set_reminder_schedule(staff_round, after_days=2, before_days=None, max_reminders=1)
    assert remind_due(TODAY) == 1  # the day 2 after opening has passed and nobody was mailed since
    dispatch()
    assert remind_due(TODAY) == 0  # mailed today: the same schedule day does not remind again
    assert remind(staff_round, nts) == 0  # the maximum of one is reached
    assert list(outbox()) == [PEOPLE[0]]


def _at(day):
    from datetime import datetime, timezone

    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)


def test_resend_voids_the_old_link(client, db_session, staff_round, nts, outbox):
    invite(staff_round, nts, PEOPLE[:1])
    dispatch()
    old = link_of(outbox()[PEOPLE[0]][0])
    resend(staff_round, "  ANNE@example.org ")
    resend(staff_round, "nobody@example.org")  # not in the round: nothing happens, nothing is said
    assert dispatch().sent == 1
    mails = outbox()
    assert list(mails) == [PEOPLE[0]] and "replaces the one sent earlier" in mails[PEOPLE[0]][0].get_body().get_content()
    db_session.commit()
    assert client.get(f"/p/{old}?lang=en").status_code == 410
    assert client.get(f"/p/{link_of(mails[PEOPLE[0]][0])}").status_code == 200


def test_admin_page_answers_the_same_whether_or_not_the_address_was_invited(client, db_session, admin, login,
                                                                            staff_round, nts, outbox):
    invite(staff_round, nts, PEOPLE[:1])
    dispatch()
    login(admin)
    page = client.get(f"/admin/rounds/{staff_round.id}/mail")
    flashes = []
    for address in (PEOPLE[0], "nobody@example.org"):
        sent = client.post(f"/admin/rounds/{staff_round.id}/mail/resend",
                           data={"csrf_token": csrf_token_from(page.text), "email": address})
        assert sent.status_code == 302
        answer = client.get(sent.headers["Location"]).text.replace(address, "ADDRESS")
        # CSRF tokens carry a timestamp: two requests a second apart differ there and nowhere else
        flashes.append(re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "CSRF", answer))
    assert flashes[0] == flashes[1]
    assert db.session.scalar(select(func.count()).where(PersonalInvitation.pending.is_not(None))) == 1


def test_counts_per_school_are_suppressed_below_k_min(client, db_session, admin, login, staff_round, nts, outbox):
    k_min = staff_round.network.k_min
    addresses = [f"p{n}@example.org" for n in range(k_min + 1)]
    invite(staff_round, nts, addresses)
    dispatch()
    mails = outbox()
    assert one_click(client, mails[addresses[0]][0]).status_code == 204
    counts = delivery_counts(staff_round)[0]
    assert (counts.sent, counts.unsubscribed, counts.bounced, counts.waiting) == (k_min + 1, None, 0, 0)
    login(admin)
    page = client.get(f"/admin/rounds/{staff_round.id}/mail", headers={"Accept-Language": "en"})
    row = re.search(r"<th scope=\"row\">NTS</th>(.*?)</tr>", page.text, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", row) == [str(k_min + 1), "0", "–", "0", "0"]
    # reminded: everyone but one who answered would reveal that one answered: hidden as well
    invitation = db.session.scalars(select(PersonalInvitation).where(PersonalInvitation.email == addresses[1])).one()
    invitation.used = True
    remind(staff_round, nts)
    dispatch()
    assert delivery_counts(staff_round)[0].reminded is None


def test_admin_uploads_are_queued_and_the_page_shows_what_waits(client, db_session, admin, login, staff_round, nts,
                                                                 outbox):
    login(admin)
    page = client.get(f"/admin/rounds/{staff_round.id}")
    uploaded = client.post(f"/admin/rounds/{staff_round.id}/invitations",
                           data={"csrf_token": csrf_token_from(page.text), "school_id": nts.id,
                                 "addresses": (io.BytesIO("\n".join(PEOPLE).encode()), "staff.csv")},
                           content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert uploaded.status_code == 302
    mail_page = client.get(f"/admin/rounds/{staff_round.id}/mail", headers={"Accept-Language": "en"})
    assert "4 messages are waiting to be sent." in mail_page.text
    assert outbox() == {}
    dispatch()
    assert sorted(outbox()) == sorted(PEOPLE)


def test_round_remind_command_prints_counts_never_addresses(app, cli, db_session, staff_round, nts, vhs, outbox,
                                                             monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PER_MINUTE", 6000)
    invite(staff_round, nts, PEOPLE[:2])
    dispatch()
    outbox()
    result = cli("round", "remind", "Medarbejdere", "--school", "NTS")
    assert result.exit_code == 0, result.output
    assert "queued 2 reminders for 'Medarbejdere' at NTS; sent 2" in result.stdout
    assert not any(address in result.output for address in PEOPLE)
    assert sorted(outbox()) == PEOPLE[:2]
    refused = cli("round", "remind", "Medarbejdere", "--school", "VHS")
    assert refused.exit_code == 1 and "VHS does not take part in 'Medarbejdere'" in refused.stderr


class RefusingServer:
    """aiosmtpd handler: 550 (no such mailbox) for gone@, 451 (try later) for busy@ while `busy` is set."""

    def __init__(self):
        self.busy = True
        self.delivered: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy@") and self.busy:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app, monkeypatch):
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = RefusingServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                       "MAIL_USE_TLS": False, "MAIL_USERNAME": None}.items():
        monkeypatch.setitem(app.config, key, value)
    yield handler
    controller.stop()


def test_bounces_from_a_real_smtp_server_550_is_final_451_is_retried(db_session, staff_round, nts, smtp_server):
    from survey.invitations.delivery import FIRST_RETRY, MAX_ATTEMPTS, utcnow

    invite(staff_round, nts, ["ok@example.org", "gone@example.org", "busy@example.org"])
    now = utcnow()
    run = dispatch(now=now)
    assert (run.sent, run.bounced, run.deferred) == (1, 1, 1)
    assert smtp_server.delivered == ["ok@example.org"]
    state = {i.email: i for i in db.session.scalars(select(PersonalInvitation))}
    assert state["gone@example.org"].bounced and state["gone@example.org"].pending is None
    assert not state["busy@example.org"].bounced and state["busy@example.org"].attempts == 1
    assert dispatch(now=now).sent == 0  # not yet due again
    # a bounced address gets no reminder; the one still waiting has none queued twice
    assert remind(staff_round, nts) == 1  # ok@ only
    smtp_server.busy = False
    later = dispatch(now=now + FIRST_RETRY)
    assert later.sent == 2 and sorted(smtp_server.delivered) == ["busy@example.org", "ok@example.org",
                                                                  "ok@example.org"]
    # a server that keeps answering 4xx: after MAX_ATTEMPTS tries the address counts as bounced
    smtp_server.busy = True
    invite(staff_round, nts, ["busy@example.net"])
    moment = now
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(days=1)
        dispatch(now=moment)
    stuck = db.session.scalars(select(PersonalInvitation).where(PersonalInvitation.email == "busy@example.net")).one()
    assert stuck.bounced and stuck.pending is None
    counts = delivery_counts(staff_round)[0]
    assert counts.bounced is None  # 2 bounced, below k_min: "–"


def test_reminder_schedule_refuses_a_day_outside_the_round_and_keeps_what_was_typed(client, db_session, admin, login,
                                                                                   staff_round):
    login(admin)
    page = client.get(f"/admin/rounds/{staff_round.id}/mail", headers={"Accept-Language": "en"})
    form = {"csrf_token": csrf_token_from(page.text), "after_days": "99", "before_days": "2", "max_reminders": "3"}
    refused = client.post(f"/admin/rounds/{staff_round.id}/mail/schedule", data=form,
                          headers={"Accept-Language": "en"})
    length = (staff_round.closes_on - staff_round.opens_on).days
    assert refused.status_code == 422 and f"a reminder day must lie within the round: 0 to {length} days" in refused.text
    assert 'value="99"' in refused.text and 'value="2"' in refused.text
    db.session.refresh(staff_round)
    assert (staff_round.remind_after_days, staff_round.max_reminders) == (None, 2)
    saved = client.post(f"/admin/rounds/{staff_round.id}/mail/schedule", data={**form, "after_days": "5"})
    assert saved.status_code == 302
    db.session.refresh(staff_round)
    assert (staff_round.remind_after_days, staff_round.remind_before_days, staff_round.max_reminders) == (5, 2, 3)
