"""A questionnaire's text (a title, an intro: language -> text, as definitions and versions store them) read in
one language, for pages and e-mails written in that language."""
from __future__ import annotations

from collections.abc import Mapping

FALLBACK_LANGUAGES = ("da", "sv", "en")


def text_in(texts: Mapping[str, str] | None, language: str) -> str:
    """The text in `language`, else in Danish, Swedish or English (in that order), else in the first language
    it has; "" for no text."""
    if not texts:
        return ""
    for each in (language, *FALLBACK_LANGUAGES):
        if texts.get(each):
            return texts[each]
    return next(iter(texts.values()))
