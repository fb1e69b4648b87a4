"""Numeric answers: a whole number or a decimal, optionally bounded, with a unit shown beside the box."""
from __future__ import annotations

import re
import struct
from typing import ClassVar, Literal

import numpy as np
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

from survey.analysis.items import number_results
from survey.microdata.variables import Variable
from survey.questions.base import (
    NOT_ANSWERED,
    NOT_ASKED,
    NOT_ASKED_VALUE,
    FormContext,
    Question,
    Reading,
    Text,
    decode_status,
)

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

    # --- respondent form (survey.respond) -------------------------------------------------------------------
    # A text box with the numeric keyboard (`inputmode`), the unit beside it. Either decimal mark is read
    # ("2,5" and "2.5"), and spaces between digit groups; a refused number is shown again as typed, with a
    # message saying what is wanted, and the page's other answers are saved. The draft keeps an int or a float.

    form_template: ClassVar[str] = "respond/questions/numeric.html"

    def read(self, form, context: FormContext) -> Reading:
        raw = form.get(self.key)
        if raw is None:
            return Reading(False)
        typed = raw.strip()
        if not typed:
            return Reading(True, None)
        number = _NUMBER.fullmatch(typed.replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
                                   .replace("\u202f", ""))
        if number is None or (number["fraction"] and not self.decimal):
            example = self.example()
            message = "error_number" if self.decimal else "error_whole_number"
            return Reading(False, error=(message, {"example": example}), shown=raw)
        if self.decimal:
            value: int | float = float(f"{number['whole']}.{number['fraction'] or 0}")
        else:
            value = int(number["whole"])
        if self.min is not None and value < self.min:
            return Reading(False, error=("error_too_small", {"min": _plain(self.min)}), shown=raw)
        if self.max is not None and value > self.max:
            return Reading(False, error=("error_too_large", {"max": _plain(self.max)}), shown=raw)
        return Reading(True, value)

    def missing_error(self) -> tuple[str, dict]:
        return ("error_number" if self.decimal else "error_whole_number"), {"example": self.example()}

    def example(self) -> str:
        """A number the question accepts, for messages: the middle of its range."""
        low = self.min if self.min is not None else (self.max - 10 if self.max is not None else 0)
        high = self.max if self.max is not None else low + 10
        middle = (low + high) / 2
        return _plain(round(middle, 1) if self.decimal else int(middle))

    def input_text(self, value, language: str | None = None) -> str:
        """The box's content: the text typed when it was refused, else the number kept, written as the
        respondent's language writes numbers (the box reads a decimal comma and a decimal point alike)."""
        if value is None:
            return ""
        return value if isinstance(value, str) else _localised(value, language)

    def review_answer(self, value, context: FormContext) -> str:
        unit = context.definition.text(self.unit, context.language) if self.unit else ""
        return f"{_localised(value, context.language)} {unit}".strip()

    # --- storage (survey.responses) --------------------------------------------------------------------------
    # In `Response.background`: a status byte (0 no answer, 1 answered, 240 not asked), then the number as a
    # float64, little-endian (0.0 unless answered).

    width: ClassVar[int] = 9

    def encode(self, value, definition) -> bytes:
        if value is NOT_ASKED_VALUE:
            return bytes((NOT_ASKED,)) + _FLOAT.pack(0.0)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return bytes((1,)) + _FLOAT.pack(float(value))
        return bytes((NOT_ANSWERED,)) + _FLOAT.pack(0.0)

    def decode(self, data: bytes, definition) -> object:
        if data[0] == NOT_ASKED:
            return NOT_ASKED_VALUE
        if data[0] == NOT_ANSWERED:
            return None
        (number,) = _FLOAT.unpack(data[1:9])
        return number if self.decimal else int(number)

    # --- results (survey.results) ----------------------------------------------------------------------------
    # n, mean, median and quartiles of the numbers given (status byte 1).

    def item_results(self, packed, groups=None):
        numbers = np.ascontiguousarray(packed[:, 1:9]).view("<f8").ravel().copy()
        numbers[packed[:, 0] != 1] = np.nan
        return number_results(self.key, numbers, groups)


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


_NUMBER = re.compile(r"(?P<whole>-?[0-9]{1,15})(?:[.,](?P<fraction>[0-9]{1,15}))?")
_FLOAT = struct.Struct("<d")


def _plain(number: int | float) -> str:
    """A number as people write it: no ".0" on a whole number, no exponent."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return format(number, "f").rstrip("0").rstrip(".") if isinstance(number, float) else str(number)


def _localised(number: int | float, language: str | None) -> str:
    """A number as `language` writes it (7,5 in Danish and Swedish, 7.5 in English), without thousands
    separators and with every digit given; as `_plain` writes it where Babel knows no such locale."""
    if language is None:
        return _plain(number)
    try:
        locale = Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return _plain(number)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return format_decimal(number, locale=locale, group_separator=False, decimal_quantization=False)
