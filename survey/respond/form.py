"""The respondent's form: landing, the questionnaire's pages, review, submit, thanks.

Every view works on the entry (link or invitation) resolved once per request in `load_entry`, and on the
respondent's draft found through the resume cookie. The pages are steps (`survey.respond.pages`): the route
through them follows the answers, decided here on the server, and a step the route skips is never shown. Each
page's POST saves what is valid before anything else, so nothing answered is ever lost; errors are shown at
their fields with the rest of the page kept. What a question reads and shows is its type's
(`survey.questions`): nothing here branches on the kind of a question.
"""
from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime

from flask import current_app, g, make_response, redirect, render_template, request, url_for
from sqlalchemy.exc import OperationalError

from survey.extensions import csrf, db
from survey.respond import bp
from survey.respond import connection as respondent_connection
from survey.invitations.models import is_replaced
from survey.respond.entry import INVITATION, Entry, resolve_with_draft
from survey.respond.form_token import check_form_token, form_token
from survey.respond.form_token import set_cookie as set_form_cookie
from survey.respond.language import INTERFACE_LANGUAGES, choose_language, language_name, text_direction
from survey.respond.messages import interface_for
from survey.questions.base import FormContext
from survey.respond.pages import Route, Step, programs_of, reviewed_pages
from survey.respond.rendered import RESPONDENT_PAGES
from survey.responses.operations import (
    Draft,
    InvitationAlreadyUsed,
    discard_draft,
    draft_by_resume_token,
    save_draft,
    start_draft,
    submit_draft,
)
from survey.rounds.models import RoundState

ENTRY = "/<any(s,p):kind>/<token>"

# --- resolving the entry, the draft and the language once per request ------------------------------------


@bp.url_value_preprocessor
def pull_entry_token(endpoint, values):
    if values and "token" in values:
        g.entry_kind = values.pop("kind")
        g.entry_token = values.pop("token")


@bp.url_defaults
def add_entry_token(endpoint, values):
    if "entry_token" in g and "token" not in values and endpoint.startswith("respond.") and endpoint != "respond.index":
        values.setdefault("kind", g.entry_kind)
        values["token"] = g.entry_token


csrf.exempt(bp)  # respondents have no session: their forms carry `form_token`, checked first thing here
bp.after_request(set_form_cookie)
bp.teardown_request(respondent_connection.close_for_request)


@bp.after_request
def not_for_shared_caches(response):
    """A respondent's pages show their answers: no proxy may keep them, and the browser asks again each time."""
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


@bp.before_request
def load_entry():
    if request.method == "POST":
        check_form_token()
    if "entry_token" not in g:
        return None
    if respondent_connection.available():  # PostgreSQL: autocommit statements on a connection of the request's own
        respondent_connection.open_for_request()
    resume = _resume_cookie()
    entry, candidate = respondent_connection.first_read(resolve_with_draft, g.entry_kind, g.entry_token, resume)
    if entry is None:
        choose_language(INTERFACE_LANGUAGES)
        if g.entry_kind == INVITATION and is_replaced(g.entry_token):
            return _status_page("replaced", 410)
        return _status_page("unknown", 404)
    g.entry = entry
    today = date.today()
    state = entry.state(today)
    if state is not RoundState.OPEN:
        draft = None
    elif resume is None:
        draft = _find_draft(entry)  # several resume cookies (rounds) in this browser: look the draft up apart
    else:
        draft = _matching_draft(entry, candidate if resume[0] == entry.round.id else None)
    g.draft = draft
    questionnaire = entry.questionnaire
    language = choose_language(questionnaire.languages, draft.language if draft else None,
                               questionnaire.default_language)
    if state is RoundState.DRAFT:
        return _status_page("not_open", 403)
    if state is RoundState.CLOSED:
        return _status_page("closed", 410)
    if entry.invitation_used:
        submitted_here = request.cookies.get(entry.done_cookie)
        if not (submitted_here and request.endpoint in ("respond.submit", "respond.thanks")):
            return _status_page("used", 410)
    if draft is not None and draft.language != language:
        save_draft(draft, today=today, language=language)  # an explicit switch is remembered
        _commit()
    return None


def _commit() -> None:
    """Commit what this request wrote through the session. A request on a connection of its own
    (`respondent_connection`) wrote nothing there: each of its statements committed on its own."""
    if db.session.registry.has():
        db.session.commit()


RESUME_COOKIE_PREFIX = "bl_resume_"


