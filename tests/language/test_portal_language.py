"""Which language the portal speaks: the user's stored choice, else the browser's (Accept-Language among da, sv
and en), else Danish; every staff and admin page read in Danish and in Swedish shows none of the portal's
English wording; the personal invitation e-mail speaks the school's language."""
from __future__ import annotations

import email
import io
import re
from datetime import datetime, timezone
from email import policy
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from flask import url_for

from survey.accounts.models import User
from survey.config import PROJECT_ROOT
from survey.invitations.delivery import dispatch
from survey.jobs.models import Job, JobState
from survey.network.models import Organiser
from survey.outcomes.models import OutcomeIndicator, OutcomeValue
from survey.notifications.models import Notification
from survey.partnering.models import BenchlearningRequest, RequestNote
from survey.plans.models import ActionPlan, PlanAction
from survey.extensions import db
from survey.practices.operations import CardContent, create_card, publish as publish_card
from tests.conftest import csrf_token_from
from tests.language.test_catalogue import messages_in_use
from tests.respond.conftest import TODAY, create_link, create_round, publish_questionnaire



@pytest.fixture
def portal(db_session, network, make_school, make_user, add_responses):
    """A network with a school, the student and staff questionnaires, an open round with a link, a closed
    round with responses; an admin and a staff member who chose no language."""
    from datetime import timedelta

    school = make_school("SKO")
    school.report_language = "sv"
    student = publish_questionnaire(network, "student")
    staff_version = publish_questionnaire(network, "staff")
    open_round = create_round(network, student, [school], name="Trivsel nu")
    closed = create_round(network, student, [school], name="Trivsel før", opens_on=TODAY - timedelta(days=60),
                          closes_on=TODAY - timedelta(days=30))
    staff_round = create_round(network, staff_version, [school], name="Medarbejdere nu")
    add_responses(closed, school, 8, school.programs[0])
    link = create_link(open_round, school)
    job = Job(kind="report.build", params={"round_id": closed.id}, state=JobState.DONE, done=1, total=1,
              created_at=datetime.now(timezone.utc), network_id=network.id)
    db_session.add(job)
    organiser = Organiser(network=network, code="KOM", name="Kommunen", kind="municipality")
    school.organiser = organiser
    db_session.add(organiser)
    indicator = OutcomeIndicator(network=network, key="completion", unit="%", direction="higher_is_better",
                                 label={"da": "Fuldførelse", "sv": "Fullföljande", "en": "Completion"})
    indicator.values.append(OutcomeValue(school=school, year=closed.closes_on.year, value=71.5, n=80))
    db_session.add(indicator)
    admin = make_user("admin@example.org", role="network_admin", locale=None)
    staff = make_user("staff@example.org", school=school, locale=None)
    partner = make_school("PAR")  # a benchlearning request to it, accepted, with a note and a notification
    request = BenchlearningRequest(network=network, from_school=school, to_school=partner, round=closed,
                                   dimension="teaching", partner_label="School A", message="Hej", status="accepted",
                                   meeting_note="")
    db_session.add(request)
    db_session.flush()
    db_session.add(RequestNote(request=request, school_id=partner.id, body="Velkommen"))
    notification = Notification(user_id=staff.id, kind="request.accepted", params={"request": request.id},
                                link=f"/school/requests/{request.id}")
    db_session.add(notification)
    network.admins_read_plans = True  # the admins' plan pages are read too
    plan = ActionPlan(school=school, base_round=closed, title="Plan")
    plan.actions.append(PlanAction(description="Handling"))
    db_session.add(plan)
    card = create_card(staff, CardContent(title="Morgenlæsning", dimensions=["student/teaching"],
                                          participants=["teachers"], started_on=TODAY))
    publish_card(staff, card)
    db_session.commit()
    return {"school": school, "version": student, "open": open_round, "closed": closed, "staff_round": staff_round,
            "link": link, "job": job, "admin": admin, "staff": staff, "organiser": organiser, "indicator": indicator,
            "request": request, "notification": notification, "plan": plan, "card": card}


