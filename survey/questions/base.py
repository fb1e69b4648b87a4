"""What every question type shares: its definition fields and the hooks the rest of Benchlearn calls.

A question type is one class (indico's survey fields): the definition schema is its pydantic fields, and the
behaviour each audience needs (the respondent's input, storage, export, results) lives on the same class, one
section per concern, so a new type is added in one module and the callers ask the registry instead of branching
on kinds.
"""
from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

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