def _resume_cookie() -> tuple[int, str] | None:
    """The request's one resume cookie as (round id from its name, token), so that the draft comes with the
    entry's query; None when there is none or several (then `_find_draft` reads the entry's own)."""
    found = [(name, value) for name, value in request.cookies.items() if name.startswith(RESUME_COOKIE_PREFIX)]
    if len(found) != 1:
        return (0, "") if not found else None
    name, value = found[0]
    number = name[len(RESUME_COOKIE_PREFIX) :]
    if not (number.isascii() and number.isdigit() and str(int(number)) == number):
        return (0, "")  # not a name `Entry.resume_cookie` makes: no draft, as before
    return int(number), value


def _find_draft(entry: Entry) -> Draft | None:
    resume_token = request.cookies.get(entry.resume_cookie)
    if not resume_token:
        return None
    return _matching_draft(entry, draft_by_resume_token(resume_token))


def _matching_draft(entry: Entry, draft: Draft | None) -> Draft | None:
    if draft is None or draft.round_id != entry.round.id:
        return None
    if draft.link_id != entry.link_id or draft.invitation_id != entry.invitation_id:
        return None
    return draft


def expired_form_page():
    """A respondent's form failed its CSRF check (e.g. the browser lost its session cookie). The check runs
    before `load_entry`, so the link and draft are looked up here, only to speak the respondent's language (the
    one they chose, kept in their draft); nothing is changed, so reloading continues where they were."""
    entry, draft = None, None
    if "entry_token" in g:
        entry, draft = resolve_with_draft(g.entry_kind, g.entry_token, _resume_cookie())
    if entry is None:
        choose_language(INTERFACE_LANGUAGES)
    else:
        g.entry = entry
        remembered = draft.language if draft is not None and draft.round_id == entry.round.id else None
        choose_language(entry.questionnaire.languages, remembered, entry.questionnaire.default_language)
    return _status_page("expired", 400)


def _status_page(reason: str, status: int):
    entry = g.get("entry")
    return render_template("respond/status.html", reason=reason, entry=entry, **_page_context()), status


def _page_context() -> dict:
    entry: Entry | None = g.get("entry")
    languages = entry.questionnaire.languages if entry else list(INTERFACE_LANGUAGES)
    definition = entry.questionnaire.definition if entry else None
    language = g.language
    return {
        "lang": language,
        "dir": text_direction(language),
        "languages": [(code, language_name(code)) for code in languages],
        "questionnaire": definition,
        "translated": (lambda text: definition.text(text, language)) if definition else None,
        "t": interface_for(definition, language),
        "csrf_token": form_token,
        "shown_path": g.get("shown_path") or request.path,
    }


def _render(template: str, status: int = 200, **context):
    return render_template(template, **({"entry": g.entry} | _page_context() | context)), status


def _render_once(what: Hashable, template: str, **context):
    """`template` as everyone coming by this link in this language sees it (`rendered.RESPONDENT_PAGES`)."""
    entry: Entry = g.entry
    key = (entry.kind, entry.token, entry.school_name, entry.checksum, entry.has_programs, g.language, what)
    html = RESPONDENT_PAGES.page(key, lambda csrf_token: _render(template, csrf_token=csrf_token, **context)[0])
    return html, 200


IN_PLACE_HEADER = "X-Respond-In-Place"


def _in_place() -> bool:
    """The page's script (`static/respond.js`) sent the form and shows the next step where the form was: the
    answer is that step itself, one request instead of a redirect and a GET. Without the script, every POST
    redirects (post/redirect/get), so Back and reload never send a form twice."""
    return request.headers.get(IN_PLACE_HEADER) == "1"


def _go(url: str, show, stay: bool = False):
    """Move the respondent to `url`: the step `show()` renders, in place for the script, or a redirect. With
    `stay` (a page shown again with its errors), `show()` answers in either case."""
    if not (stay or _in_place()):
        return redirect(url)
    g.shown_path = url.split("?", 1)[0]  # the step's own address, for its language links (not the POST's)
    response = make_response(show())
    if _in_place():
        response.headers["Content-Location"] = url
    return response


def _to_landing():
    return _go(url_for("respond.landing"), _show_landing)


def _route(draft: Draft | None = None) -> Route:
    """The respondent's route through the steps, from the draft as it is now: computed once per request and
    again after the draft is saved (`_draft_changed`)."""
    entry: Entry = g.entry
    draft = draft if draft is not None else g.draft
    known = g.get("route")
    if known is not None and known[0] is draft:
        return known[1]
    route = entry.questionnaire.route(draft, entry.ask_program)
    g.route = (draft, route)
    return route


def _draft_changed() -> None:
    g.pop("route", None)


def _resume_step(draft: Draft, route: Route) -> int:
    """Where a resumed respondent continues: the step saved (or the next one the route shows), or the review
    (len(steps) + 1 and beyond) once every step is done."""
    number = route.after(max(draft.page, 1) - 1)
    return number if number is not None else _review_number(route)


