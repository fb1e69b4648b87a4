"""What every question type shares: its definition fields and the hooks the rest of Benchlearn calls.

A question type is one class (indico's survey fields): the definition schema is its pydantic fields, and the
behaviour each audience needs (the respondent's input, storage, export, results) lives on the same class, one
section per concern, so a new type is added in one module and the callers ask the registry instead of branching
on kinds.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict

from survey.microdata.variables import NOT_ASKED as EXPORT_NOT_ASKED
from survey.microdata.variables import Variable, join_conditions
from survey.questions.conditions import Condition, parse_condition

Text = dict[str, str]
"""One text in several languages, keyed by BCP 47 language tag; the questionnaire's default language is
always present, others fall back to it text by text."""


class Frozen(BaseModel):
    """Settings shared by every part of a definition.

    Unknown fields are errors (a typo must not be silently ignored); values are never coerced from another YAML
    type (`reverse: "no"` is a mistake, not False); strings are stripped and may not be empty, so formatting
    choices such as a block scalar's final newline never change content or checksum.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, str_strip_whitespace=True, str_min_length=1,
        ignored_types=(cached_property,),
    )


class Option(Frozen):
    """A choice of a single- or multiple-choice question; `code` is its number in exports (default: its
    position, 1-based); an exclusive option ("none of these") cannot be chosen with any other."""

    key: str
    label: Text
    code: int | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class FormContext:
    """What a type needs besides the question to read or show an answer: the definition (a rating item's scale,
    texts with their fallback), the respondent's language and, for the program question, the school's programs
    as (id, name)."""

    definition: Any
    language: str
    programs: tuple[tuple[int, str], ...] = ()


class Reading(NamedTuple):
    """A question's field read from a posted form."""

    posted: bool  # the form carried the field (a page may be sent without a question, e.g. by Back)
    value: object = None  # what the draft keeps; None is no answer (and removes one kept before)
    error: tuple[str, dict] | None = None  # refused: an interface message id (survey.respond.messages), its values
    shown: object = None  # refused: what the field shows again (the text typed, the boxes ticked)


class Choice(NamedTuple):
    value: str  # what the form posts
    label: str
    extra: str = ""  # a class for the option ("non-substantive")


