"""The form as its script sends it (each POST answered in place), the respondents' own CSRF token, and pages
rendered once for everyone: through the Flask test client, on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import func, select

from survey.catalog.operations import definition_of
from survey.responses.models import Response
from survey.extensions import db
from tests.conftest import csrf_token_from
from tests.respond.test_form import expected_answers, page_posts

IN_PLACE = {"X-Respond-In-Place": "1"}


def start_in_place(client, token):
    """Landing, then Start as the script sends it: the answer is page 1 itself."""
    landing = client.get(f"/s/{token}")
    return client.post(f"/s/{token}/start", data={"csrf_token": csrf_token_from(landing.text)}, headers=IN_PLACE)


def test_the_script_flow_takes_one_request_per_page_and_stores_one_response(client, db_session, open_round, school_link):
    db_session.commit()
    definition = definition_of(open_round.version)
    token = school_link.token
    shown = start_in_place(client, token)
    assert shown.status_code == 200 and shown.headers["Content-Location"] == f"/s/{token}/page/1"
    for n, data in enumerate(page_posts(definition), start=1):
        assert f"/s/{token}/page/{n}" in shown.text  # the form of page n is what was shown
        shown = client.post(f"/s/{token}/page/{n}", data={"csrf_token": csrf_token_from(shown.text), "move": "next",
                                                          **data}, headers=IN_PLACE)
        assert shown.status_code == 200, shown.text
    assert shown.headers["Content-Location"] == f"/s/{token}/review"
    assert "The workshop" in shown.text  # the review, with the comment just sent
    thanks = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_token_from(shown.text)}, headers=IN_PLACE)
    assert thanks.status_code == 200 and thanks.headers["Content-Location"] == f"/s/{token}/thanks"
    again = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_token_from(shown.text)}, headers=IN_PLACE)
    assert again.headers["Content-Location"] == f"/s/{token}/thanks"  # a retry thanks again and stores nothing
    assert db.session.scalar(select(func.count(Response.id))) == 1
    assert db.session.scalar(select(Response.answers)) == expected_answers(definition)


def test_a_page_with_a_missing_answer_comes_back_in_place_with_the_rest_kept(client, db_session, open_round, school_link):
    db_session.commit()
    definition = definition_of(open_round.version)
    token = school_link.token
    shown = start_in_place(client, token)
    first = next(page_posts(definition))
    missing, *kept = first
    partial = {key: first[key] for key in kept}
    refused = client.post(f"/s/{token}/page/1", data={"csrf_token": csrf_token_from(shown.text), "move": "next",
                                                       **partial}, headers=IN_PLACE)
    assert refused.status_code == 422 and refused.headers["Content-Location"] == f"/s/{token}/page/1"
    assert "error-summary" in refused.text
    for key, value in partial.items():
        assert f'name="{key}" value="{value}" checked' in refused.text
    assert f'name="{missing}" value="{first[missing]}" checked' not in refused.text


def test_the_back_button_in_place_shows_the_saved_answers_not_an_empty_page(client, db_session, open_round, school_link):
    """A page nobody answered is rendered once for everyone; one with answers never comes from there."""
    db_session.commit()
    definition = definition_of(open_round.version)
    token = school_link.token
    first = next(page_posts(definition))
    other = client.application.test_client()  # a second respondent sees page 1 empty, before and after
    other_page = start_in_place(other, token)
    shown = start_in_place(client, token)
    assert " checked" not in shown.text
    csrf = csrf_token_from(shown.text)
    page_2 = client.post(f"/s/{token}/page/1", data={"csrf_token": csrf, "move": "next", **first}, headers=IN_PLACE)
    back = client.post(f"/s/{token}/page/2", data={"csrf_token": csrf, "move": "back"}, headers=IN_PLACE)
    assert page_2.status_code == back.status_code == 200
    assert back.headers["Content-Location"] == f"/s/{token}/page/1"
    for key, value in first.items():
        assert f'name="{key}" value="{value}" checked' in back.text
    again = other.get(f"/s/{token}/page/1")
    assert " checked" not in again.text
    assert csrf_token_from(again.text) == csrf_token_from(other_page.text) != csrf


def test_respondents_carry_no_session_and_a_token_works_only_with_its_own_browser(client, db_session, open_round,
                                                                               school_link):
    db_session.commit()
    token = school_link.token
    landing = client.get(f"/s/{token}")
    cookies = landing.headers.getlist("Set-Cookie")
    assert [c for c in cookies if c.startswith("bl_form=")] and not [c for c in cookies if c.startswith("session=")]
    assert all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert landing.headers["Cache-Control"] == "private, no-cache"  # no proxy keeps a respondent's page
    other = client.application.test_client()
    other.get(f"/s/{token}")
    refused = other.post(f"/s/{token}/start", data={"csrf_token": csrf_token_from(landing.text)})
    assert refused.status_code == 400
    started = client.post(f"/s/{token}/start", data={"csrf_token": csrf_token_from(landing.text)})
    assert started.status_code == 302
    assert not [c for c in started.headers.getlist("Set-Cookie") if c.startswith("session=")]
