"""Rating items: the scored questions that make up dimensions and indices (METHOD.md, Scores).

A rating item answers on a named scale of k points, coded 1..k with k the most positive, whatever the order in
which the scale is shown; its non-substantive options ("don't know", "not applicable", ...) each keep their own
code and are never a score.
"""
from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from survey.analysis.spec import ScaleSpec, labels_of
from survey.microdata.variables import NOT_ASKED as EXPORT_NOT_ASKED
from survey.microdata.variables import Variable
from survey.questions.base import (
    NON_SUBSTANTIVE_BASE,
    NOT_ANSWERED,
    NOT_ASKED,
    NOT_ASKED_VALUE,
    Choice,
    FormContext,
    Frozen,
    Question,
    Reading,
    Text,
)

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

    # --- results (survey.analysis) ---------------------------------------------------------------------------

    def analysis_spec(self) -> ScaleSpec:
        """The scale as far as scores and comparability are concerned (survey.analysis.ScaleSpec): points,
        order, labels at every point or at the ends, and the non-substantive options' keys and labels (their
        storage order: the j-th is stored as 255 - j)."""
        labels = self.labels if self.labels is not None else self.ends or {}
        return ScaleSpec(
            points=self.points, order=self.order, labels=labels_of(labels), ends=self.labels is None,
            non_substantive=tuple((option.key, labels_of(option.label)) for option in self.non_substantive),
        )


class RatingQuestion(Question):
    """A scored item. `equivalent_scale` declares, with its reason, that a changed scale still measures the
    same as the previous version's (METHOD.md v2, Trends): without it a changed scale breaks comparability."""

    type: Literal["rating"]
    scale: str
    reverse: bool = False
    required: bool = True
    equivalent_scale: str | None = None

    packed: ClassVar[str] = "answers"

    # --- respondent form (survey.respond) -------------------------------------------------------------------
    # Radios in the scale's display order, then the non-substantive options set apart. A scale labelled at its
    # ends only shows every point's number, the end labels beside the first and last. The form posts the code
    # (1..points) or the non-substantive option's key; the draft keeps the code as an int or the key (a draft
    # saved before model 2 may hold "dk": the scale's first non-substantive option).

    form_template: ClassVar[str] = "respond/questions/choices.html"
    draft_slot: ClassVar[str] = "answers"
    input_kind: ClassVar[str] = "radio"
    options_class: ClassVar[str] = "scale"

    @property
    def first_input_id(self) -> str:
        return f"{self.html_id}-1"

    def choices(self, context: FormContext) -> list[Choice]:
        definition, language = context.definition, context.language
        scale = definition.scale_of(self)
        found = [Choice(str(code), point_text(scale, code, definition, language)) for code in scale.display_codes()]
        found += [Choice(option.key, definition.text(option.label, language), "non-substantive")
                  for option in scale.non_substantive]
        return found

    def selected(self, value) -> tuple[str, ...]:
        if value is None:
            return ()
        return (DONT_KNOW_KEY if value == LEGACY_DONT_KNOW else str(value),)

    def read(self, form, context: FormContext) -> Reading:
        raw = form.get(self.key)
        if raw is None or raw == "":
            return Reading(False)
        scale = context.definition.scale_of(self)
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= scale.points:
            return Reading(True, int(raw))
        if scale.non_substantive_by_key(raw) is not None:
            return Reading(True, raw)
        return Reading(False, error=("error_invalid", {}))

    def condition_value(self, value, definition) -> object:
        """The code 1..points; a non-substantive answer as its option's key."""
        if value == LEGACY_DONT_KNOW:
            return definition.scale_of(self).non_substantive[0].key
        return value

    def review_answer(self, value, context: FormContext) -> str:
        definition, language = context.definition, context.language
        scale = definition.scale_of(self)
        if isinstance(value, int):
            return point_text(scale, value, definition, language)
        option = scale.non_substantive[0] if value == LEGACY_DONT_KNOW else scale.non_substantive_by_key(value)
        return definition.text(option.label, language) if option is not None else str(value)

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # One byte in `Response.answers`: 0 no answer, 1..points the code as given (before any reverse flip),
    # 255 - j the scale's j-th non-substantive option (255: the first, format 1's "don't know"), 240 not asked.

    width: ClassVar[int] = 1

    def encode(self, value, definition) -> bytes:
        if value is NOT_ASKED_VALUE:
            return bytes((NOT_ASKED,))
        scale = definition.scale_of(self)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= scale.points:
            return bytes((value,))
        if value == LEGACY_DONT_KNOW and scale.non_substantive:
            return bytes((NON_SUBSTANTIVE_BASE,))
        for j, option in enumerate(scale.non_substantive):
            if option.key == value:
                return bytes((NON_SUBSTANTIVE_BASE - j,))
        return bytes((NOT_ANSWERED,))

    def decode(self, data: bytes, definition) -> object:
        byte = data[0]
        if byte == NOT_ANSWERED:
            return None
        if byte == NOT_ASKED:
            return NOT_ASKED_VALUE
        scale = definition.scale_of(self)
        if byte <= scale.points:
            return byte
        j = NON_SUBSTANTIVE_BASE - byte
        return scale.non_substantive[j].key if 0 <= j < len(scale.non_substantive) else None

    # --- results (survey.analysis) ---------------------------------------------------------------------------
    # Rating items are scored together, dimension by dimension (survey.analysis.scores, .items); what the
    # analysis needs of the item itself is its scale as a `ScaleSpec` (`Scale.analysis_spec`).

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


LEGACY_DONT_KNOW = "dk"
"""How drafts saved before model 2 kept "don't know": the scale's first non-substantive option."""
DONT_KNOW_KEY = "dont_know"
"""The key format 1's "don't know" has after the upgrade (survey.catalog.upgrade)."""


def point_text(scale: Scale, code: int, definition, language: str) -> str:
    """A point as the respondent reads it: its label; on a scale labelled at its ends only, its number (with the
    end's label at either end)."""
    label = scale.point_label(code, language, definition.default_language)
    if scale.labels is not None:
        return label
    return f"{code} – {label}" if label else str(code)