class NotAsked:
    """A question the respondent's route did not show: stored as NOT_ASKED (240), never as "no answer"."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_ASKED"

    def __reduce__(self):
        return (NotAsked, ())


NOT_ASKED_VALUE = NotAsked()
"""The answer of a question not asked, as `encode` takes it and `decode` gives it."""
NOT_ANSWERED = 0
NOT_ASKED = 240
NON_SUBSTANTIVE_BASE = 255
"""The packed bytes every type shares (MODEL2, Storage); survey.responses.models names them too."""


class Question(Frozen):
    """Fields every type has. `lineage`/`replaces` tie a stored question to the previous version's (see
    questionnaires/README.md, Lineage); `shown_if` is a condition on answers given on earlier pages."""

    type: str
    key: str
    text: Text
    help: Text | None = None
    required: bool = False
    shown_if: str | None = None
    lineage: str | None = None
    replaces: str | None = None

    stored: ClassVar[bool] = True
    """False for a type that records nothing (display text)."""
    packed: ClassVar[str] = "background"
    """Where a response keeps the answer: "answers" (rating items, one byte each), "background" (the other
    packed answers) or "" (kept elsewhere or nowhere)."""

    @cached_property
    def condition(self) -> Condition | None:
        """The parsed `shown_if`; the definition's rules have checked that it parses."""
        return None if self.shown_if is None else parse_condition(self.shown_if)

    def previous_key(self) -> str | None:
        """The key of the previous version's question that this one continues; None for a new question."""
        if self.lineage in (None, "new"):
            return None
        return self.key if self.lineage == "same" else self.lineage

    def texts(self) -> dict[tuple[str, ...], Text]:
        """Every text of the question by its path below the question (for the language checks)."""
        found: dict[tuple[str, ...], Text] = {("text",): self.text}
        if self.help is not None:
            found[("help",)] = self.help
        return found

    # --- respondent form (survey.respond) -------------------------------------------------------------------
    # The input is a template of survey/templates/respond/questions/ working without JavaScript; reading the
    # posted form validates the answer; the draft keeps it in `draft_slot` (see MODEL2 / ResponseDraft).

    form_template: ClassVar[str] = ""
    draft_slot: ClassVar[str] = "background"

    @property
    def html_id(self) -> str:
        return "q-" + self.key.replace(".", "-")

    @property
    def first_input_id(self) -> str:
        """Where an error summary's link lands: the field itself (choice types: their first option)."""
        return self.html_id

    def draft_value(self, draft) -> object | None:
        """The draft's answer to this question; None when it has none."""
        return getattr(draft, self.draft_slot).get(self.key)

    def read(self, form, context: FormContext) -> Reading:
        return Reading(False)

    def missing_error(self) -> tuple[str, dict]:
        return "error_required", {}

    def condition_value(self, value, definition) -> object:
        """The draft's answer as conditions compare it (survey.questions.conditions)."""
        return value

    def review_answer(self, value, context: FormContext) -> str:
        """The answer as the review page shows it: what the respondent chose or typed."""
        return str(value)

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # Packed answers: `width` bytes in `Response.answers` (rating) or `Response.background` (see `packed`). A
    # type kept elsewhere or nowhere (free text, display text) packs nothing: width 0, no bytes, no answer.

    width: ClassVar[int] = 0

    def encode(self, value, definition) -> bytes:
        """The draft's answer (None: no answer; NOT_ASKED_VALUE) as packed bytes."""
        return b""

    def decode(self, data: bytes, definition) -> object:
        """Packed bytes back to the answer: None (no answer), NOT_ASKED_VALUE, or the value a draft keeps."""
        return None

    # --- export (survey.microdata) ---------------------------------------------------------------------------
    # The response export's variables of the question and their values, decoded from every response's packed
    # bytes at once. A type that exports nothing (free text is never microdata; display text stores nothing)
    # keeps these defaults.

    def export_variables(self, definition, page) -> list[Variable]:
        """The question's variables (unnamed: survey.microdata names them), labelled in the default language."""
        return []

    def export_values(self, packed: np.ndarray, definition) -> list[np.ndarray]:
        """One float64 column per variable from the (responses, width) packed bytes: the code or number,
        NaN for no answer, -inf (survey.microdata.variables.NOT_ASKED) for not asked."""
        return []

    def _export_variable(self, definition, page, **fields) -> Variable:
        """A variable of this question with what every type shares: label, condition, lineage."""
        shown_if = join_conditions(page.shown_if, self.shown_if)
        fields.setdefault("source", self.key)
        fields.setdefault("label", definition.text(self.text, definition.default_language))
        return Variable(key=self.key, type=self.type, shown_if=shown_if, routed=bool(shown_if),
                        lineage=self.lineage or "", **fields)

    # --- results (survey.results) ----------------------------------------------------------------------------
    # Item results of a background question (METHOD.md, Scores: Item results) from every response's packed
    # bytes at once. Rating items are scored together, dimension by dimension (survey.analysis); text and
    # display questions have no item results.

    def item_results(self, packed, groups=None):
        """This question's results per group from its (responses, width) packed bytes (`groups` as for
        `survey.analysis.item_results`), as a `survey.analysis.items` table; None for a type without any."""
        return None


def decode_status(status: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`values` where the status byte says answered; NaN for no answer (0) and -inf for not asked (240)."""
    values = values.astype(np.float64, copy=True)
    values[status == NOT_ANSWERED] = np.nan
    values[status == NOT_ASKED] = EXPORT_NOT_ASKED
    return values