def _review_number(route: Route) -> int:
    return (route.numbers[-1] if route.numbers else 0) + 1


def _url_for_step(n: int | None, route: Route, **args) -> str:
    if n is None or route.step(n) is None:
        return url_for("respond.review", **args)
    return url_for("respond.page", n=n, **args)


def _go_to_step(n: int | None, check: bool = False):
    """To step n, or to the review when n is None or not a step of the route."""
    route = _route()
    if n is None or route.step(n) is None:
        return _go(url_for("respond.review"), _show_review)
    args = {"check": 1} if check else {}
    return _go(url_for("respond.page", n=n, **args), lambda: _show_page(n, check=check))


# --- the views --------------------------------------------------------------------------------------------


@bp.get(ENTRY)
def landing():
    return _show_landing()


def _show_landing():
    draft = g.draft
    if draft is None:
        return _render_once("landing", "respond/landing.html", draft=None, resume_url=None)
    route = _route()
    resume_url = _url_for_step(_resume_step(draft, route), route)
    return _render("respond/landing.html", draft=draft, resume_url=resume_url)


@bp.post(ENTRY + "/start")
def start():
    entry, draft = g.entry, g.draft
    if draft is not None and not request.form.get("restart"):
        return _go_to_step(_resume_step(draft, _route()))
    if draft is not None:
        discard_draft(draft)
    draft, resume_token = start_draft(
        round_id=entry.round.id,
        school_id=entry.school_id,
        program_id=entry.program_id,
        link_id=entry.link_id,
        invitation_id=entry.invitation_id,
        language=g.language,
        today=date.today(),
    )
    _commit()
    g.draft = draft
    _draft_changed()
    response = _go_to_step(_route().after(0))
    response.set_cookie(
        entry.resume_cookie,
        resume_token,
        max_age=entry.cookie_max_age(datetime.now()),
        path=entry.cookie_path,
        httponly=True,
        samesite="Lax",
        secure=bool(request.is_secure or _secure_cookies()),
    )
    response.delete_cookie(entry.done_cookie, path=entry.cookie_path)
    return response


def _secure_cookies() -> bool:
    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))


@bp.route(ENTRY + "/page/<int:n>", methods=["GET", "POST"])
def page(n: int):
    entry, draft = g.entry, g.draft
    if draft is None:
        return _to_landing()
    route = _route()
    step = route.step(n)
    if step is None:  # an edited or stale address, or a page the answers now skip: where this respondent is
        return _go_to_step(_resume_step(draft, route))
    if request.method == "GET":
        return _show_page(n, check=bool(request.args.get("check")))
    moving_back = request.form.get("move") == "back"
    switching = "move" not in request.form and "lang" in request.form  # the language switch sent the page
    errors, kept = _save_page(draft, step, route, moving_back or switching, stay=switching)
    _commit()  # what was valid is kept, even when the page is shown again with errors
    if switching and not errors:
        return _go(url_for("respond.page", n=n), lambda: _show_page(n))
    if moving_back:
        previous = _route().before(n)
        return _go(url_for("respond.page", n=previous), lambda: _show_page(previous)) if previous else _to_landing()
    if not errors:
        return _go_to_step(_route().after(n))  # this page's answers may route the next ones
    return _go(url_for("respond.page", n=n), lambda: _show_page(n, errors=errors, kept=kept, status=422),
               stay=True)


def _show_page(n: int, *, check: bool = False, errors: dict[str, tuple] | None = None,
               kept: dict[str, object] | None = None, status: int = 200):
    """Step n with the draft's answers; `errors` (message id and values, by question) and `kept` (what was
    posted, shown again) after a refused POST, or with `check` the required questions still missing (the review
    sent the respondent here)."""
    entry, draft = g.entry, g.draft
    questionnaire = entry.questionnaire
    route = _route()
    step = route.step(n)
    questions = questionnaire.questions_on(step, route, draft)
    shown = {q.key: q.draft_value(draft) for q in questions if q.stored} | (kept or {})
    if check:
        errors = {q.key: q.missing_error() for q in questionnaire.missing(step, route, draft)}
    t = interface_for(questionnaire.definition, g.language)
    context = {
        "step": step,
        "questions": questions,
        "heading": questionnaire.heading(step, g.language),
        "n": n,
        "position": route.position(n),
        "total": len(route.steps) + 1,
        "shown": shown,
        "errors": {key: t(message_id, **values) for key, (message_id, values) in (errors or {}).items()},
        "answers_form": "answers",
        "form": _form_context(questionnaire.program_question in route.shown
                              and any(q.key == questionnaire.program_question for q in questions)),
    }
    if not errors and not any(value is not None for value in shown.values()):
        # the same for everyone on this link who has answered nothing here yet (the route and order named)
        what = ("page", n, tuple(q.key for q in questions), route.position(n), len(route.steps),
                context["form"].programs)
        return _render_once(what, "respond/page.html", **context)
    return _render("respond/page.html", status, **context)


