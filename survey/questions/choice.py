"""Choice questions: one option (`single`) or several (`multiple`), each option with a stable key."""
from __future__ import annotations

from typing import Literal

import numpy as np

from survey.analysis.items import choice_results, single_choice_results
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


    # --- results (survey.results) ----------------------------------------------------------------------------
    # The share of each option among those who answered; a question answered by the link's program has none of
    # its own (the program breakdown shows it).

    def item_results(self, packed, groups=None):
        if self.source == "program" or not self.options:
            return None
        return single_choice_results(self.key, np.ascontiguousarray(packed[:, 0]),
                                     [option.key for option in self.options], groups)


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

    # --- results (survey.results) ----------------------------------------------------------------------------
    # The share of respondents choosing each option, among those who answered (status byte 1).

    def item_results(self, packed, groups=None):
        bits = np.unpackbits(np.ascontiguousarray(packed[:, 1:]), axis=1, bitorder="little")
        chosen = bits[:, :len(self.options)].astype(bool)
        return choice_results(self.key, chosen, packed[:, 0] == 1, [option.key for option in self.options],
                              groups)
