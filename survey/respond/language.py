"""Which language a respondent sees, and in which direction it is written.

Questionnaire texts may be in any BCP 47 tag the definition lists (`da`, `prs`, `fa-AF`, `zh-Hans` ...); each
text falls back to the definition's default language where it has no translation. The interface (buttons,
privacy notice, errors) comes from the project's own translations (Flask-Babel: da, en, sv), or from the
definition's `interface:` strings for a language the project does not ship (`survey.respond.messages`), else in
English. Babel is only ever asked for a locale it ships: it knows no `prs`, and asking raised an error (500).

An explicit switch (`?lang=`) wins and is remembered in the respondent's draft; otherwise the draft's language,
otherwise the browser's Accept-Language best match among the questionnaire's languages, otherwise the
questionnaire's default language.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import g, has_request_context, request
from flask_babel import refresh

INTERFACE_LANGUAGES = ("da", "en", "sv")
DEFAULT_INTERFACE_LANGUAGE = "da"
"""Where no questionnaire names a language (the front page, an unknown link): the browser's, else Danish."""
FALLBACK_INTERFACE_LANGUAGE = "en"
LANGUAGE_NAMES = {"da": "Dansk", "en": "English", "sv": "Svenska", "prs": "دری"}
"""Names Babel's data does not give as wanted: the shipped ones capitalised, and Dari, which CLDR lacks."""

RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "prs", "ps", "sd", "syr",
                           "ug", "ur", "yi"})
"""Primary language subtags written right to left unless a script subtag says otherwise (CLDR's character
order), plus the one common language-script pair whose default script is Latin (`ku` = Kurmanji)."""
RIGHT_TO_LEFT_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr"})


def interface_language(language: str) -> str:
    """The Babel locale of the interface for questions in `language`: itself where the project ships a
    translation (also for a region of it, `da-DK` -> `da`), else English."""
    if language in INTERFACE_LANGUAGES:
        return language
    primary = language.split("-", 1)[0].lower()
    return primary if primary in INTERFACE_LANGUAGES else FALLBACK_INTERFACE_LANGUAGE


def text_direction(language: str) -> str:
    """"rtl" or "ltr" for a BCP 47 tag: an explicit script subtag decides (`az-Arab` rtl, `ku-Latn` ltr),
    otherwise the primary language."""
    parts = language.lower().split("-")
    scripts = [part for part in parts[1:] if len(part) == 4 and part.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in RIGHT_TO_LEFT_SCRIPTS else "ltr"
    return "rtl" if parts[0] in RIGHT_TO_LEFT else "ltr"


def select_locale() -> str | None:
    """Flask-Babel's locale selector: the language the respondent views chose, else the browser's."""
    if not has_request_context():
        return None
    chosen = g.get("language")
    if chosen:
        return interface_language(chosen)
    return request.accept_languages.best_match(INTERFACE_LANGUAGES, DEFAULT_INTERFACE_LANGUAGE)


def choose_language(available: Sequence[str], remembered: str | None = None, default: str | None = None) -> str:
    """The language for this request among `available` (`default` first when the browser names none of them),
    and make it the interface's language too."""
    asked = request.args.get("lang") or request.form.get("lang")
    if asked in available:
        language = asked
    elif remembered in available:
        language = remembered
    else:
        if default not in available:
            default = DEFAULT_INTERFACE_LANGUAGE if DEFAULT_INTERFACE_LANGUAGE in available else available[0]
        language = request.accept_languages.best_match(available, default)
    g.language = language
    refresh()
    return language


def language_name(code: str) -> str:
    """The language's name in itself, as the language switch shows it (Babel's CLDR data, the tag itself when
    Babel does not know it: `prs` has no CLDR locale)."""
    name = LANGUAGE_NAMES.get(code)
    if name is None:
        name = _NAMES.get(code)
        if name is None:
            name = _NAMES[code] = _own_name(code)
    return name


_NAMES: dict[str, str] = {}


def _own_name(code: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(code, sep="-")
        name = locale.get_display_name(locale)
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code
