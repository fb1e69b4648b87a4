"""Rating items: the scored questions that make up dimensions and indices (METHOD.md, Scores).

A rating item answers on a named scale of k points, coded 1..k with k the most positive, whatever the order in
which the scale is shown; its non-substantive options ("don't know", "not applicable", ...) each keep their own
code and are never a score.
"""
from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from survey.microdata.variables import NOT_ASKED as EXPORT_NOT_ASKED
from survey.microdata.variables import Variable
from survey.questions.base import NON_SUBSTANTIVE_BASE, NOT_ASKED, Frozen, Question, Text


class NonSubstantive(Frozen):
    """An answer that is not a point of the scale; `code` is its number in exports."""

    key: str
    code: int
    label: Text


class Scale(Frozen):
    """A named answer scale. `labels` name every point in code order (least positive first), or `ends` name
    only the least and the most positive point; `order` is how the points are shown."""

    points: int
    labels: dict[str, list[str]] | None = None
    ends: dict[str, list[str]] | None = None
    order: Literal["ascending", "descending"] = "ascending"
    non_substantive: list[NonSubstantive] = []

    def display_codes(self) -> list[int]:
        """The codes 1..k in the order the respondent sees them."""
        codes = list(range(1, self.points + 1))
        return codes if self.order == "ascending" else codes[::-1]

    def point_label(self, code: int, language: str, default_language: str) -> str | None:
        """The label of point `code` in `language` (falling back to the default language); None for an
        unlabelled middle point of a scale labelled only at its ends."""
        if self.labels is not None:
            labels = self.labels.get(language) or self.labels[default_language]
            return labels[code - 1]
        ends = self.ends.get(language) or self.ends[default_language]
        if code == 1:
            return ends[0]
        if code == self.points:
            return ends[1]
        return None

    def non_substantive_by_key(self, key: str) -> NonSubstantive | None:
        return next((option for option in self.non_substantive if option.key == key), None)

    def texts(self) -> dict[tuple[str | int, ...], dict]:
        found: dict[tuple[str | int, ...], dict] = {}
        if self.labels is not None:
            found[("labels",)] = self.labels
        if self.ends is not None:
            found[("ends",)] = self.ends
        for i, option in enumerate(self.non_substantive):
            found[("non_substantive", i, "label")] = option.label
        return found


class RatingQuestion(Question):
    """A scored item. `equivalent_scale` declares, with its reason, that a changed scale still measures the
    same as the previous version's (METHOD.md v2, Trends): without it a changed scale breaks comparability."""

    type: Literal["rating"]
    scale: str
    reverse: bool = False
    required: bool = True
    equivalent_scale: str | None = None

    packed: ClassVar[str] = "answers"

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # One byte in `Response.answers`: 0 no answer, 1..points the code as given (before any reverse flip),
    # 255 - j the scale's j-th non-substantive option (255: the first, format 1's "don't know"), 240 not asked.

    width: ClassVar[int] = 1

    # --- export (survey.microdata) ---------------------------------------------------------------------------
    # One variable: the code as given (1..k, k the most positive, before any reverse flip), each
    # non-substantive option its own code. Value labels: every labelled point (a scale labelled only at its ends
    # labels 1 and k) and the non-substantive options.

    def export_variables(self, definition, page) -> list[Variable]:
        scale = definition.scale_of(self)
        language = definition.default_language
        labels = {}
        for code in range(1, scale.points + 1):
            label = scale.point_label(code, language, language)
            if label is not None:
                labels[code] = label
        missing = {option.code: definition.text(option.label, language) for option in scale.non_substantive}
        dimensions = ", ".join(d.key for d in definition.dimensions if self.key in d.items)
        return [self._export_variable(
            definition, page, values=f"1-{scale.points} ({scale.points} = most positive)", value_labels=labels,
            missing=missing, measure="ordinal", dimension=dimensions, reverse=self.reverse)]

    def export_values(self, packed: np.ndarray, definition) -> list[np.ndarray]:
        scale = definition.scale_of(self)
        codes = np.full(256, np.nan)
        codes[1:scale.points + 1] = np.arange(1, scale.points + 1)
        for j, option in enumerate(scale.non_substantive):
            codes[NON_SUBSTANTIVE_BASE - j] = option.code
        codes[NOT_ASKED] = EXPORT_NOT_ASKED
        return [codes[packed[:, 0]]]
