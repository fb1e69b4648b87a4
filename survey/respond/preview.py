"""A questionnaire as respondents will see it, for the admins' preview before and after publishing.

Every page in every language, each question drawn by its type's own input template (the respondent's markup,
disabled), with the page's condition and each question's condition and key beside it for the admin. Interface
texts (such as "optional") are those a respondent in that language gets: the definition's own `interface:`
strings, else the project's translation (English for a language the project does not ship).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from survey.questions.base import FormContext, Question
from survey.respond.language import interface_language, text_direction
from survey.respond.messages import Interface, interface_for


class _InLanguage(Interface):
    """The interface texts of a language other than the admin's: looked up under that language's locale."""

    def __init__(self, inner: Interface, locale: str):
        super().__init__(inner.own)
        self.locale = locale

    def __call__(self, message_id: str, **values) -> str:
        with force_locale(self.locale):
            return super().__call__(message_id, **values)


@dataclass(frozen=True)
class PreviewPage:
    number: int
    key: str
    heading: str
    shown_if: str | None
    randomise: bool
    questions: list[Question]


@dataclass(frozen=True)
class PreviewLanguage:
    lang: str
    dir: str
    t: Interface
    form: FormContext
    pages: list[PreviewPage]

    def translated(self, text) -> str:
        return self.form.definition.text(text, self.lang)


def preview_of(definition) -> list[PreviewLanguage]:
    """The preview in each of the definition's languages, its default language first."""
    languages = [definition.default_language] + [lang for lang in definition.languages
                                                 if lang != definition.default_language]
    found = []
    for lang in languages:
        pages = [
            PreviewPage(number, page.key, definition.text(page.title or definition.title, lang), page.shown_if,
                        page.randomise, list(page.questions))
            for number, page in enumerate(definition.pages, start=1)
        ]
        found.append(PreviewLanguage(lang, text_direction(lang),
                                     _InLanguage(interface_for(definition, lang), interface_language(lang)),
                                     FormContext(definition, lang, ((0, "…"),)), pages))
    return found
