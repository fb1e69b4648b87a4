"""Numeric answers: a whole number or a decimal, optionally bounded, with a unit shown beside the box."""
from __future__ import annotations

from typing import Literal

from survey.questions.base import Question, Text


class NumericQuestion(Question):
    type: Literal["numeric"]
    decimal: bool = False
    min: int | float | None = None
    max: int | float | None = None
    unit: Text | None = None

    def texts(self) -> dict[tuple[str | int, ...], dict]:
        found = super().texts()
        if self.unit is not None:
            found[("unit",)] = self.unit
        return found
