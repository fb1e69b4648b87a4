"""Choice questions: one option (`single`) or several (`multiple`), each option with a stable key."""
from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from survey.microdata.variables import NOT_ASKED as EXPORT_NOT_ASKED
from survey.microdata.variables import Variable
from survey.questions.base import NOT_ASKED, Option, Question, decode_status


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

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # One byte in `Response.background`: 0 no answer, i the i-th option (1-based), 240 not asked. The program
    # question is answered by `Response.program_id`: its byte is always 0.

    width: ClassVar[int] = 1

    # --- export (survey.microdata) ---------------------------------------------------------------------------
    # One variable: the chosen option's export code, labelled. A question answered by the link's program exports
    # nothing of its own: the `program` column holds it.

    def export_variables(self, definition, page) -> list[Variable]:
        if self.source == "program":
            return []
        language = definition.default_language
        labels = {self.export_code(option): definition.text(option.label, language) for option in self.options}
        return [self._export_variable(definition, page, values=", ".join(str(code) for code in labels),
                                      value_labels=labels)]

    def export_values(self, packed: np.ndarray, definition) -> list[np.ndarray]:
        if self.source == "program":
            return []
        codes = np.full(256, np.nan)
        for i, option in enumerate(self.options, start=1):
            codes[i] = self.export_code(option)
        codes[NOT_ASKED] = EXPORT_NOT_ASKED
        return [codes[packed[:, 0]]]


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

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # In `Response.background`: a status byte (0 no answer, 1 answered, 240 not asked), then a bit per option,
    # ceil(n/8) bytes, bit i of option i (0-based) in little-endian bit order within each byte.

    @property
    def width(self) -> int:
        return 1 + (len(self.options) + 7) // 8

    # --- export (survey.microdata) ---------------------------------------------------------------------------
    # One 0/1 variable per option (1 = chosen), named KEY_OPTION; an answered question has 0 or 1 in each,
    # no answer leaves them all empty, not asked marks them all.

    def export_variables(self, definition, page) -> list[Variable]:
        language = definition.default_language
        text = definition.text(self.text, language)
        return [self._export_variable(definition, page, source=f"{self.key}.{option.key}",
                                      label=f"{text}: {definition.text(option.label, language)}",
                                      values="0 = not chosen, 1 = chosen", value_labels=CHOSEN_LABELS)
                for option in self.options]

    def export_values(self, packed: np.ndarray, definition) -> list[np.ndarray]:
        status = packed[:, 0]
        return [decode_status(status, (packed[:, 1 + i // 8] >> (i % 8)) & 1) for i in range(len(self.options))]


CHOSEN_LABELS = {0: "not chosen", 1: "chosen"}
