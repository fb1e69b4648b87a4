"""Pydantic's validation errors, retold for the admin who edits a questionnaire's YAML.

Each error becomes a finding at the line of the offending key (for a missing field: the mapping lacking it),
in YAML words: "mapping", "list", "true or false", never Python type names.
"""
from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

from pydantic_core import ErrorDetails

from survey.catalog.yaml_lines import Finding, LineIndex, Path, describe
from survey.questions import QUESTION_TYPES

_EXPECTED = {
    "string_type": "expected a string",
    "string_too_short": "must not be empty",
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
    "list_type": "expected a list",
    "dict_type": "expected a mapping (key: value lines)",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
}


def explain(error: ErrorDetails, lines: LineIndex, field_names: Collection[str]) -> Finding:
    """One pydantic error as (line, message); `field_names` are the known fields, to suggest for a typo."""
    raw = tuple(error["loc"])
    loc = _without_tags(raw)
    kind = error["type"]
    if kind == "union_tag_not_found":
        return lines.line(loc), _at(loc, f"field 'type' is required: one of {', '.join(QUESTION_TYPES)}")
    if kind == "union_tag_invalid":
        given = error.get("ctx", {}).get("tag")
        what = "has no value" if given is None or given == "None" else f"unknown question type {given!r}"
        return lines.line((*loc, "type")), _at((*loc, "type"), f"{what}: one of {', '.join(QUESTION_TYPES)}")
    if kind == "missing":
        return lines.line(loc[:-1]), _at(loc[:-1], f"field '{loc[-1]}' is required")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        question_type = _question_type(raw)
        owners = [type_name for type_name, model in QUESTION_TYPES.items() if name in model.model_fields]
        if question_type is not None and owners:
            return lines.line(loc), _at(
                loc[:-1], f"a {question_type} question has no field '{name}' (only {', '.join(owners)} questions have it)"
            )
        close = difflib.get_close_matches(name, [field for field in field_names if field != name], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return lines.line(loc), _at(loc[:-1], f"unknown field '{name}'{hint}")
    if loc and loc[-1] == "[key]":
        return lines.line(loc[:-1]), _at(loc[:-1], f"this key {_expectation(error)}")
    return lines.line(loc), _at(loc, _expectation(error))


def _question_type(loc: tuple) -> str | None:
    """The question type pydantic chose, when the location is inside a question."""
    return next(
        (step for i, step in enumerate(loc)
         if step in QUESTION_TYPES and i >= 2 and loc[i - 2] == "questions" and isinstance(loc[i - 1], int)),
        None,
    )


def _without_tags(loc: tuple) -> tuple:
    """Pydantic names the chosen question type in the location (`questions, 2, 'rating', 'scale'`); the file
    has no such step."""
    return tuple(
        step for i, step in enumerate(loc)
        if not (step in QUESTION_TYPES and i >= 2 and loc[i - 2] == "questions" and isinstance(loc[i - 1], int))
    )


def _at(path: Path, message: str) -> str:
    where = describe(path)
    return f"{where}: {message}" if where else message


def _expectation(error: ErrorDetails) -> str:
    value = error["input"]
    if value is None:
        return "has no value"
    if error["type"] == "literal_error":
        return f"expected {error.get('ctx', {}).get('expected')}, got {_shown(value)}"
    expected = _EXPECTED.get(error["type"])
    if expected is None:
        return error["msg"]
    if error["type"] == "string_too_short":
        return expected
    if error["type"] == "string_type" and not isinstance(value, dict | list):
        return f"{expected}, got {_shown(value)} (put it in quotes)"  # YAML read a number, date or boolean
    return f"{expected}, got {_shown(value)}"


def _shown(value: Any) -> str:
    """A YAML value described briefly, as written: strings quoted and cut short, containers by kind."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return str(value)
