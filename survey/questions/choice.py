"""Choice questions: one option (`single`) or several (`multiple`), each option with a stable key."""
from __future__ import annotations

from typing import Literal

from survey.questions.base import Option, Question


class SingleChoiceQuestion(Question):
    """One option from `options`, or, with `source: program`, one of the school's programs (known from the
    link when the link is per program)."""

    type: Literal["single"]
    options: list[Option] | None = None
    source: Literal["program"] | None = None

    def texts(self) -> dict[tuple[str | int, ...], dict]:
        found = super().texts()
        for i, option in enumerate(self.options or []):
            found[("options", i, "label")] = option.label
        return found

    def export_code(self, option: Option) -> int:
        """The option's number in exports: its declared code, or its position (1-based)."""
        return option.code if option.code is not None else (self.options or []).index(option) + 1


class MultipleChoiceQuestion(Question):
    """Any number of `options`; an option marked `exclusive` ("none of these") stands alone."""

    type: Literal["multiple"]
    options: list[Option]

    def texts(self) -> dict[tuple[str | int, ...], dict]:
        found = super().texts()
        for i, option in enumerate(self.options):
            found[("options", i, "label")] = option.label
        return found

    def export_code(self, option: Option) -> int:
        return option.code if option.code is not None else self.options.index(option) + 1
