"""Which language a respondent sees: the interface (Flask-Babel) and the questionnaire's texts alike.

An explicit switch (`?lang=`) wins and is remembered in the respondent's draft; otherwise the draft's language,
otherwise the browser's Accept-Language best match among the questionnaire's languages, otherwise Danish.
A questionnaire may be written in a language the interface is not translated to (e.g. `prs`, Dari): its
questions are shown in it, the interface in English.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import g, has_request_context, request
from flask_babel import refresh

INTERFACE_LANGUAGES = ("da", "en", "sv")
DEFAULT_LANGUAGE = "da"
FALLBACK_INTERFACE_LANGUAGE = "en"
LANGUAGE_NAMES = {"da": "Dansk", "en": "English", "sv": "Svenska"}


def interface_language(language: str) -> str:
    """The interface's language for questions in `language`: itself where the interface is translated, else
    English (the questions stay in their language). Babel knows no locale `prs`, so it must never be asked."""
    return language if language in INTERFACE_LANGUAGES else FALLBACK_INTERFACE_LANGUAGE


def select_locale() -> str | None:
    """Flask-Babel's locale selector: the language the respondent views chose, else the browser's."""
    if not has_request_context():
        return None
    chosen = g.get("language")
    if chosen:
        return interface_language(chosen)
    return request.accept_languages.best_match(INTERFACE_LANGUAGES, DEFAULT_LANGUAGE)


def choose_language(available: Sequence[str], remembered: str | None = None) -> str:
    """The language for this request among `available`, and make it the interface's language too."""
    asked = request.args.get("lang") or request.form.get("lang")
    if asked in available:
        language = asked
    elif remembered in available:
        language = remembered
    else:
        fallback = DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in available else available[0]
        language = request.accept_languages.best_match(available, fallback)
    g.language = language
    refresh()
    return language
