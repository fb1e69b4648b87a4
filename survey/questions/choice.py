"""Choice questions: one option (`single`) or several (`multiple`), each option with a stable key."""
from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from survey.analysis.items import choice_results, single_choice_results
from survey.microdata.variables import NOT_ASKED as EXPORT_NOT_ASKED
from survey.microdata.variables import Variable
from survey.questions.base import (
    NOT_ANSWERED,
    NOT_ASKED,
    NOT_ASKED_VALUE,
    Choice,
    FormContext,
    Option,
    Question,
    Reading,
    decode_status,
)

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

    # --- respondent form (survey.respond) -------------------------------------------------------------------
    # Radios, one per option (posted: the option's key), or with `source: program` one per program of the
    # school (posted: its id; the draft keeps it as the draft's `program_id`, not among the answers).

    form_template: ClassVar[str] = "respond/questions/choices.html"
    input_kind: ClassVar[str] = "radio"
    options_class: ClassVar[str] = ""

    @property
    def draft_slot(self) -> str:
        return "program_id" if self.source == "program" else "background"

    @property
    def first_input_id(self) -> str:
        return f"{self.html_id}-1"

    def draft_value(self, draft) -> object | None:
        if self.source == "program":
            return draft.program_id
        return draft.background.get(self.key)

    def choices(self, context: FormContext) -> list[Choice]:
        if self.source == "program":
            return [Choice(str(program_id), name) for program_id, name in context.programs]
        return [Choice(option.key, context.definition.text(option.label, context.language))
                for option in self.options or ()]

    def selected(self, value) -> tuple[str, ...]:
        return () if value is None else (str(value),)

    def read(self, form, context: FormContext) -> Reading:
        raw = form.get(self.key)
        if raw is None or raw == "":
            return Reading(False)
        for choice in self.choices(context):
            if choice.value == raw:
                return Reading(True, int(raw) if self.source == "program" else raw)
        return Reading(False, error=("error_invalid", {}))

    def review_answer(self, value, context: FormContext) -> str:
        found = next((choice.label for choice in self.choices(context) if choice.value == str(value)), None)
        return found if found is not None else str(value)

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # One byte in `Response.background`: 0 no answer, i the i-th option (1-based), 240 not asked. The program
    # question is answered by `Response.program_id`: its byte is always 0.

    width: ClassVar[int] = 1

    def encode(self, value, definition) -> bytes:
        if self.source == "program":
            return bytes((NOT_ANSWERED,))
        if value is NOT_ASKED_VALUE:
            return bytes((NOT_ASKED,))
        keys = [option.key for option in self.options or ()]
        return bytes((keys.index(value) + 1 if value in keys else NOT_ANSWERED,))

    def decode(self, data: bytes, definition) -> object:
        byte = data[0]
        if byte == NOT_ASKED:
            return NOT_ASKED_VALUE
        options = self.options or ()
        return options[byte - 1].key if 1 <= byte <= len(options) else None

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

    # --- respondent form (survey.respond) -------------------------------------------------------------------
    # Checkboxes posting the options' keys, and an empty value, so that a page sent with every box unticked
    # clears the answer. An exclusive option ("none of these") ticked with another is refused with a message
    # naming it; the boxes stay as ticked, the page's other answers are saved. The draft keeps the keys in
    # option order.

    form_template: ClassVar[str] = "respond/questions/choices.html"
    input_kind: ClassVar[str] = "checkbox"
    options_class: ClassVar[str] = "multiple"

    @property
    def first_input_id(self) -> str:
        return f"{self.html_id}-1"

    def choices(self, context: FormContext) -> list[Choice]:
        return [Choice(option.key, context.definition.text(option.label, context.language),
                       "exclusive" if option.exclusive else "")
                for option in self.options]

    def selected(self, value) -> tuple[str, ...]:
        return tuple(value or ())

    def read(self, form, context: FormContext) -> Reading:
        posted = form.getlist(self.key)
        if not posted:
            return Reading(False)
        ticked = {value for value in posted if value}
        keys = [option.key for option in self.options]
        chosen = [key for key in keys if key in ticked]
        if len(chosen) != len(ticked):
            return Reading(False, error=("error_invalid", {}), shown=chosen)
        exclusive = next((o for o in self.options if o.exclusive and o.key in ticked), None)
        if exclusive is not None and len(chosen) > 1:
            label = context.definition.text(exclusive.label, context.language)
            return Reading(False, error=("error_exclusive", {"option": label}), shown=chosen)
        return Reading(True, chosen or None)

    def condition_value(self, value, definition) -> object:
        """The keys chosen, for `selected(key, 'option')`."""
        return tuple(value)

    def review_answer(self, value, context: FormContext) -> str:
        labels = {choice.value: choice.label for choice in self.choices(context)}
        return ", ".join(labels.get(key, key) for key in value)

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # In `Response.background`: a status byte (0 no answer, 1 answered, 240 not asked), then a bit per option,
    # ceil(n/8) bytes, bit i of option i (0-based) in little-endian bit order within each byte.

    @property
    def width(self) -> int:
        return 1 + (len(self.options) + 7) // 8

    def encode(self, value, definition) -> bytes:
        mask = bytearray(self.width - 1)
        if value is NOT_ASKED_VALUE:
            return bytes((NOT_ASKED,)) + bytes(mask)
        chosen = set(value or ())
        for i, option in enumerate(self.options):
            if option.key in chosen:
                mask[i // 8] |= 1 << (i % 8)
        return bytes((1 if any(mask) else NOT_ANSWERED,)) + bytes(mask)

    def decode(self, data: bytes, definition) -> object:
        if data[0] == NOT_ASKED:
            return NOT_ASKED_VALUE
        if data[0] == NOT_ANSWERED:
            return None
        return [option.key for i, option in enumerate(self.options) if data[1 + i // 8] >> (i % 8) & 1]

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

    # --- results (survey.results) ----------------------------------------------------------------------------
    # The share of respondents choosing each option, among those who answered (status byte 1).

    def item_results(self, packed, groups=None):
        bits = np.unpackbits(np.ascontiguousarray(packed[:, 1:]), axis=1, bitorder="little")
        chosen = bits[:, :len(self.options)].astype(bool)
        return choice_results(self.key, chosen, packed[:, 0] == 1, [option.key for option in self.options],
                              groups)


CHOSEN_LABELS = {0: "not chosen", 1: "chosen"}