def _form_context(with_programs: bool) -> FormContext:
    """What the types need besides the questions to read and show answers: the definition (a rating item's
    scale), the language and, where the program question is asked, the school's programs (one query)."""
    return FormContext(g.entry.questionnaire.definition, g.language, _programs() if with_programs else ())


def _programs() -> tuple:
    if "programs" not in g:  # once per request: a POST shown in place asks twice
        g.programs = tuple((program_id, name) for program_id, name in programs_of(g.entry.school_id))
    return g.programs


def _save_page(draft: Draft, step: Step, route: Route, moving_back: bool, stay: bool = False
               ) -> tuple[dict[str, tuple], dict]:
    """Store every valid answer of the posted page; return the errors and what to show again of the answers
    refused. `moving_back` (or `stay`, a language switch) asks for no answer yet; `stay` keeps the respondent on
    page n."""
    questionnaire = g.entry.questionnaire
    slots: dict[str, dict] = {"answers": {}, "background": {}, "free_text": {}}
    program_id = None
    errors: dict[str, tuple] = {}
    kept: dict[str, object] = {}
    asked = [q for q in step.questions if q.stored and q.key in route.shown]
    context = _form_context(any(q.key == questionnaire.program_question for q in asked))
    form = request.form
    for question in asked:
        reading = question.read(form, context)
        if reading.error:
            errors[question.key] = reading.error
            kept[question.key] = reading.shown
            continue
        if not reading.posted:
            continue
        if question.draft_slot == "program_id":
            program_id = reading.value
        else:
            slots[question.draft_slot][question.key] = reading.value
    n = step.number
    save_draft(
        draft,
        today=date.today(),
        answers=slots["answers"],
        background=slots["background"],
        free_text=slots["free_text"],
        program_id=program_id,
        page=n if stay else (max(n - 1, 1) if moving_back else (n if errors else n + 1)),
    )
    _draft_changed()
    if not moving_back:
        for question in questionnaire.missing(step, route, draft):
            errors.setdefault(question.key, question.missing_error())
    return errors, kept


@bp.get(ENTRY + "/review")
def review():
    if g.draft is None:
        return _to_landing()
    return _show_review()


def _show_review():
    entry, draft = g.entry, g.draft
    questionnaire = entry.questionnaire
    route = _route()
    number = _review_number(route)
    return _render(
        "respond/review.html",
        pages=reviewed_pages(questionnaire, route, draft, g.language,
                             _form_context(questionnaire.program_question in route.shown)),
        n=number,
        position=len(route.steps) + 1,
        total=len(route.steps) + 1,
        last=route.numbers[-1] if route.numbers else None,
        incomplete=questionnaire.first_incomplete(route, draft),
    )


@bp.post(ENTRY + "/submit")
def submit():
    entry: Entry = g.entry
    for attempt in (1, 2):
        draft = g.draft if attempt == 1 else _find_draft(entry)
        if draft is None:
            # A resume cookie whose draft is gone, or the done marker: this browser's answers were submitted
            # already (the first of a double click, or a retry whose first answer was lost): thank again.
            if request.cookies.get(entry.done_cookie) or request.cookies.get(entry.resume_cookie):
                return _to_thanks(entry)
            return _to_landing()
        route = _route(draft)
        incomplete = entry.questionnaire.first_incomplete(route, draft)
        if incomplete is not None:
            return _go_to_step(incomplete, check=True)
        try:
            with respondent_connection.durable_transaction():
                submit_draft(draft, entry.questionnaire.definition, entry.round.version_id, date.today(),
                             asked=route.shown)
            _commit()
        except InvitationAlreadyUsed:
            db.session.rollback()
            return _status_page("used", 410)
        except OperationalError:
            # SQLite refuses the second of two simultaneous writers ("database is locked"): start again; the
            # draft is then gone if the other request submitted it.
            db.session.rollback()
            if attempt == 2:
                raise
            continue
        break
    return _to_thanks(entry)


def _to_thanks(entry: Entry):
    response = _go(url_for("respond.thanks"), _show_thanks)
    response.delete_cookie(entry.resume_cookie, path=entry.cookie_path)
    response.set_cookie(
        entry.done_cookie,
        "1",
        max_age=entry.cookie_max_age(datetime.now()),
        path=entry.cookie_path,
        httponly=True,
        samesite="Lax",
        secure=bool(request.is_secure or _secure_cookies()),
    )
    return response


@bp.get(ENTRY + "/thanks")
def thanks():
    return _show_thanks()


def _show_thanks():
    return _render_once("thanks", "respond/thanks.html")
