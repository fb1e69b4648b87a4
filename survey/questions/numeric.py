"""Numeric answers: a whole number or a decimal, optionally bounded, with a unit shown beside the box."""
from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from survey.microdata.variables import Variable
from survey.questions.base import Question, Text, decode_status


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

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # In `Response.background`: a status byte (0 no answer, 1 answered, 240 not asked), then the number as a
    # float64, little-endian (0.0 unless answered).

    width: ClassVar[int] = 9

    # --- export (survey.microdata) ---------------------------------------------------------------------------
    # One variable: the number as given (a whole number unless `decimal`), with its unit and bounds in the
    # codebook.

    def export_variables(self, definition, page) -> list[Variable]:
        values = "decimal number" if self.decimal else "whole number"
        if self.min is not None or self.max is not None:
            low = "" if self.min is None else f"{self.min:g}"
            high = "" if self.max is None else f"{self.max:g}"
            values += f", {low}..{high}"
        if self.unit is not None:
            values += f" ({definition.text(self.unit, definition.default_language)})"
        return [self._export_variable(definition, page, values=values, integer=not self.decimal,
                                      measure="scale")]

    def export_values(self, packed: np.ndarray, definition) -> list[np.ndarray]:
        numbers = np.ascontiguousarray(packed[:, 1:9]).view("<f8").ravel()
        return [decode_status(packed[:, 0], numbers)]
