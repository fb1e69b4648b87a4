"""The respondent's form as a plan of pages, built once per questionnaire version and kept in memory.

A published version never changes, so its parsed definition and page plan are cached by checksum. The plan is
one page per dimension, then the background questions, then the free-text questions; the review page follows
the last of them. Each question knows how to read its answer from a posted form, where the draft keeps it, and
whether it is complete:

- rating item  -> `draft.answers[key]` = 1..k, or "dk" for "don't know";
- background   -> `draft.background[key]` = the option key;
- program      -> `draft.program_id` (the school's programs are the options; not asked on a program link);
- free text    -> `draft.free_text[key]`.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, select

from survey.catalog.definition import QuestionnaireDefinition
from survey.questions import RatingQuestion, Scale, SingleChoiceQuestion, TextQuestion
from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Program
from survey.prepared import Prepared
from survey.responses.operations import DONT_KNOW_VALUE, Draft

FREE_TEXT_MAX = 4000
NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters a person never types on purpose (tab and line breaks are kept): removed from free text,
since PostgreSQL stores no U+0000 and a stuck submit would lose every other answer."""

Kind = Literal["rating", "choice", "program", "text"]


@dataclass(frozen=True)
class Option:
    value: str  # what the form posts
    label: dict[str, str]  # per language


@dataclass(frozen=True)
class Question:
    kind: Kind
    key: str
    text: dict[str, str]
    required: bool
    options: tuple[Option, ...] = ()

    @property
    def html_id(self) -> str:
        return "q-" + self.key.replace(".", "-")

    @property
    def first_input_id(self) -> str:
        """Where an error summary's link lands: the first radio, or the text box."""
        return f"{self.html_id}-1" if self.options else self.html_id

    def stored(self, draft: Draft) -> str | None:
        """The draft's answer as the form would post it; None when not answered."""
        if self.kind == "rating":
            value = draft.answers.get(self.key)
        elif self.kind == "choice":
            value = draft.background.get(self.key)
        elif self.kind == "program":
            value = draft.program_id
        else:
            value = draft.free_text.get(self.key)
        return None if value is None else str(value)

    def read(self, form) -> tuple[bool, object, str | None]:
        """(posted, value to store, error) for this question's field in a posted form."""
        raw = form.get(self.key)
        if self.kind == "text":
            if raw is None:
                return False, None, None
            text = NON_PRINTABLE.sub("", raw).strip()
            if len(text) > FREE_TEXT_MAX:
                return False, None, "too_long"
            return True, text or None, None
        if raw is None or raw == "":
            return False, None, None
        if raw not in {option.value for option in self.options}:
            return False, None, "invalid"
        if self.kind == "rating":
            return True, raw if raw == DONT_KNOW_VALUE else int(raw), None
        if self.kind == "program":
            return True, int(raw), None
        return True, raw, None

    @cached_property
    def _radios(self) -> dict[str, tuple[tuple[str, Markup, Markup], ...]]:
        return {}

    def radios(self, language: str) -> tuple[tuple[str, Markup, Markup], ...]:
        """Per option: (value, the markup before the radio's `checked`, the markup after it), escaped once per
        question and language instead of on every render (a page of five rating items has 30 radios). Renders
        exactly what `respond/page.html` rendered per option before; only `checked` depends on the draft."""
        found = self._radios.get(language)
        if found is None:
            parts = []
            for index, option in enumerate(self.options, start=1):
                input_id = f"{self.html_id}-{index}"
                label = option.label.get(language) or next(iter(option.label.values()))
                head = Markup('<label for="{0}"{1}>\n                <input type="radio" id="{0}" name="{2}" value="{3}"').format(
                    input_id, Markup(' class="dont-know"') if option.value == DONT_KNOW_VALUE else "", self.key, option.value
                )
                tail = Markup(">\n                <span>{}</span>\n              </label>").format(label)
                parts.append((option.value, head, tail))
            found = self._radios[language] = tuple(parts)
        return found

    def label_of(self, value: str | None, language: str) -> str | None:
        for option in self.options:
            if option.value == value:
                return option.label.get(language) or next(iter(option.label.values()))
        return value if self.kind == "text" else None


@dataclass(frozen=True)
class Page:
    kind: Literal["dimension", "background", "free_text"]
    questions: tuple[Question, ...]
    title: dict[str, str] | None = None  # a dimension's title; other pages are titled by the interface

    @property
    def asks_program(self) -> bool:
        return any(question.kind == "program" for question in self.questions)

    def with_programs(self, programs: list[tuple[int, str]], languages: list[str]) -> Page:
        """This page with the school's programs as the options of its program question."""
        options = tuple(Option(str(program_id), {lang: name for lang in languages}) for program_id, name in programs)
        return replace(
            self,
            questions=tuple(replace(q, options=options) if q.kind == "program" else q for q in self.questions),
        )

    def heading(self, language: str) -> str:
        if self.title:
            return self.title.get(language) or self.title["da"]
        return str(PAGE_HEADINGS[self.kind])

    def missing(self, draft: Draft) -> list[Question]:
        """Required questions of this page the draft has no answer for."""
        return [q for q in self.questions if q.required and q.stored(draft) is None]


