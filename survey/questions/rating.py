"""Rating items: the scored questions that make up dimensions and indices (METHOD.md, Scores).

A rating item answers on a named scale of k points, coded 1..k with k the most positive, whatever the order in
which the scale is shown; its non-substantive options ("don't know", "not applicable", ...) each keep their own
code and are never a score.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from survey.questions.base import Frozen, Question, Text


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
