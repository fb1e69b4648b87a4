"""Numeric answers: a whole number or a decimal, optionally bounded, with a unit shown beside the box."""
from __future__ import annotations

from typing import Literal

import numpy as np

from survey.analysis.items import number_results
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

    # --- results (survey.results) ----------------------------------------------------------------------------
    # n, mean, median and quartiles of the numbers given (status byte 1).

    def item_results(self, packed, groups=None):
        numbers = np.ascontiguousarray(packed[:, 1:9]).view("<f8").ravel().copy()
        numbers[packed[:, 0] != 1] = np.nan
        return number_results(self.key, numbers, groups)
