"""Every question type through the respondent's form and into storage, routing and "not asked", randomised
order, on SQLite and PostgreSQL (the Flask test client: the same server decisions a browser gets)."""
from __future__ import annotations

import html
import re
import struct

import pytest
from sqlalchemy import select

from survey.catalog.models import QuestionnaireVersion
from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.questions.base import NOT_ASKED_VALUE
from survey.responses.models import NOT_ASKED, FreeTextAnswer, Response, ResponseDraft
from tests.conftest import csrf_token_from
from tests.respond.wellbeing import PLACEMENT_ITEMS, wellbeing_link


@pytest.fixture
def link(db_session, network, school):
    made = wellbeing_link(network, school)
    db_session.commit()
    return made


class Respondent:
    """One browser without JavaScript on a link: start, send pages, follow redirects."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token
        landing = client.get(f"/s/{token}?lang=en")
        assert landing.status_code == 200, landing.text
        self.csrf = csrf_token_from(landing.text)
        started = client.post(f"/s/{token}/start", data={"csrf_token": self.csrf, "lang": "en"})
        assert started.status_code == 302, started.text
        self.at = started.headers["Location"]

    def send(self, n: int, data: dict, move: str = "next", status: int = 302):
        sent = self.client.post(f"/s/{self.token}/page/{n}", data={"csrf_token": self.csrf, "move": move, **data})
        assert sent.status_code == status, sent.text
        if status == 302:
            self.at = sent.headers["Location"]
        return sent

    def get(self, path: str):
        return self.client.get(path if path.startswith("/") else f"/s/{self.token}/{path}")

    def submit(self):
        sent = self.client.post(f"/s/{self.token}/submit", data={"csrf_token": self.csrf})
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks"), sent.headers.get("Location")


def stored() -> tuple[Response, dict]:
    response = db.session.scalars(select(Response)).one()
    definition = definition_of(db.session.get(QuestionnaireVersion, response.version_id))
    values, offset = {}, 0
    for item in definition.rating_items():
        values[item.key] = item.decode(response.answers[offset:offset + item.width], definition)
        offset += item.width
    assert offset == len(response.answers)
    offset = 0
    for question in definition.background_questions():
        values[question.key] = question.decode(response.background[offset:offset + question.width], definition)
        offset += question.width
    assert offset == len(response.background)
    return response, values


def radios(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="(?:radio|checkbox)" id="[^"]*" name="{re.escape(name)}" value="([^"]*)"', html)


def test_every_type_is_asked_read_and_stored(client, link, school):
    program = school.programs[1]
    respondent = Respondent(client, link.token)
    first = respondent.get("page/1").text
    assert "First a little about you." in first  # display text
    assert radios(first, "activities") == ["sport", "music", "none"]
    assert radios(first, "program") == [str(p.id) for p in school.programs]  # the school's programs
    assert 'inputmode="numeric"' in first and "years" in first  # the unit beside the box
    respondent.send(1, {"placement": "yes", "age": " 17 ", "activities": ["", "sport", "music"],
                        "program": str(program.id)})
    assert respondent.at.endswith("/page/2")
    answers = {"placement.learn": "5", "placement.help": "1", "placement.tasks": "dont_know",
               "placement.safe": "not_applicable", "placement.welcome": "3"}
    respondent.send(2, answers)
    respondent.send(3, {"bullying.often": "2"})
    respondent.send(4, {"bullying_where": "In the yard", "hours": "2,5"})
    respondent.send(5, {"comments": "Fine\x00 school"})
    assert respondent.at.endswith("/review")
    review = html.unescape(respondent.get("review").text)
    for shown in ("Yes", "17 years", "Sport, Music", program.name, "Completely agree", "Don't know",
                  "Not applicable", "2", "In the yard", "2.5", "Fine school"):
        assert f"<dd>{shown}</dd>" in review, shown
    respondent.submit()

    response, values = stored()
    assert values == {
        "placement.learn": 5, "placement.help": 1, "placement.tasks": "dont_know",
        "placement.safe": "not_applicable", "placement.welcome": 3, "bullying.often": 2,
        "placement": "yes", "age": 17, "activities": ["sport", "music"], "program": None, "hours": 2.5,
    }
    # the bytes of MODEL2's layout: non-substantive 255 - j; single i; multiple status + bits; numeric float64
    assert response.answers == bytes([5, 1, 255, 254, 3, 2])
    assert response.background == (bytes([1]) + bytes([1]) + struct.pack("<d", 17) + bytes([1, 0b011]) + bytes([0])
                                   + bytes([1]) + struct.pack("<d", 2.5))
    assert response.program_id == program.id
    texts = {row.question_key: row.text for row in db.session.scalars(select(FreeTextAnswer))}
    assert texts == {"bullying_where": "In the yard", "comments": "Fine school"}


def test_a_scale_is_shown_in_its_order_with_every_non_substantive_option(client, link):
    respondent = Respondent(client, link.token)
    respondent.send(1, {"placement": "yes"})
    page = respondent.get("page/2").text
    assert radios(page, "placement.learn") == ["5", "4", "3", "2", "1", "dont_know", "not_applicable"]  # descending
    assert page.index("Completely agree") < page.index("Completely disagree")
    assert page.count('class="non-substantive"') == 2 * len(PLACEMENT_ITEMS)
    respondent.send(2, {key: "4" for key in PLACEMENT_ITEMS})
    ends = respondent.get("page/3").text
    labels = re.findall(r"<span>([^<]*)</span>", ends)
    assert labels[-4:] == ["1 – Never", "2", "3", "4 – Every day"]  # labelled at the ends only


def test_exclusive_option_cannot_be_combined_and_the_other_answers_are_kept(client, link):
    respondent = Respondent(client, link.token)
    refused = respondent.send(1, {"placement": "no", "age": "30", "activities": ["", "sport", "none"]}, status=422)
    page = refused.text
    assert "“None of these” cannot be combined with other answers" in page
    assert re.search(r'name="activities" value="sport" checked', page)  # shown as ticked
    assert re.search(r'name="activities" value="none" checked', page)
    draft = db.session.scalars(select(ResponseDraft)).one()
    assert draft.background == {"placement": "no", "age": 30}  # everything else saved
    respondent.send(1, {"activities": ["", "none"]})
    db.session.expire_all()
    assert db.session.scalars(select(ResponseDraft)).one().background["activities"] == ["none"]
    respondent.send(1, {"activities": [""]}, move="back")  # every box unticked: the answer is removed
    db.session.expire_all()
    assert "activities" not in db.session.scalars(select(ResponseDraft)).one().background


@pytest.mark.parametrize("typed, message", [
    ("seventeen", "Write a whole number, for example"),
    ("17.5", "Write a whole number, for example"),
    ("13", "Write a number of at least 14."),
    ("120", "Write a number of at most 99."),
])
def test_a_bad_number_is_shown_again_with_what_is_wanted_and_nothing_else_is_lost(client, link, typed, message):
    respondent = Respondent(client, link.token)
    refused = respondent.send(1, {"placement": "yes", "age": typed, "activities": ["", "music"]}, status=422)
    assert message in refused.text
    assert f'value="{typed}"' in refused.text and 'aria-invalid="true"' in refused.text
    assert 'href="#q-age"' in refused.text  # the summary links to the box
    draft = db.session.scalars(select(ResponseDraft)).one()
    assert draft.background == {"placement": "yes", "activities": ["music"]}


def test_required_free_text_and_its_length(client, link):
    respondent = Respondent(client, link.token)
    respondent.send(1, {"placement": "no"})
    assert respondent.at.endswith("/page/3")
    respondent.send(3, {"bullying.often": "3"})
    missing = respondent.send(4, {"bullying_where": "  "}, status=422)
    assert "Write an answer to this question." in missing.text
    too_long = respondent.send(4, {"bullying_where": "x" * 41, "hours": "1.5"}, status=422)
    assert "Shorten your answer to at most 40 characters." in too_long.text and 'value="' + "x" * 41 in too_long.text
    assert db.session.scalars(select(ResponseDraft)).one().background == {"placement": "no", "hours": 1.5}


def test_help_text_is_tied_to_its_question(client, link):
    page = Respondent(client, link.token).get("page/1").text
    assert '<p class="help" id="q-placement-help">A placement is training in a company.</p>' in page
    assert re.search(r'<fieldset[^>]*id="q-placement"[^>]*aria-describedby="q-placement-help"', page)


def test_a_page_not_shown_is_skipped_and_stored_as_not_asked(client, link):
    respondent = Respondent(client, link.token)
    respondent.send(1, {"placement": "no", "activities": [""]})
    assert respondent.at.endswith("/page/3")  # the placement page is skipped
    assert "Page 2 of 5" in respondent.get("page/3").text  # the progress counts the pages shown
    skipped = respondent.get("page/2")  # an address of a page not shown leads to where the respondent is
    assert skipped.status_code == 302 and skipped.headers["Location"].endswith("/page/3")
    respondent.send(3, {"bullying.often": "1"})
    assert respondent.at.endswith("/page/4")
    page = respondent.get("page/4").text
    assert "Where does it happen?" not in page  # bullying.often >= 2 does not hold
    respondent.send(4, {"hours": ""})
    respondent.send(5, {})
    review = respondent.get("review").text
    assert "I learn a lot" not in review and "Where does it happen?" not in review
    respondent.submit()
    response, values = stored()
    assert response.answers == bytes([NOT_ASKED] * 5 + [1])
    assert all(values[key] is NOT_ASKED_VALUE for key in PLACEMENT_ITEMS)
    assert values["age"] is None and values["hours"] is None  # not answered, which is not "not asked"


def test_an_answer_to_a_page_the_route_then_skips_is_not_submitted_and_resume_follows_the_route(client, app, link):
    respondent = Respondent(client, link.token)
    respondent.send(1, {"placement": "yes"})
    respondent.send(2, {key: "4" for key in PLACEMENT_ITEMS})
    respondent.send(3, {"bullying.often": "4"})
    respondent.send(4, {"bullying_where": "Online"}, move="back")  # kept in the draft, then back
    respondent.send(3, {}, move="back")
    respondent.send(2, {}, move="back")
    respondent.send(1, {"placement": "no"})  # the placement page is no longer shown
    assert respondent.at.endswith("/page/3")
    respondent.send(3, {"bullying.often": "1"})  # and the question about where is no longer asked

    # a new browser with only the resume cookie continues where the route goes, not on a skipped page
    cookie = client.get_cookie(f"bl_resume_{link.round_id}", domain="benchlearn.test", path="/s")
    other = app.test_client()
    other.set_cookie(cookie.key, cookie.value, domain="benchlearn.test", path="/s")
    landing = other.get(f"/s/{link.token}?lang=en").text
    assert f'href="/s/{link.token}/page/4"' in landing
    review = other.get(f"/s/{link.token}/review").text
    assert "Online" not in review and "I learn a lot" not in review
    respondent.submit()
    response, values = stored()
    assert response.answers == bytes([NOT_ASKED] * 5 + [1])  # the answers given before are not submitted
    assert db.session.scalars(select(FreeTextAnswer)).all() == []


def test_randomised_order_is_the_same_for_a_respondent_on_every_visit(client, app, link):
    orders = set()
    for _ in range(6):
        browser = app.test_client()
        respondent = Respondent(browser, link.token)
        respondent.send(1, {"placement": "yes"})
        page = respondent.get("page/2").text
        order = tuple(re.findall(r'<legend>([^<]*)<', page))
        assert page.index("About your placement.") < page.index("<legend>")  # display text keeps its place
        assert tuple(re.findall(r'<legend>([^<]*)<', respondent.get("page/2").text)) == order  # a reload
        respondent.send(2, {PLACEMENT_ITEMS[0]: "2"}, move="back")
        respondent.send(1, {})
        assert tuple(re.findall(r'<legend>([^<]*)<', respondent.get("page/2").text)) == order  # after moving
        orders.add(order)
    assert len(orders) > 1  # 6 respondents, 120 orders: all alike would be a fixed order


def test_the_review_shows_a_randomised_page_in_the_order_the_respondent_saw(client, link):
    respondent = Respondent(client, link.token)
    respondent.send(1, {"placement": "yes"})
    page = respondent.get("page/2").text
    order = re.findall(r'<legend>([^<]*)<', page)
    review = respondent.get("review").text
    assert [text for text in re.findall(r"<dt>([^<]*)</dt>", review) if text in order] == order
