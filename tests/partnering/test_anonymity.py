"""Anonymity: in a network that does not share names, neither school's name nor any staff e-mail of the other
school appears on the other's pages, notifications or e-mails until both agreed to reveal themselves; after
that the names and the contacts (who asked, who answered) are shown. Where the network shares names, they are
always shown."""
from __future__ import annotations

from tests.partnering.conftest import partners_of, post, sign_in

LOW1_SECRETS = ("Skolen low1", "anne@low1.example.org", "bo@low1.example.org")
TOP3_SECRETS = ("Skolen top3", "carl@top3.example.org", "dina@top3.example.org")


def pages(client, request_id: int) -> str:
    return "\n".join(client.get(url).text for url in
                     ("/school/requests", f"/school/requests/{request_id}", "/school/notifications", "/school/partners"))


def mail_text(mails: dict) -> str:
    return "\n".join(f"{m['Subject']}\n{m.get_content()}" for messages in mails.values() for m in messages)


def leaks(text: str, secrets: tuple[str, ...], own_email: str) -> list[str]:
    """The secrets found in `text`, leaving out the reader's own address (the header's "Log out (...)")."""
    return [secret for secret in secrets if secret != own_email and secret in text]


def ask(app, world, run_jobs, reveal: bool):
    users, survey_round = world["users"], world["round"]
    label, _code = partners_of(survey_round, "LOW1")[0]
    low1 = sign_in(app, users["low1"])
    data = {"dimension": "teach", "partner": label, "message": "Hvad gør I?"} | ({"reveal": "y"} if reveal else {})
    sent = post(low1, f"/school/partners/{survey_round.id}/ask", data, "/school/partners")
    request_id = int(sent.headers["Location"].rsplit("/", 1)[1])
    return low1, sign_in(app, users["top3"]), request_id, label


def test_no_name_or_address_crosses_until_both_agree_then_both_do(app, world, run_jobs):
    low1, top3, request_id, label = ask(app, world, run_jobs, reveal=True)  # LOW1 agrees at once
    mails = run_jobs()
    assert sorted(mails) == ["carl@top3.example.org", "dina@top3.example.org"]
    assert leaks(mail_text(mails), LOW1_SECRETS, "") == []
    top3_text = pages(top3, request_id)
    assert leaks(top3_text, LOW1_SECRETS, "carl@top3.example.org") == []
    assert "a school in the network" in top3_text and "The other school agreed to show its name." in top3_text

    # TOP3 accepts without revealing, and writes a note: LOW1 still sees the label only
    assert post(top3, f"/school/requests/{request_id}/accept").status_code == 302
    assert post(top3, f"/school/requests/{request_id}/notes", {"body": "Velkommen"}).status_code == 302
    mails = run_jobs()
    assert sorted(mails) == ["anne@low1.example.org", "bo@low1.example.org"]
    assert leaks(mail_text(mails), TOP3_SECRETS, "") == []
    low1_text = pages(low1, request_id)
    assert leaks(low1_text, TOP3_SECRETS, "anne@low1.example.org") == []
    assert label in low1_text and "The partner school" in low1_text and "Velkommen" in low1_text
    assert leaks(pages(top3, request_id), LOW1_SECRETS, "carl@top3.example.org") == []

    # TOP3 agrees too: both names, and each side's contact, are shown
    assert post(top3, f"/school/requests/{request_id}/reveal").status_code == 302
    mails = run_jobs()
    assert sorted(mails) == ["anne@low1.example.org", "bo@low1.example.org"]
    assert all("Skolen top3" in m.get_content() for messages in mails.values() for m in messages)
    low1_page = low1.get(f"/school/requests/{request_id}").text
    assert "Skolen top3" in low1_page and "carl@top3.example.org" in low1_page  # who answered
    assert "dina@top3.example.org" not in low1_page  # a contact, not the school's staff list
    top3_page = top3.get(f"/school/requests/{request_id}").text
    assert "Skolen low1" in top3_page and "anne@low1.example.org" in top3_page  # who asked
    # notifications written before the reveal now name the school too: they are written when read
    assert "from Skolen low1 about" in top3.get("/school/notifications").text


def test_one_side_agreeing_reveals_nothing(app, world, run_jobs):
    low1, top3, request_id, _label = ask(app, world, run_jobs, reveal=False)
    assert post(top3, f"/school/requests/{request_id}/accept", {"reveal": "y"}).status_code == 302
    run_jobs()
    assert leaks(pages(low1, request_id), TOP3_SECRETS, "anne@low1.example.org") == []
    assert leaks(pages(top3, request_id), LOW1_SECRETS, "carl@top3.example.org") == []


def test_names_are_always_shown_where_the_network_shares_them(app, shared_world, run_jobs):
    world = shared_world
    low1, top3, request_id, label = ask(app, world, run_jobs, reveal=False)
    assert label == "Skolen top3"  # the partner list names it
    mails = run_jobs()
    assert all("Skolen low1" in m.get_content() for messages in mails.values() for m in messages)
    top3_text = pages(top3, request_id)
    assert "Skolen low1" in top3_text and "anne@low1.example.org" in top3_text
    assert "Show our school’s name" not in top3_text and "Reveal our school" not in low1.get("/school/partners").text
    assert post(top3, f"/school/requests/{request_id}/accept").status_code == 302
    low1_page = low1.get(f"/school/requests/{request_id}").text
    assert "Skolen top3" in low1_page and "carl@top3.example.org" in low1_page
