"""Respondent links are built from PUBLIC_URL, never from the Host a request names: a forged Host header must
not end up in a links CSV, a poster, a QR code or an invitation e-mail. Hosts outside the trusted list are refused."""
from __future__ import annotations

import io

import pytest

from survey.invitations.delivery import dispatch
from survey.rounds.operations import ensure_links

from ..conftest import csrf_token_from

EVIL = "evil.example"


@pytest.fixture
def evil_host_passes(app, monkeypatch):
    """As if a proxy passed the forged Host through to a misconfigured trusted list: links must still hold."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", [*app.config["TRUSTED_HOSTS"], EVIL])


def carry_session_to_evil_host(client) -> None:
    """The browser's session cookie, sent with requests that name the forged Host too."""
    session = client.get_cookie("session", domain="benchlearn.test")
    client.set_cookie("session", session.value, domain=EVIL)


def test_untrusted_host_is_refused(client):
    refused = client.get("/auth/login", headers={"Host": EVIL})
    assert refused.status_code == 400
    assert client.get("/auth/login").status_code == 200


def test_links_csv_poster_and_qr_ignore_the_host(app, client, admin, login, make_round, nts, evil_host_passes):
    survey_round = make_round(schools=[nts])
    links = ensure_links(survey_round)
    login(admin)
    carry_session_to_evil_host(client)
    evil = {"Host": EVIL}
    csv_text = client.get(f"/admin/rounds/{survey_round.id}/links.csv", headers=evil).text
    assert f"http://benchlearn.test/s/{links[0].token}" in csv_text and EVIL not in csv_text
    page = client.get(f"/admin/rounds/{survey_round.id}", headers=evil).text
    assert f"http://benchlearn.test/s/{links[0].token}" in page and f"{EVIL}/s/" not in page


def test_staff_poster_and_qr_ignore_the_host(app, client, make_user, login, make_round, nts, evil_host_passes):
    staff = make_user("staff.nts@example.org", school=nts)
    survey_round = make_round(schools=[nts])
    link = ensure_links(survey_round)[0]
    login(staff)
    carry_session_to_evil_host(client)
    evil = {"Host": EVIL}
    poster = client.get(f"/school/rounds/{survey_round.id}/links/{link.id}/poster", headers=evil)
    assert poster.status_code == 200
    assert f"http://benchlearn.test/s/{link.token}" in poster.text and EVIL not in poster.text
    csv_text = client.get(f"/school/rounds/{survey_round.id}/links.csv", headers=evil).text
    assert f"http://benchlearn.test/s/{link.token}" in csv_text and EVIL not in csv_text
    qr = client.get(f"/school/rounds/{survey_round.id}/links/{link.id}/qr.svg", headers=evil)
    assert qr.status_code == 200 and EVIL.encode() not in qr.data


def test_invitation_mails_ignore_the_host(app, client, admin, login, make_round, nts, tmp_path, monkeypatch,
                                          evil_host_passes):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    survey_round = make_round(schools=[nts], version="staff 2026")
    login(admin)
    carry_session_to_evil_host(client)
    evil = {"Host": EVIL}
    page = client.get(f"/admin/rounds/{survey_round.id}", headers=evil)
    sent = client.post(
        f"/admin/rounds/{survey_round.id}/invitations",
        data={"csrf_token": csrf_token_from(page.text), "school_id": nts.id,
              "addresses": (io.BytesIO(b"email\none@example.org\n"), "staff.csv")},
        content_type="multipart/form-data", headers=evil,
    )
    assert sent.status_code == 302
    dispatch()
    mails = [path.read_text() for path in tmp_path.glob("*.eml")]
    assert len(mails) == 1 and "http://benchlearn.test/p/" in mails[0] and EVIL not in mails[0]
