"""The portal's language: each user's choice, stored, else the browser's, else Danish.

Respondent pages keep their own rule (`survey.respond.language`: the questionnaire's languages, the
respondent's switch). Every other page — staff, admin, login, errors — is in the language the logged-in user
chose in the header's language chooser (`User.locale`), else the best match of the browser's Accept-Language
among the portal's languages, else Danish. The choice is stored on the user, so it survives logging out and
in, and follows the user to another browser.
"""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, has_request_context, redirect, request
from flask_babel import get_locale, gettext as _, lazy_gettext as _l, refresh
from flask_login import current_user
from wtforms import HiddenField, SelectField
from wtforms.fields import SelectChoice

from survey.auth.views import home_for
from survey.catalog.texts import text_in
from survey.extensions import login_manager
from survey.portal import end_transaction
from survey.portal.forms import PortalForm
from survey.portal.operations import PORTAL_LANGUAGES, set_portal_language
from survey.respond import language as respondent_language

DEFAULT_PORTAL_LANGUAGE = PORTAL_LANGUAGES[0]
BROWSER = "browser"
"""The chooser's value for "no stored choice: follow the browser"."""

bp = Blueprint("language", __name__)
bp.after_request(end_transaction)


def select_locale() -> str | None:
    """Flask-Babel's locale selector, for every page."""
    if not has_request_context():
        return None
    if request.blueprint == "respond":
        return respondent_language.select_locale()
    if current_user.is_authenticated and current_user.locale in PORTAL_LANGUAGES:
        return current_user.locale
    return request.accept_languages.best_match(PORTAL_LANGUAGES, DEFAULT_PORTAL_LANGUAGE)


class LanguageForm(PortalForm):
    """The header's chooser: a plain POST form (works without JavaScript), CSRF protected like every form."""

    locale = SelectField(_l("Language"),  # a choice is always selected; SelectField refuses any other value
                         choices=[SelectChoice(BROWSER, _l("The browser's language")), SelectChoice("da", "Dansk"),
                                  SelectChoice("sv", "Svenska"), SelectChoice("en", "English")])
    next = HiddenField()


def language_form() -> LanguageForm:
    """The chooser for the page being drawn: the user's choice selected, and this page to come back to."""
    return LanguageForm(formdata=None, locale=current_user.locale or BROWSER, next=request.full_path.rstrip("?"))


@bp.app_context_processor
def _portal_language() -> dict:
    return {"page_language": str(get_locale() or DEFAULT_PORTAL_LANGUAGE), "language_form": language_form}


@bp.post("/language")
def choose_language():
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    set_portal_language(current_user, None if form.locale.data == BROWSER else form.locale.data)
    refresh()  # the message below, and the page after it, in the language just chosen
    flash(_("The pages are now shown in the language you chose."), "success")
    return redirect(_same_site(form.next.data) or home_for(current_user))


def _same_site(target: str | None) -> str | None:
    """Only a path of this site: the chooser must not become an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.app_template_filter("in_language")
def in_language(texts: Mapping[str, str] | None) -> str:
    """A questionnaire's text (language -> text, as titles are stored) in the page's language."""
    return text_in(texts, str(get_locale() or DEFAULT_PORTAL_LANGUAGE))