def log_in(client, user, language: str | None = None) -> None:
    headers = {"Accept-Language": language} if language else {}
    page = client.get("/auth/login", headers=headers)
    response = client.post("/auth/login", headers=headers, data={
        "email": user.email, "password": "correct horse battery", "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text


def page_language(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.mark.parametrize(("chosen", "browser", "expected", "rounds"), [
    (None, "sv-SE,sv;q=0.9,en;q=0.5", "sv", "Omgångar"),
    (None, "en-GB,en;q=0.8", "en", "Rounds"),
    (None, "fr-FR,fr;q=0.9", "da", "Runder"),
    (None, None, "da", "Runder"),
    ("en", "da-DK,da;q=0.9", "en", "Rounds"),
    ("sv", "en", "sv", "Omgångar"),
])
def test_the_portal_speaks_the_users_choice_else_the_browsers_else_danish(client, portal, chosen, browser, expected,
                                                                        rounds):
    portal["admin"].locale = chosen
    db.session.commit()
    log_in(client, portal["admin"], browser)
    page = client.get("/admin/rounds", headers={"Accept-Language": browser} if browser else {}).text
    assert page_language(page) == expected
    assert f">{rounds}</a>" in page


def stored_locale(user: User) -> str | None:
    db.session.expire_all()  # what the requests committed, not this session's copy
    return db.session.get(User, user.id).locale


def choose(client, language: str, next_page: str = "/school/rounds", token: str | None = None):
    if token is None:
        token = csrf_token_from(client.get(next_page).text)
    return client.post("/language", data={"csrf_token": token, "locale": language, "next": next_page})


def test_a_user_chooses_a_language_and_keeps_it_until_choosing_the_browsers_again(client, portal):
    staff = portal["staff"]
    log_in(client, staff, "da")
    chosen = choose(client, "sv")
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/school/rounds"
    assert stored_locale(staff) == "sv"
    page = client.get("/school/rounds", headers={"Accept-Language": "da"}).text
    assert page_language(page) == "sv" and "Enkätomgångar på Skolen SKO" in page
    assert "Sidorna visas nu på det språk du valde." in page
    assert '<option selected value="sv">Svenska</option>' in page
    choose(client, "browser")
    assert stored_locale(staff) is None
    assert page_language(client.get("/school/rounds", headers={"Accept-Language": "en"}).text) == "en"


@pytest.mark.parametrize("data", [
    {"locale": "sv"},  # no CSRF token
    {"locale": "fr"},  # a language the portal does not speak
    {},  # nothing chosen
])
def test_a_choice_without_token_or_of_an_unknown_language_changes_nothing(client, portal, data):
    staff = portal["staff"]
    log_in(client, staff)
    if data:
        data = {**data, "csrf_token": csrf_token_from(client.get("/school/").text)} if data["locale"] == "fr" else data
    response = client.post("/language", data=data)
    assert response.status_code == 400
    assert stored_locale(staff) is None


def test_the_choice_returns_to_a_page_of_this_site_only(client, portal):
    log_in(client, portal["admin"])
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = choose(client, "en", next_page=elsewhere, token=csrf_token_from(client.get("/admin/").text))
        assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_anonymous_visitors_cannot_store_a_choice(client, portal):
    token = csrf_token_from(client.get("/auth/login").text)
    response = client.post("/language", data={"csrf_token": token, "locale": "sv"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


class PageText(HTMLParser):
    """The text a reader of `language` sees and hears, leaving out what is marked as another language (the
    questionnaire as respondents see it in each of its languages) and code."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, skipped)

    def _skipped(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        skipped = (tag in ("script", "style", "code", "pre")
                   or (lang is not None and lang != self.language) or (lang is None and self._skipped()))
        if not skipped:
            self.parts += [attributes[name] for name in ("alt", "title", "aria-label") if attributes.get(name)]
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.parts.append(attributes["value"])
        if tag not in self.VOID:
            self._open.append((tag, skipped))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skipped():
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    parser = PageText(language)
    parser.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts))  # no-break spaces kept: they group digits


def english_wording(language: str) -> set[str]:
    """The portal's English phrases (two words or more, the longest literal stretch of a message with
    placeholders) that the language's catalogue words differently."""
    with open(PROJECT_ROOT / "survey" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    phrases = set()
    for message, where in messages_in_use().items():
        if "respond" in where:  # the respondent's interface, in every language of a questionnaire's preview
            continue
        for msgid in (message if isinstance(message, tuple) else (message,)):
            entry = catalog.get(message[0] if isinstance(message, tuple) else message)
            stretch = max(re.split(r"%\(\w+\)[sd]", msgid), key=len).strip(" .,:;()“”'\"")
            translated = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if len(stretch.split()) >= 2 and all(stretch not in text for text in translated):
                phrases.add(stretch)
    return phrases


def portal_pages(app, portal) -> list[str]:
    values = {"round_id": portal["open"].id, "version_id": portal["version"].id, "link_id": portal["link"].id,
              "user_id": portal["staff"].id, "job_id": portal["job"].id, "key": portal["school"].code, "code": portal["school"].code,
              "school_code": portal["school"].code, "program_code": portal["school"].programs[0].code,
              "organiser_code": portal["organiser"].code, "language": "da", "fmt": "csv",
              "indicator_key": portal["indicator"].key,
              "request_id": portal["request"].id, "notification_id": portal["notification"].id,
              "plan_id": portal["plan"].id, "action_id": portal["plan"].actions[0].id,
              "card_id": portal["card"].id, "attachment_id": 1}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if (rule.rule.startswith(("/admin/", "/school/")) and "GET" in rule.methods
                    and not rule.rule.endswith(("/poster", ".pdf"))):  # respondents' poster; a stored PDF
                # of a closed round, being prepared (the learning view reads closed rounds only)
                results = "aggregates" in rule.rule or "/reports/" in rule.rule or "/learning/" in rule.rule
                round_id = portal["closed"].id if results else portal["open"].id
                if "/plans/new/" in rule.rule:  # a plan starts from a closed round
                    round_id = portal["closed"].id
                if rule.rule.endswith("/mail"):  # personal invitations: a staff round's
                    round_id = portal["staff_round"].id
                if "/privacy/records-" in rule.rule:  # the records of processing: a document, not a page
                    continue
                if "<int:attachment_id>" in rule.rule:  # a practice card's attachment: a file, not a page
                    continue
                urls.append(url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}
                                    | ({"round_id": round_id} if "round_id" in rule.arguments else {}),
                                    school=portal["school"].code))  # the results' school picker asks for one
    return sorted(urls)


@pytest.mark.parametrize("language", ["da", "sv"])
def test_every_staff_and_admin_page_reads_in_the_users_language(app, client, portal, language):
    english = english_wording(language)
    pages = portal_pages(app, portal)
    read = []
    for role in ("admin", "staff"):
        user = portal[role]
        user.locale = language
        db.session.commit()
        browser = app.test_client()
        log_in(browser, user)
        prefix = "/admin/" if role == "admin" else "/school/"
        for url in (url for url in pages if url.startswith(prefix)):
            response = browser.get(url)
            response.close()  # a file sent (plotly.js) is closed
            if response.mimetype != "text/html" or response.status_code in (302, 303):  # a file; a picker
                continue
            assert response.status_code in (200, 409, 422), url  # 409: being prepared; 422: a refusal
            assert page_language(response.text) == language, url
            text = visible_text(response.text, language)
            leaks = sorted(phrase for phrase in english if phrase in text)
            assert leaks == [], f"{url} shows English wording in {language}: {leaks}"
            read.append(url.partition("?")[0])
    assert len(read) >= 12 and "/admin/rounds/new" in read and f"/school/rounds/{portal['open'].id}" in read


def test_the_poster_speaks_the_questionnaires_language_whatever_the_staff_member_reads(client, portal):
    """Respondents read the poster: it is in the questionnaire's default language (student: Danish)."""
    staff = portal["staff"]
    staff.locale = "sv"
    db.session.commit()
    log_in(client, staff)
    poster = client.get(f"/school/rounds/{portal['open'].id}/links/{portal['link'].id}/poster").text
    assert page_language(poster) == "da" and "Scan koden med din telefon, og svar senest" in poster
    assert portal["version"].title["da"] in poster


def test_numbers_and_dates_follow_the_readers_locale(client, portal):
    from survey.rounds.operations import set_population

    set_population(portal["open"], portal["school"].programs[0], 1234)
    db.session.commit()
    log_in(client, portal["admin"])
    texts = {}
    for language in ("da", "sv", "en"):
        portal["admin"].locale = language
        db.session.commit()
        texts[language] = visible_text(client.get(f"/admin/rounds/{portal['open'].id}").text, language)
    closes = portal["open"].closes_on
    assert "1.234" in texts["da"] and "1\xa0234" in texts["sv"] and "1,234" in texts["en"]
    assert f"{closes.day}. " in texts["da"] and closes.strftime("%b %-d, %Y") in texts["en"]


def test_the_personal_invitation_speaks_the_schools_language_then_english(app, client, portal, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    admin, staff_round = portal["admin"], portal["staff_round"]
    admin.locale = "da"
    db.session.commit()
    log_in(client, admin)
    page = client.get(f"/admin/rounds/{staff_round.id}")
    sent = client.post(f"/admin/rounds/{staff_round.id}/invitations", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page.text), "school_id": portal["school"].id,
        "addresses": (io.BytesIO(b"en@example.org\n"), "list.txt")})
    assert sent.status_code == 302
    assert "1 personlig invitation til SKO står i kø" in client.get(sent.headers["Location"]).text
    dispatch()
    (mail,) = [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in tmp_path.glob("*.eml")]
    body = mail.get_content()
    swedish, english = body.split("\n---\n")
    assert "ber dig att svara på enkäten" in swedish
    assert "asks you to answer the survey" in english
    assert staff_round.version.title["en"] in english


@pytest.mark.parametrize(("language", "required", "not_a_number"), [
    ("da", "Feltet skal udfyldes.", "Ikke et gyldigt heltal."),  # WTForms has no Danish of its own
    ("sv", "Fältet måste fyllas i.", "Inte ett giltigt heltal."),
])
def test_a_form_refused_by_wtforms_itself_says_why_in_the_users_language(client, portal, language, required,
                                                                        not_a_number):
    admin = portal["admin"]
    admin.locale = language
    db.session.commit()
    log_in(client, admin)
    token = csrf_token_from(client.get("/admin/rounds/new").text)
    unnamed = client.post("/admin/rounds/new", data={
        "csrf_token": token, "name": "", "version_id": portal["version"].id, "opens_on": "2027-05-01",
        "closes_on": "2027-06-01", "school_ids": [portal["school"].id]})
    assert unnamed.status_code == 422 and required in unnamed.text
    settings = client.post("/admin/settings", data={
        "csrf_token": token, "k_min": "fem", "driver_min_cases": "300", "minimal_difference": "3"})
    assert settings.status_code == 422 and not_a_number in settings.text