PAGE_HEADINGS = {"background": _l("About you"), "free_text": _l("Your comments")}


@dataclass(frozen=True)
class ReviewedAnswer:
    question: str
    answer: str | None  # as the respondent saw it chosen (the option's label) or typed; None when not answered
    missing: bool  # a required question without an answer


def reviewed_pages(plan: tuple[Page, ...], draft: Draft, language: str) -> list[tuple[str, list[ReviewedAnswer]]]:
    """Each page's heading with every question and the draft's answer to it, as the last review shows them."""
    pages = []
    for page in plan:
        rows = []
        for question in page.questions:
            value = question.stored(draft)
            answer = None if value is None else (question.label_of(value, language) or value)
            rows.append(ReviewedAnswer(question.text[language], answer, value is None and question.required))
        pages.append((page.heading(language), rows))
    return pages


def page_headings(languages) -> dict[str, dict[str, str]]:
    """The background and comments pages' headings in each language, as respondents see them (for previews)."""
    from flask_babel import force_locale

    from survey.respond.language import interface_language

    headings = {}
    for language in languages:
        with force_locale(interface_language(language)):
            headings[language] = {kind: str(text) for kind, text in PAGE_HEADINGS.items()}
    return headings


@dataclass(frozen=True)
class Questionnaire:
    """A published version ready for respondents: its definition and its two page plans."""

    version_id: int
    definition: QuestionnaireDefinition
    plan_asking_program: tuple[Page, ...]
    plan_program_known: tuple[Page, ...]
    item_keys: tuple[str, ...] = field(default=())

    def plan(self, ask_program: bool) -> tuple[Page, ...]:
        return self.plan_asking_program if ask_program else self.plan_program_known

    @property
    def languages(self) -> list[str]:
        return list(self.definition.languages)


def _scale_options(definition: QuestionnaireDefinition, scale: Scale) -> tuple[Option, ...]:
    options = [
        Option(str(point), {
            language: scale.point_label(point, language, definition.default_language) or str(point)
            for language in definition.languages
        })
        for point in scale.display_codes()
    ]
    options += [Option(DONT_KNOW_VALUE if i == 0 else option.key, dict(option.label))
                for i, option in enumerate(scale.non_substantive)]
    return tuple(options)


def _question(definition: QuestionnaireDefinition, question) -> Question | None:
    if isinstance(question, RatingQuestion):
        options = _scale_options(definition, definition.scale_of(question))
        return Question("rating", question.key, dict(question.text), question.required, options)
    if isinstance(question, SingleChoiceQuestion):
        return Question(
            "program" if question.source == "program" else "choice",
            question.key,
            dict(question.text),
            question.required,
            tuple(Option(option.key, dict(option.label)) for option in question.options or ()),
        )
    if isinstance(question, TextQuestion):
        return Question("text", question.key, dict(question.text), question.required)
    return None


def build_questionnaire(version_id: int, definition: QuestionnaireDefinition) -> Questionnaire:
    pages = []
    for page in definition.pages:
        questions = tuple(q for q in (_question(definition, each) for each in page.questions) if q is not None)
        kinds = {question.kind for question in questions}
        kind = "dimension" if "rating" in kinds else "free_text" if kinds == {"text"} else "background"
        pages.append(Page(kind, questions, dict(page.title) if page.title else {}))

    def plan(ask_program: bool) -> tuple[Page, ...]:
        planned = []
        for page in pages:
            asked = tuple(q for q in page.questions if ask_program or q.kind != "program")
            if asked:
                planned.append(replace(page, questions=asked))
        return tuple(planned)

    return Questionnaire(
        version_id=version_id,
        definition=definition,
        plan_asking_program=plan(True),
        plan_program_known=plan(False),
        item_keys=tuple(item.key for _, item in definition.items()),
    )


_cache: dict[str, Questionnaire] = {}
_cache_lock = threading.Lock()


def questionnaire_for(version_id: int, checksum: str) -> Questionnaire:
    """The version's questionnaire, parsed once per process (versions are immutable; the checksum names the
    content, so the cache can never serve other content under a reused id)."""
    found = _cache.get(checksum)
    if found is None:
        content = db.session.scalar(select(QuestionnaireVersion.content).where(QuestionnaireVersion.id == version_id))
        found = build_questionnaire(version_id, QuestionnaireDefinition.model_validate_json(content))
        with _cache_lock:
            _cache[checksum] = found
    if found.version_id != version_id:  # the same content published in another database (tests)
        found = replace(found, version_id=version_id)
    return found


_PROGRAMS = Prepared(select(Program.id, Program.name).where(Program.school_id == bindparam("school_id"))
                     .order_by(Program.code))


def programs_of(school_id: int) -> list:
    """The school's programs as (id, name) rows, for the program question."""
    return _PROGRAMS.all(school_id=school_id)
