"""The respondent's form as steps: the definition's pages, kept in memory per version, and the route through them.

A published version never changes, so its parsed definition and its steps are cached by checksum. Each step is
one page of the definition (pretix's checkout steps): it applies to a respondent when its condition holds on the
answers given before it and it has a question to show; the dispatcher in `survey.respond.form` walks the steps a
route applies and sends the respondent to the first that is not complete. Conditions are decided here, on the
server, from the draft, so routing works the same with and without the page's script. What each question reads,
keeps in the draft and shows is its type's business (`survey.questions`, the "respondent form" sections).
"""
from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property

from sqlalchemy import bindparam, select

from survey.catalog.definition import QuestionnaireDefinition
from survey.catalog.models import QuestionnaireVersion
from survey.extensions import db
from survey.network.models import Program
from survey.prepared import Prepared
from survey.questions.base import FormContext, Question
from survey.questions.conditions import Condition
from survey.responses.operations import Draft


@dataclass(frozen=True)
class Step:
    """One page of the definition as a step of the respondent's form; `number` (1-based) names it in URLs, so
    an address stays valid whatever the route."""

    number: int
    key: str
    title: dict[str, str] | None
    questions: tuple[Question, ...]
    condition: Condition | None  # the page's parsed `shown_if`
    randomise: bool

    def applies(self, values: dict) -> bool:
        return self.condition is None or self.condition.evaluate(values)


@dataclass(frozen=True)
class Route:
    """Which steps and questions one respondent is shown, decided from the answers in the draft: a step or a
    question whose condition does not hold on the answers given before it is skipped, and "not asked" when the
    response is stored (an answer it kept from before a change of route is not submitted)."""

    steps: tuple[Step, ...]
    shown: frozenset[str]  # keys of the questions shown (display text too)
    values: dict  # the answers conditions see: shown questions' answers only, by key

    @cached_property
    def numbers(self) -> tuple[int, ...]:
        return tuple(step.number for step in self.steps)

    def step(self, number: int) -> Step | None:
        for step in self.steps:
            if step.number == number:
                return step
        return None

    def after(self, number: int) -> int | None:
        """The first step shown after step `number` (any number); None: the review comes next."""
        return next((n for n in self.numbers if n > number), None)

    def before(self, number: int) -> int | None:
        return next((n for n in reversed(self.numbers) if n < number), None)

    def position(self, number: int) -> int:
        """Step `number`'s place in this route, 1-based (the review is len(steps) + 1)."""
        return sum(1 for n in self.numbers if n < number) + 1

    def is_asked(self, question: Question) -> bool:
        return question.key in self.shown


@dataclass(frozen=True)
class Questionnaire:
    """A published version ready for respondents: its definition and its steps."""

    version_id: int
    definition: QuestionnaireDefinition
    steps: tuple[Step, ...]
    routed: bool = False  # any condition: the route depends on the answers
    program_question: str | None = None  # key of the question answered by the school's programs
    _fixed: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def languages(self) -> list[str]:
        return list(self.definition.languages)

    @property
    def default_language(self) -> str:
        return self.definition.default_language

    def route(self, draft: Draft | None, ask_program: bool) -> Route:
        """The respondent's route; without conditions the same for everyone (computed once)."""
        if not self.routed:
            found = self._fixed.get(ask_program)
            if found is None:
                found = self._fixed[ask_program] = self._walk(None, ask_program)
            return found
        return self._walk(draft, ask_program)

    def _walk(self, draft: Draft | None, ask_program: bool) -> Route:
        """Conditions refer to earlier pages only, so one pass in page order decides every step: a page's answers
        join the values the following pages' conditions see once the page is passed."""
        steps, shown, values = [], set(), {}
        for step in self.steps:
            if not step.applies(values):
                continue
            visible = [q for q in step.questions
                       if (ask_program or q.key != self.program_question)
                       and (q.condition is None or q.condition.evaluate(values))]
            if not any(q.stored for q in visible) and any(q.stored for q in step.questions):
                continue  # every question of the page is routed away (or is the program, known by the link)
            steps.append(step)
            shown.update(q.key for q in visible)
            if draft is not None:
                for question in visible:
                    value = question.draft_value(draft)
                    if value is not None:
                        values[question.key] = question.condition_value(value, self.definition)
        return Route(tuple(steps), frozenset(shown), values)

    def questions_on(self, step: Step, route: Route, draft: Draft | None) -> tuple[Question, ...]:
        """The step's questions this respondent is shown, in the order shown: shuffled on a `randomise` page,
        seeded by the draft and the page, so that the order stays the same across reloads and on resuming;
        display texts keep their places."""
        questions = tuple(q for q in step.questions if q.key in route.shown)
        if not step.randomise or draft is None:
            return questions
        movable = [i for i, q in enumerate(questions) if q.stored]
        order = [questions[i] for i in movable]
        seed = hashlib.sha256(f"{draft.id}:{draft.round_id}:{step.key}".encode()).digest()
        random.Random(seed).shuffle(order)
        result = list(questions)
        for slot, question in zip(movable, order):
            result[slot] = question
        return tuple(result)

    def missing(self, step: Step, route: Route, draft: Draft) -> list[Question]:
        """Required questions of the step shown to this respondent that the draft has no answer for."""
        return [q for q in step.questions
                if q.stored and q.required and q.key in route.shown and q.draft_value(draft) is None]

    def first_incomplete(self, route: Route, draft: Draft) -> int | None:
        for step in route.steps:
            if self.missing(step, route, draft):
                return step.number
        return None

    def heading(self, step: Step, language: str) -> str:
        return self.definition.text(step.title, language) if step.title else self.definition.text(
            self.definition.title, language)


def build_questionnaire(version_id: int, definition: QuestionnaireDefinition) -> Questionnaire:
    steps = tuple(
        Step(number, page.key, dict(page.title) if page.title else None, tuple(page.questions),
             page.condition, page.randomise)
        for number, page in enumerate(definition.pages, start=1)
    )
    routed = any(step.condition is not None or any(q.condition is not None for q in step.questions) for step in steps)
    program = next((q.key for q in definition.questions() if getattr(q, "source", None) == "program"), None)
    return Questionnaire(version_id, definition, steps, routed, program)


@dataclass(frozen=True)
class ReviewedAnswer:
    question: str
    answer: str | None  # as the respondent saw it chosen (the option's label) or typed; None when not answered
    missing: bool  # a required question without an answer


def reviewed_pages(questionnaire: Questionnaire, route: Route, draft: Draft, language: str, context: FormContext
                   ) -> list[tuple[Step, str, list[ReviewedAnswer]]]:
    """Each step of the route with its heading and every question shown with the draft's answer to it, as the
    last review shows them (in the order the respondent saw them)."""
    definition = questionnaire.definition
    pages = []
    for step in route.steps:
        rows = []
        for question in questionnaire.questions_on(step, route, draft):
            if not question.stored:
                continue
            value = question.draft_value(draft)
            answer = None if value is None else question.review_answer(value, context)
            rows.append(ReviewedAnswer(definition.text(question.text, language), answer,
                                       value is None and question.required))
        pages.append((step, questionnaire.heading(step, language), rows))
    return pages


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
