"""The respondent interface's texts by message id: the project's translations, or a definition's own.

Every text a respondent sees that is not part of the questionnaire (buttons, privacy notice, errors, status
pages) has an id here. The project ships translations for da, en and sv (Flask-Babel catalogs, English msgids);
a questionnaire in another language may give these texts itself in its `interface:` section, keyed by these ids:

    interface:
      ar: {next: التالي, back: رجوع, page_of: "صفحة {n} من {total}", ...}

A placeholder in braces is replaced by its value (only the names listed per id; nothing else in the text is
interpreted). An id the definition does not give is shown in the interface's language (English for a language
the project does not ship). questionnaires/README.md lists the ids for authors; `MESSAGES` is the one source.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext


def N_(msgid: str) -> str:
    """Marks a msgid for extraction (pybabel's default keywords include N_) without translating it here."""
    return msgid


MESSAGES: dict[str, str] = {
    # every page
    "skip_to_content": N_("Skip to content"),
    "language": N_("Language"),
    "accessibility": N_("Accessibility statement"),
    "page_of": N_("Page %(n)s of %(total)s"),
    "not_sent": N_("Not sent: the connection or the server did not answer. Everything on this page is still "
                   "here; press the button again in a moment."),
    # landing page
    "welcome": N_("Welcome"),
    "privacy_title": N_("Your privacy"),
    "privacy_anonymous": N_("Your answers are anonymous. We do not store your name, your e-mail address, your IP "
                            "address, the link you used or the time you answered."),
    "privacy_cookie": N_("A cookie on this device remembers your unfinished answers, so that you can continue "
                         "later. It is deleted when you send your answers."),
    "start": N_("Start the survey"),
    "continue": N_("Continue where you left off"),
    "start_again": N_("Start again with empty answers"),
    # question pages
    "next": N_("Next"),
    "back": N_("Back"),
    "optional": N_("optional"),
    "problem": N_("There is a problem"),
    "error_prefix": N_("Error:"),
    "error_required": N_("Choose an answer to this question."),
    "error_required_text": N_("Write an answer to this question."),
    "error_invalid": N_("Choose one of the answers shown."),
    "error_too_long": N_("Shorten your answer to at most %(count)s characters."),
    "error_exclusive": N_("“%(option)s” cannot be combined with other answers: choose either it or the others."),
    "error_number": N_("Write a number, for example %(example)s."),
    "error_whole_number": N_("Write a whole number, for example %(example)s."),
    "error_too_small": N_("Write a number of at least %(min)s."),
    "error_too_large": N_("Write a number of at most %(max)s."),
    # review page
    "review_title": N_("Check your answers"),
    "review_hint": N_("You can change any answer before you send them. Once sent, your answers cannot be "
                      "changed."),
    "review_incomplete": N_("Some questions still need an answer"),
    "review_first_missing": N_("Go to the first question that needs an answer"),
    "not_answered": N_("Not answered"),
    "required": N_("required"),
    "change": N_("Change"),
    "send": N_("Send my answers"),
    # thanks page
    "thanks_title": N_("Thank you"),
    "thanks_heading": N_("Thank you!"),
    "thanks_received": N_("Your answers have been received."),
    "thanks_close": N_("You can close this page now."),
    # status pages
    "unknown_title": N_("Survey not found"),
    "unknown_text": N_("There is no survey at this address. Check that you typed or copied the whole link from "
                       "your school."),
    "not_open_title": N_("The survey has not opened yet"),
    "not_open_text": N_("The survey opens on %(date)s. Please come back then."),
    "closed_title": N_("The survey has closed"),
    "closed_text": N_("The survey closed on %(date)s, so it can no longer be answered. Thank you for your "
                      "interest."),
    "expired_title": N_("The page had expired"),
    "expired_text": N_("Your browser sent the page without the security code we gave it, so nothing was changed. "
                       "The answers you saved before are kept: go back, reload the page and continue."),
    "used_title": N_("This invitation has already been used"),
    "used_text": N_("Answers have already been sent with this personal invitation, and each invitation can be "
                    "used once. Thank you for taking part."),
    "replaced_title": N_("This link has been replaced"),
    "replaced_text": N_("A newer e-mail about this survey brought you a new personal link, and this one no longer "
                        "works. Please use the link in the newest e-mail."),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {key: tuple(_PLACEHOLDER.findall(msgid)) for key, msgid in MESSAGES.items()}
"""The placeholders each id takes; in a definition's text they are written `{name}`."""

_BRACED = re.compile(r"\{(\w+)\}")


class Interface:
    """The interface texts of one request: `t(id, **values)` in templates and views."""

    def __init__(self, own: Mapping[str, str] | None = None):
        self.own = own or {}

    def __call__(self, message_id: str, **values) -> str:
        text = self.own.get(message_id)
        if text is None:
            return gettext(MESSAGES[message_id], **values)
        return _BRACED.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def interface_for(definition, language: str) -> Interface:
    """The texts for `language`: the definition's own `interface:` strings for it, the project's otherwise."""
    own = (getattr(definition, "interface", None) or {}).get(language) if definition is not None else None
    return Interface(own)


def unknown_message_ids(strings: Mapping[str, str]) -> list[str]:
    """The ids of a definition's `interface:` section that are not message ids (for the definition's rules)."""
    return [key for key in strings if key not in MESSAGES]


def misused_placeholders(message_id: str, text: str) -> list[str]:
    """Placeholders `{name}` in a definition's text that its id does not take."""
    allowed = PLACEHOLDERS.get(message_id, ())
    return [name for name in _BRACED.findall(text) if name not in allowed]
