"""Every language code the validator accepts works: a questionnaire in Dari (`prs`), Sorani (`ckb`) and
Serbian in Latin script (`sr-Latn`) is previewed, published and answered on SQLite and PostgreSQL; questions
in those languages get the interface in English. Before, `prs` answered 500 everywhere (Babel knows no such
locale) and `ckb` on PostgreSQL (the responses' language column held 2 characters)."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.responses.models import Response
from tests.conftest import csrf_token_from
from tests.respond.conftest import create_link, create_round

LANGUAGES = ["da", "prs", "ckb", "sr-Latn"]


def text(word: str) -> str:
    return "{" + ", ".join(f"{language}: {word} {language}" for language in LANGUAGES) + "}"


QUESTIONNAIRE = f"""family: student
version: "2026-dari"
default_language: da
languages: [{", ".join(LANGUAGES)}]
title: {text("Trivsel")}
intro: {text("Om undersøgelsen")}
scales:
  agree4:
    points: 4
    labels:
{"".join(f"      {language}: [a {language}, b, c, d]" + chr(10) for language in LANGUAGES)}pages:
  - key: overall
    questions:
      - type: rating
        key: overall.satisfied
        scale: agree4
        text: {text("Jeg er tilfreds")}
      - type: rating
        key: overall.recommend
        scale: agree4
        text: {text("Jeg anbefaler skolen")}
dimensions:
  - key: overall
    title: {text("Samlet")}
    items: [overall.satisfied, overall.recommend]
overall: overall
"""


def publish_through_the_admin_pages(client) -> QuestionnaireVersion:
    page = client.get("/admin/questionnaires/upload")
    preview = client.post(
        "/admin/questionnaires/upload",
        data={"csrf_token": csrf_token_from(page.text), "definition": (io.BytesIO(QUESTIONNAIRE.encode()), "dari.yaml")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.text
    assert "Jeg er tilfreds prs" in preview.text and "Jeg er tilfreds sr-Latn" in preview.text
    form = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', preview.text)}
    published = client.post("/admin/questionnaires/publish", data={
        "csrf_token": csrf_token_from(preview.text), "source": QUESTIONNAIRE, "filename": "dari.yaml",
        "checksum": form["checksum"],
    })
    assert published.status_code == 302, published.text
    version = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.version == "2026-dari"))
    assert client.get(f"/admin/questionnaires/{version.id}").status_code == 200
    return version


@pytest.mark.parametrize("language", ["prs", "ckb", "sr-Latn"])
def test_a_questionnaire_in_languages_without_interface_translations_is_published_and_answered(
    client, db_session, admin, login, network, make_school, language
):
    login(admin)
    version = publish_through_the_admin_pages(client)
    school = make_school("ABC")
    link = create_link(create_round(network, version, [school]), school)
    db_session.commit()
    landing = client.get(f"/s/{link.token}?lang={language}")
    assert landing.status_code == 200, landing.text
    assert f"Trivsel {language}" in landing.text
    csrf = csrf_token_from(landing.text)
    started = client.post(f"/s/{link.token}/start?lang={language}", data={"csrf_token": csrf})
    assert started.status_code == 302
    page = client.get(started.headers["Location"])
    assert page.status_code == 200 and f"Jeg er tilfreds {language}" in page.text
    assert "Next" in page.text  # the interface in English
    saved = client.post(
        f"/s/{link.token}/page/1",
        data={"csrf_token": csrf, "move": "next", "overall.satisfied": "3", "overall.recommend": "4"},
    )
    assert saved.status_code == 302, saved.text
    review = client.get(saved.headers["Location"])
    assert review.status_code == 200
    sent = client.post(f"/s/{link.token}/submit", data={"csrf_token": csrf_token_from(review.text)})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks"), sent.text
    response = db.session.scalars(select(Response)).one()
    assert (response.language, response.answers) == (language, bytes([3, 4]))


DARI_ONLY = """family: student
version: "2026-prs"
default_language: prs
languages: [prs, en]
title: {prs: نظرسنجی رضایت, en: Satisfaction}
intro: {prs: درباره نظرسنجی}
interface:
  prs: {next: بعدی, start: شروع, page_of: "صفحه {n} از {total}"}
scales:
  agree4:
    points: 4
    ends: {prs: [مخالف, موافق]}
pages:
  - key: overall
    questions:
      - type: rating
        key: overall.satisfied
        scale: agree4
        text: {prs: من راضی هستم, en: I am satisfied}
dimensions:
  - key: overall
    title: {prs: کلی}
    items: [overall.satisfied]
overall: overall
"""


def test_a_questionnaire_without_danish_answers_in_its_default_language_right_to_left(client, db_session, network,
                                                                                      make_school):
    """Dari as the default language: a browser naming none of the questionnaire's languages gets Dari, right to
    left, with the definition's own interface texts; English falls back to Dari text by text; a closed round's
    page in Dari is a page, not a 500."""
    from survey.catalog.operations import publish_definition, validate_source
    from tests.respond.conftest import TODAY

    version = publish_definition(network, validate_source(DARI_ONLY, "dari.yaml", network=network), DARI_ONLY,
                                 "test").version
    school = make_school("DAR")
    link = create_link(create_round(network, version, [school]), school)
    from datetime import timedelta

    closed = create_link(create_round(network, version, [school], name="Old", opens_on=TODAY - timedelta(days=40),
                                      closes_on=TODAY - timedelta(days=10)), school)
    db_session.commit()
    landing = client.get(f"/s/{link.token}", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert landing.status_code == 200
    assert '<html lang="prs" dir="rtl">' in landing.text and "نظرسنجی رضایت" in landing.text
    assert ">شروع</button>" in landing.text
    csrf = csrf_token_from(landing.text)
    started = client.post(f"/s/{link.token}/start", data={"csrf_token": csrf})
    page = client.get(started.headers["Location"]).text
    assert "صفحه 1 از 2" in page and ">بعدی</button>" in page and "1 – مخالف" in page
    english = client.get(f"/s/{link.token}/page/1?lang=en").text
    assert '<html lang="en">' in english and "I am satisfied" in english
    assert "درباره" not in english and "1 – مخالف" in english  # no English labels: the default language's
    assert "Next" in english  # the project's own English interface
    gone = client.get(f"/s/{closed.token}", headers={"Accept-Language": "prs"})
    assert gone.status_code == 410 and 'lang="prs"' in gone.text


def test_interface_texts_must_name_message_ids_and_their_placeholders():
    from survey.catalog.definition import DefinitionError, parse_definition

    wrong = DARI_ONLY.replace('page_of: "صفحه {n} از {total}"', 'page_of: "صفحه {page} از {total}", nxt: بعد')
    with pytest.raises(DefinitionError) as refused:
        parse_definition(wrong, "dari.yaml")
    problems = [str(problem) for problem in refused.value.problems]
    assert problems == [
        "dari.yaml:8: interface: 'page_of' has no placeholder {page}",
        "dari.yaml:8: interface: 'nxt' is not a message id of the respondent interface (questionnaires/README.md "
        "lists them)",
    ]
