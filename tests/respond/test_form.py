"""The respondent's form through the Flask test client, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, inspect, select

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.responses.models import DONT_KNOW, Response, ResponseDraft
from survey.rounds.models import PersonalInvitation
from tests.conftest import csrf_token_from
from tests.respond.conftest import TODAY, create_invitation, create_link, create_round


DONT_KNOW_KEY = "dont_know"


def rating_value(index: int) -> str:
    """A deterministic answer for the index-th rating item: every 7th is "don't know"."""
    return DONT_KNOW_KEY if index % 7 == 6 else str(index % 5 + 1)


def expected_answers(definition) -> bytes:
    return bytes(DONT_KNOW if rating_value(i) == DONT_KNOW_KEY else int(rating_value(i))
                 for i, _ in enumerate(definition.rating_items()))


def page_posts(definition, program_id=None):
    """The form data of every page of the student questionnaire, in order."""
    index = 0
    for page in definition.pages:
        data = {}
        for question in page.questions:
            if question.type == "rating":
                data[question.key] = rating_value(index)
                index += 1
        if page.key == "background":
            data = {"year": "year_2", "age_band": "age_18_19"}
            if program_id is not None:
                data["program"] = str(program_id)
        if page.key == "comments":
            data = {"best": "The workshop", "improve": ""}
        yield data


def start(client, token, kind="s"):
    landing = client.get(f"/{kind}/{token}")
    assert landing.status_code == 200, landing.text
    csrf = csrf_token_from(landing.text)
    started = client.post(f"/{kind}/{token}/start", data={"csrf_token": csrf})
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/{kind}/{token}/page/1")
    return csrf


def complete(client, token, definition, program_id=None, kind="s"):
    csrf = start(client, token, kind)
    for n, data in enumerate(page_posts(definition, program_id), start=1):
        saved = client.post(f"/{kind}/{token}/page/{n}", data={"csrf_token": csrf, "move": "next", **data})
        assert saved.status_code == 302, saved.text
    assert saved.headers["Location"].endswith(f"/{kind}/{token}/review")
    review = client.get(f"/{kind}/{token}/review")
    assert review.status_code == 200
    return csrf


def responses_count() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def test_unknown_link_is_404(client, db_session):
    page = client.get("/s/" + "x" * 32)
    assert page.status_code == 404
    assert "Survey not found" in page.text or "Undersøgelsen findes ikke" in page.text
    assert client.get("/p/nope").status_code == 404
    assert client.get("/s/" + "y" * 32 + "/page/1").status_code == 404


def test_round_not_open_yet_is_403_and_says_when(client, db_session, network, student_version, school):
    later = create_round(network, student_version, [school], opens_on=TODAY + timedelta(days=3), closes_on=TODAY + timedelta(days=20))
    link = create_link(later, school)
    page = client.get(f"/s/{link.token}?lang=en")
    assert page.status_code == 403
    assert "has not opened yet" in page.text
    assert str((TODAY + timedelta(days=3)).year) in page.text


def test_closed_round_is_410_everywhere(client, db_session, network, student_version, school):
    closed = create_round(network, student_version, [school], opens_on=TODAY - timedelta(days=30), closes_on=TODAY - timedelta(days=1))
    link = create_link(closed, school)
    page = client.get(f"/s/{link.token}?lang=en")
    assert page.status_code == 410
    assert "has closed" in page.text and "Thank you" in page.text
    assert client.post(f"/s/{link.token}/submit").status_code in (400, 410)  # CSRF refuses it first
    assert client.get(f"/s/{link.token}/page/1").status_code == 410


def test_used_invitation_is_410(client, db_session, open_round, school):
    token = create_invitation(open_round, school, used=True)
    page = client.get(f"/p/{token}?lang=en")
    assert page.status_code == 410
    assert "already been used" in page.text


def test_full_completion_stores_one_packed_response(client, db_session, open_round, school_link, school):
    definition = definition_of(open_round.version)
    program = school.programs[0]
    db_session.commit()
    complete(client, school_link.token, definition, program_id=program.id)
    csrf = csrf_token_from(client.get(f"/s/{school_link.token}/review").text)
    sent = client.post(f"/s/{school_link.token}/submit", data={"csrf_token": csrf})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")
    assert "bl_resume_" in sent.headers.getlist("Set-Cookie")[0] and "Max-Age=0" in sent.headers.getlist("Set-Cookie")[0]
    assert client.get(sent.headers["Location"]).status_code == 200

    response = db.session.scalars(select(Response)).one()
    assert response.answers == expected_answers(definition)
    assert len(response.answers) == len(definition.rating_items())
    reverse_position = [i for i, item in enumerate(definition.rating_items()) if item.reverse][0]
    assert response.answers[reverse_position] == int(rating_value(reverse_position))  # stored as given
    # background: program (source) 0, year_2 = 2nd option, gender unanswered 0, age_18_19 = 2nd option
    assert response.background == bytes([0, 2, 0, 2])
    assert (response.round_id, response.school_id, response.program_id) == (open_round.id, school.id, program.id)
    assert response.version_id == open_round.version_id
    assert response.submitted_on == TODAY and response.language == "da"
    assert [(f.question_key, f.text) for f in response.free_text_answers] == [("best", "The workshop")]
    assert db.session.scalar(select(func.count(ResponseDraft.id))) == 0


def test_program_link_knows_the_program_without_asking(client, db_session, open_round, program_link, school):
    definition = definition_of(open_round.version)
    db_session.commit()
    csrf = start(client, program_link.token)
    background_page = [page.key for page in definition.pages].index("background") + 1
    page = client.get(f"/s/{program_link.token}/page/{background_page}?lang=en")
    assert "Which programme are you in?" not in page.text
    assert "Which year of your programme" in page.text
    for n, data in enumerate(page_posts(definition), start=1):
        client.post(f"/s/{program_link.token}/page/{n}", data={"csrf_token": csrf, **data})
    client.post(f"/s/{program_link.token}/submit", data={"csrf_token": csrf})
    response = db.session.scalars(select(Response)).one()
    assert response.program_id == school.programs[1].id


def test_response_keeps_no_token_ip_or_time():
    columns = {column.name for column in inspect(Response).columns}
    assert columns == {"id", "round_id", "school_id", "program_id", "version_id", "language", "submitted_on", "answers", "background"}
    assert str(inspect(Response).columns["submitted_on"].type) == "DATE"


def test_validation_error_at_the_field_keeps_every_other_answer(client, db_session, open_round, school_link):
    definition = definition_of(open_round.version)
    db_session.commit()
    csrf = start(client, school_link.token)
    first = [question for question in definition.pages[0].questions if question.type == "rating"]
    data = {item.key: "4" for item in first}
    missing, invalid = first[0].key, first[1].key
    del data[missing]
    data[invalid] = "9"
    page = client.post(f"/s/{school_link.token}/page/1?lang=en", data={"csrf_token": csrf, **data})
    assert page.status_code == 422
    html = page.text
    # the summary links to each field; each field has its message, tied to it with aria-describedby
    for key in (missing, invalid):
        html_id = "q-" + key.replace(".", "-")
        assert f'href="#{html_id}-1"' in html
        assert f'id="{html_id}-error"' in html
        assert re.search(rf'<fieldset[^>]*id="{html_id}"[^>]*aria-describedby="{html_id}-error"', html)
    assert "Choose an answer to this question." in html
    assert "Choose one of the answers shown." in html
    # the other answers are checked again, and were saved in the draft
    for item in first[2:]:
        assert re.search(rf'name="{re.escape(item.key)}" value="4" checked', html)
    draft = db.session.scalars(select(ResponseDraft)).one()
    assert draft.answers == {item.key: 4 for item in first[2:]}
    assert draft.page == 1
    # a required item still unanswered keeps the respondent on the page
    fixed = client.post(f"/s/{school_link.token}/page/1", data={"csrf_token": csrf, missing: DONT_KNOW_KEY, invalid: "2"})
    assert fixed.status_code == 302 and fixed.headers["Location"].endswith("/page/2")


def test_messages_are_translated(client, db_session, open_round, school_link):
    db_session.commit()
    csrf = start(client, school_link.token)
    for lang, heading in (("da", "Der er et problem"), ("sv", "Det finns ett problem"), ("en", "There is a problem")):
        page = client.post(f"/s/{school_link.token}/page/1?lang={lang}", data={"csrf_token": csrf})
        assert f'<html lang="{lang}">' in page.text
        assert heading in page.text


def test_resume_with_the_cookie_on_the_right_page(client, app, db_session, open_round, school_link):
    definition = definition_of(open_round.version)
    db_session.commit()
    csrf = start(client, school_link.token)
    posts = list(page_posts(definition))
    for n in (1, 2):
        client.post(f"/s/{school_link.token}/page/{n}", data={"csrf_token": csrf, **posts[n - 1]})
    cookie = client.get_cookie("bl_resume_%d" % open_round.id, domain="benchlearn.test", path="/s")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    draft = db.session.scalars(select(ResponseDraft)).one()
    assert draft.resume_hash != cookie.value and len(draft.resume_hash) == 64

    other = app.test_client()  # a new browser with only the resume cookie
    other.set_cookie("bl_resume_%d" % open_round.id, cookie.value, domain="benchlearn.test", path="/s")
    landing = other.get(f"/s/{school_link.token}?lang=en")
    assert "Continue where you left off" in landing.text
    assert f'href="/s/{school_link.token}/page/3"' in landing.text
    page_two = other.get(f"/s/{school_link.token}/page/2")
    for key, value in posts[1].items():
        assert re.search(rf'name="{re.escape(key)}" value="{value}" checked', page_two.text)
    for stale in (0, 99):  # an edited or outdated page address leads back to where the respondent is
        moved = other.get(f"/s/{school_link.token}/page/{stale}")
        assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/s/{school_link.token}/page/3")


def test_double_submit_stores_one_response(client, db_session, open_round, school_link):
    definition = definition_of(open_round.version)
    db_session.commit()
    csrf = complete(client, school_link.token, definition)
    resume = client.get_cookie("bl_resume_%d" % open_round.id, domain="benchlearn.test", path="/s").value
    first = client.post(f"/s/{school_link.token}/submit", data={"csrf_token": csrf})
    # a retry as the browser would send it if the first answer was lost: the resume cookie is still there
    client.set_cookie("bl_resume_%d" % open_round.id, resume, domain="benchlearn.test", path="/s")
    client.delete_cookie("bl_done_%d" % open_round.id, domain="benchlearn.test", path="/s")
    retry = client.post(f"/s/{school_link.token}/submit", data={"csrf_token": csrf})
    # Back to the review, then Submit again (the cookie is gone now, the done marker is set)
    client.delete_cookie("bl_resume_%d" % open_round.id, domain="benchlearn.test", path="/s")
    again = client.post(f"/s/{school_link.token}/submit", data={"csrf_token": csrf})
    for each in (first, retry, again):
        assert each.status_code == 302 and each.headers["Location"].endswith("/thanks")
    assert responses_count() == 1
    assert db.session.scalar(select(func.count(ResponseDraft.id))) == 0


def test_submit_deletes_the_draft_before_storing(db_session, open_round, school_link):
    """The operation itself: a draft submitted twice in one transaction yields one Response."""
    from survey.responses.operations import start_draft, submit_draft

    definition = definition_of(open_round.version)
    draft, _ = start_draft(round_id=open_round.id, school_id=school_link.school_id, link_id=school_link.id, language="en", today=TODAY)
    same = db.session.get(ResponseDraft, draft.id)
    assert submit_draft(same, definition, open_round.version_id, TODAY) is not None
    stale = ResponseDraft(**{c.key: getattr(same, c.key) for c in inspect(ResponseDraft).column_attrs})
    assert submit_draft(stale, definition, open_round.version_id, TODAY) is None
    assert responses_count() == 1


def test_csrf_is_required(client, db_session, open_round, school_link):
    db_session.commit()
    refused = client.post(f"/s/{school_link.token}/start", data={})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count(ResponseDraft.id))) == 0
    start(client, school_link.token)
    assert client.post(f"/s/{school_link.token}/page/1", data={"motivation.effort": "3"}).status_code == 400
    assert client.post(f"/s/{school_link.token}/submit", data={}).status_code == 400


def test_incomplete_submit_goes_to_the_missing_answers(client, db_session, open_round, school_link):
    db_session.commit()
    csrf = start(client, school_link.token)
    sent = client.post(f"/s/{school_link.token}/submit", data={"csrf_token": csrf})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/page/1?check=1")
    page = client.get(sent.headers["Location"] + "&lang=en")
    assert "Choose an answer to this question." in page.text
    assert responses_count() == 0


def test_personal_invitation_is_marked_used_and_not_linked(client, db_session, network, school, make_school):
    from tests.respond.conftest import publish_questionnaire

    staff_version = publish_questionnaire(network, "staff")
    staff_round = create_round(network, staff_version, [school], name="Staff 2026")
    token = create_invitation(staff_round, school)
    definition = definition_of(staff_version)
    db_session.commit()
    csrf = start(client, token, kind="p")
    for n, page in enumerate(definition.pages, start=1):
        data = {q.key: "3" for q in page.questions if q.type == "rating"}
        if page.key == "background":
            data = {"staff_group": "teacher", "seniority": "over_10"}
        client.post(f"/p/{token}/page/{n}", data={"csrf_token": csrf, **data})
    sent = client.post(f"/p/{token}/submit", data={"csrf_token": csrf})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")
    assert client.get(f"/p/{token}/thanks").status_code == 200
    invitation = db.session.scalars(select(PersonalInvitation)).one()
    assert invitation.used
    response = db.session.scalars(select(Response)).one()
    assert response.background == bytes([1, 4, 0])
    assert client.post(f"/p/{token}/submit", data={"csrf_token": csrf}).headers["Location"].endswith("/thanks")
    fresh = client.application.test_client()
    assert fresh.get(f"/p/{token}").status_code == 410
    assert responses_count() == 1


def test_language_from_browser_then_switch_is_remembered(client, db_session, open_round, school_link):
    db_session.commit()
    landing = client.get(f"/s/{school_link.token}", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"})
    assert '<html lang="sv">' in landing.text and "Elevenkät" in landing.text
    assert '<html lang="da">' in client.get(f"/s/{school_link.token}", headers={"Accept-Language": "de"}).text
    start(client, school_link.token)
    client.get(f"/s/{school_link.token}/page/1?lang=en")
    page = client.get(f"/s/{school_link.token}/page/2", headers={"Accept-Language": "da"})
    assert '<html lang="en">' in page.text and "Page 2 of" in page.text
    assert db.session.scalars(select(ResponseDraft)).one().language == "en"


def test_switching_language_on_a_page_keeps_what_was_picked_there(client, db_session, open_round, school_link):
    definition = definition_of(open_round.version)
    db_session.commit()
    csrf = start(client, school_link.token)
    page = client.get(f"/s/{school_link.token}/page/1")
    assert 'form="answers" name="lang" value="sv"' in page.text  # the switch sends the page's form
    items = [question for question in definition.pages[0].questions if question.type == "rating"]
    first = {item.key: "2" for item in items[:2]}  # two of the page's answers so far
    switched = client.post(f"/s/{school_link.token}/page/1", data={"csrf_token": csrf, "lang": "sv", **first})
    assert switched.status_code == 302 and switched.headers["Location"].endswith(f"/s/{school_link.token}/page/1")
    again = client.get(switched.headers["Location"])
    assert '<html lang="sv">' in again.text and "Sida 1 av" in again.text and "class=\"error" not in again.text
    for key in first:
        assert re.search(rf'name="{re.escape(key)}" value="2" checked', again.text)
    assert db.session.scalars(select(ResponseDraft)).one().language == "sv"


def test_a_page_sent_without_its_security_code_keeps_the_answers_and_says_so(client, db_session, open_round, school_link):
    definition = definition_of(open_round.version)
    csrf = start(client, school_link.token)
    first_page = next(page_posts(definition))
    client.post(f"/s/{school_link.token}/page/1", data={"csrf_token": csrf, "move": "next", **first_page})
    refused = client.post(
        f"/s/{school_link.token}/page/2", data={"move": "next"}, headers={"Accept-Language": "da"}
    )
    assert refused.status_code == 400
    assert "Siden var udløbet" in refused.text and 'lang="da"' in refused.text
    db_session.expire_all()
    draft = db_session.scalar(select(ResponseDraft))
    assert {key: str(draft.answers[key]) for key in first_page} == first_page


def test_every_interface_message_is_translated_in_the_compiled_catalogs():
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    translations = Path(__file__).resolve().parents[2] / "survey" / "translations"
    with (translations / "messages.pot").open("rb") as pot:
        template = {m.id for m in read_po(pot) if m.id}
    for language in ("da", "sv"):
        with (translations / language / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
            compiled = read_mo(mo)
        missing = {message for message in template if not (compiled.get(message) and compiled.get(message).string)}
        assert not missing, (language, sorted(missing))
