"""The variables of a response export: what every writer and the codebook need to know about one column.

A question type says which variables it exports and how its packed answers become their values
(`export_variables` and `export_values` on the classes in survey/questions); this module holds the neutral
structure they return and the conventions every format shares:

- a value column is float64: the code or number given, NaN = no answer (the question was shown and left
  blank), `NOT_ASKED` (-inf) = not asked (routing skipped the question or its page);
- writers turn "not asked" into `NOT_ASKED_CODE` (CSV, XLSX, Parquet, SPSS, where it is user-missing) or
  Stata's extended missing value `.a`; "no answer" is an empty cell, SPSS's system-missing or Stata's `.`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from survey.microdata.names import variable_names

NOT_ASKED = -np.inf
"""In a value column: the question was not asked (routed past)."""
NOT_ASKED_CODE = -999
"""The code of "not asked" in CSV, XLSX, Parquet and SPSS: outside every code a definition may give (rating
points 1..11; option and non-substantive codes -99..999, survey.catalog.rules.EXPORT_CODE_RANGE). A numeric
answer equal to it is refused by those writers (Stata's `.a` cannot collide)."""
NOT_ASKED_LABEL = "not asked"
STATA_NOT_ASKED = "a"
"""Stata's extended missing value `.a` = not asked; `.` = no answer."""

FIXED_COLUMNS = ("response_id", "school", "program", "date", "language", "questionnaire_version")
"""The columns before the questions' variables, in every format."""



class ExportError(ValueError):
    """The export cannot be written as asked (an unsupported extension, too many rows for the format, ...);
    nothing has been written."""


@dataclass(frozen=True)
class Variable:
    """One exported column of a question.

    `source`: the question key, or `KEY.OPTION` for one option of a multiple choice (the name is made from it,
    survey/microdata/names.py). `label`: the variable label (question text in the definition's default
    language). `values`: what a value may be, in words, for the codebook. `value_labels`: the substantive
    codes with their labels (a scale labelled only at its ends labels only those). `missing`: the
    non-substantive codes with their labels (user-missing in SPSS). `integer`: whole numbers only.
    `measure`: SPSS's level of measurement (nominal, ordinal, scale). `routed`: the question or its page has a
    condition, so "not asked" can occur.
    """

    source: str
    key: str
    type: str
    label: str
    values: str
    value_labels: Mapping[int, str] = field(default_factory=dict)
    missing: Mapping[int, str] = field(default_factory=dict)
    integer: bool = True
    measure: str = "nominal"
    routed: bool = False
    shown_if: str = ""
    dimension: str = ""
    reverse: bool | None = None
    lineage: str = ""
    name: str = ""

    def labels(self) -> dict[int, str]:
        """Every labelled code: substantive, then non-substantive."""
        return {**self.value_labels, **self.missing}


@dataclass(frozen=True)
class FixedColumn:
    """A column that is not a question: identifiers of the row and its context (always text in the export,
    the date a date in SPSS and Stata)."""

    name: str
    label: str
    values: str


FIXED = (
    FixedColumn("response_id", "Random identifier of the response (new in every export)", "UUID version 4"),
    FixedColumn("school", "School code", "text"),
    FixedColumn("program", "Program code (from the survey link)", "text"),
    FixedColumn("date", "Date of submission", "date (YYYY-MM-DD)"),
    FixedColumn("language", "Language the respondent answered in", "BCP 47 language tag"),
    FixedColumn("questionnaire_version", "Questionnaire family and version answered", "text"),
)
assert tuple(column.name for column in FIXED) == FIXED_COLUMNS


def named(variables: Iterable[Variable]) -> list[Variable]:
    """The variables with their export names (survey/microdata/names.py), in the order given."""
    variables = list(variables)
    names = variable_names((v.source for v in variables), taken=FIXED_COLUMNS)
    return [replace(variable, name=names[variable.source]) for variable in variables]


def join_conditions(*conditions: str | None) -> str:
    """The condition a question is shown under: its page's and its own, joined by `and`."""
    present = [c for c in conditions if c]
    if len(present) <= 1:
        return present[0] if present else ""
    return " and ".join(f"({c})" for c in present)


@dataclass(frozen=True)
class ResponseTable:
    """The rows of a response export, in the order they are written (already shuffled).

    `fixed`: one text array per fixed column (`FIXED_COLUMNS`; None = empty); `variables` with their
    `columns` (float64, NaN = no answer, `NOT_ASKED` = not asked), in the same order."""

    fixed: Mapping[str, np.ndarray]
    variables: list[Variable]
    columns: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.fixed["response_id"])
