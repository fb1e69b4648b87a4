"""The portal speaks Danish, Swedish and English everywhere: no visible text in a template that is not passed
through gettext, and every message the code and templates use is translated in both catalogues (not fuzzy, its
placeholders kept), with the committed .mo files compiled from the .po files."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from survey import create_app
from survey.config import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "survey" / "templates"
TRANSLATIONS = PROJECT_ROOT / "survey" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}
PLACEHOLDER = "\ue000"
"""What an expression (`{{ ... }}`) becomes before the template's literal text is read."""
SAME_IN_EVERY_LANGUAGE = {"Benchlearn", "XLSForm", "CSV", "HTML", "KiB"}
"""Names that are not translated: the product, file formats, a unit."""
NOT_PORTAL = ("respond/", "microdata/codebook.html")
"""Respondent pages (their interface strings come from survey/respond/messages.py in the questionnaire's
languages), and the codebook, an English data document downloaded with a response export."""



def portal_templates() -> list[str]:
    names = (path.relative_to(TEMPLATES).as_posix() for path in sorted(TEMPLATES.rglob("*.html")))
    return [name for name in names if not name.startswith(NOT_PORTAL)]


class VisibleText(HTMLParser):
    """Collects text a reader sees or hears: text nodes (not code, scripts or styles) and the attributes that
    screen readers and browsers show."""

    SPOKEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
    UNREAD = ("code", "pre", "script", "style")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._unread = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.UNREAD:
            self._unread += 1
        attributes = dict(attrs)
        for name in self.SPOKEN_ATTRIBUTES:
            if attributes.get(name):
                self.found.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.found.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self.UNREAD:
            self._unread -= 1

    def handle_data(self, data):
        if not self._unread:
            self.found.append(data)


def literal_text(source: str, env) -> str:
    """The template's literal HTML, with every expression replaced by PLACEHOLDER and tags and comments removed."""
    parts, in_variable = [], False
    for _line, kind, value in env.lex(source):
        if kind == "variable_begin":
            in_variable = True
            parts.append(PLACEHOLDER)
        elif kind == "variable_end":
            in_variable = False
        elif kind == "data" and not in_variable:
            parts.append(value)
    return "".join(parts)


def untranslated_words(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]{2,}", text.replace(PLACEHOLDER, " "))
    return [word for word in words if word not in SAME_IN_EVERY_LANGUAGE]


def shown(found: list[str]) -> list[str]:
    """The texts with words outside gettext, as a reader would see them (an expression as "…")."""
    return [text.replace(PLACEHOLDER, "…").strip() for text in found if untranslated_words(text)]


@pytest.fixture(scope="module")
def jinja_env():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "catalogue test"}).jinja_env


@pytest.mark.parametrize("name", portal_templates())
def test_a_portal_template_shows_no_text_outside_gettext(jinja_env, name):
    parser = VisibleText()
    parser.feed(literal_text((TEMPLATES / name).read_text(encoding="utf-8"), jinja_env))
    parser.close()
    untranslated = shown(parser.found)
    assert untranslated == [], f"{name}: wrap these in {{{{ _('...') }}}}"


def test_the_check_finds_text_outside_gettext(jinja_env):
    """The template check above is not blind: plain text, a button's value and an image's alt are caught;
    wrapped text, expressions and code are not."""
    parser = VisibleText()
    parser.feed(literal_text('<h1>{{ _("Rounds") }}</h1><p>Survey rounds at {{ school.name }}</p>'
                             '<input type="submit" value="Save"><img alt="QR code" src="{{ qr }}">'
                             '<code>benchlearn round list</code><p>{{ round.opens_on }} – 12 %</p>', jinja_env))
    assert shown(parser.found) == ["Survey rounds at …", "Save", "QR code"]


def messages_in_use() -> dict:
    """Every message the code and templates pass through gettext (babel.cfg's mapping): msgid -> where."""
    with open(PROJECT_ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS):
        found.setdefault(message, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def in_use():
    return messages_in_use()


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("language", ["da", "sv"])
def test_every_message_is_translated_with_its_placeholders(in_use, language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    problems = []
    for message, where in in_use.items():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        translations = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not all(translations):
            problems.append(f"{where}: not translated: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"{where}: fuzzy: {msgid!r}")
        elif any(placeholders(text) != placeholders(msgid) for text in translations):
            problems.append(f"{where}: placeholders differ: {msgid!r}")
    assert problems == [], "\n".join(problems)
    assert len(in_use) > 300


@pytest.mark.parametrize("language", ["da", "sv"])
def test_the_committed_mo_file_is_compiled_from_the_po_file(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    wanted = {_key(entry.id): _key(entry.string) for entry in source if entry.id and entry.string and not entry.fuzzy}
    built = {_key(entry.id): _key(entry.string) for entry in compiled if entry.id}
    assert built == wanted, "run: pybabel compile -d survey/translations"


def _key(value):
    """A plural entry's ids and strings as a tuple (read_po gives tuples, read_mo lists)."""
    return tuple(value) if isinstance(value, (list, tuple)) else value
