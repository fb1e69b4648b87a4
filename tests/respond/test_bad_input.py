"""A respondent's odd input never sticks the form: control characters in free text, on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.responses.models import Response
from tests.conftest import csrf_token_from
from tests.respond.test_form import expected_answers, page_posts, start


def test_free_text_with_a_nul_byte_is_stored_without_it_and_every_answer_kept(
    client, db_session, open_round, school_link, school
):
    """PostgreSQL stores no U+0000: before, every submit answered 500 and the respondent was stuck."""
    definition = definition_of(open_round.version)
    db_session.commit()
    csrf = start(client, school_link.token)
    pages = list(page_posts(definition, program_id=school.programs[0].id))
    pages[-1] = {"best": "The\x00 workshop\x07\x1b!", "improve": "Line one\r\n\tline two"}
    for n, data in enumerate(pages, start=1):
        saved = client.post(f"/s/{school_link.token}/page/{n}", data={"csrf_token": csrf, "move": "next", **data})
        assert saved.status_code == 302, saved.text
    review = client.get(f"/s/{school_link.token}/review")
    assert review.status_code == 200
    sent = client.post(f"/s/{school_link.token}/submit", data={"csrf_token": csrf_token_from(review.text)})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks"), sent.text
    response = db.session.scalars(select(Response)).one()
    assert response.answers == expected_answers(definition)
    assert sorted((f.question_key, f.text) for f in response.free_text_answers) == [
        ("best", "The workshop!"),
        ("improve", "Line one\r\n\tline two"),
    ]
