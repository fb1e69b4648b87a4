"""Format 1 -> format 2: definitions written before question types, routing and named scales.

Format 1 had one `scale`, its items inside `dimensions`, then `background` and `free_text` sections. The
upgrade keeps every key, text and lineage and lays the questions out as format 1 showed them: one page per
dimension, a page of background questions, a page of free text. The answers' storage order is the same in both
(rating items in dimension order, then background questions), so responses stored under a format-1 version read
the same under its upgrade. Used by `benchlearn questionnaire upgrade FILE` and by migration 0011, which upgrades
the versions already published.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from survey.catalog.definition import (
    DefinitionError,
    Problem,
    format_one,
    validate_data,
)
from survey.catalog.limits import prescan
from survey.catalog.yaml_lines import LineIndex, Path, describe, read_yaml

SCALE = "scale"
DONT_KNOW = "dont_know"
AUDIENCES = ("student", "staff", "company")

# The fields of format 1 (survey/catalog/definition.py before issue 10), to refuse what the upgrade would drop.
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {  # part -> (required, optional)
    "definition": (frozenset({"family", "version", "languages", "title", "intro", "scale", "overall", "dimensions"}),
                   frozenset({"previous", "background", "free_text"})),
    "scale": (frozenset({"points", "labels"}), frozenset({"dont_know"})),
    "dimension": (frozenset({"key", "title", "items"}), frozenset()),
    "item": (frozenset({"key", "text"}), frozenset({"reverse", "required", "lineage", "replaces"})),
    "background": (frozenset({"key", "text"}), frozenset({"required", "source", "options"})),
    "free_text": (frozenset({"key", "text"}), frozenset()),
}


def upgrade_source(text: str, filename: str) -> dict[str, Any]:
    """The format-2 document for the format-1 definition in `text`, checked as format 2; raises DefinitionError
    with every problem located in `text` (the file the admin wrote, not the upgrade), or saying it is no
    format-1 definition."""
    too_wild = prescan(text)
    if too_wild is not None:
        raise DefinitionError([Problem(filename, *too_wild)])
    document = read_yaml(text)
    if document.problems:
        raise DefinitionError([Problem(filename, line, message) for line, message in document.problems])
    if not format_one(document.data):
        raise DefinitionError([Problem(filename, 1, "this is not a format-1 definition: nothing to upgrade")])
    shape = [
        Problem(filename, document.lines.line(path), f"{describe(path)}: {message}" if path else message)
        for path, message in format_one_problems(document.data)
    ]
    if shape:
        raise DefinitionError(sorted(shape, key=lambda problem: problem.line))
    upgraded = upgrade_definition(document.data)
    validate_data(upgraded, filename, _FormatOneLines(document.lines, document.data))
    return upgraded


def format_one_problems(old: Any) -> Iterator[tuple[Path, str]]:
    """What keeps `old` from being upgraded without losing anything: a missing or unknown field, or a part that
    is not a mapping or list where format 1 had one (located by paths in `old`)."""
    yield from _fields(old, (), "definition")
    if not isinstance(old, dict):
        return
    if isinstance(old.get("scale"), dict):
        yield from _fields(old["scale"], ("scale",), "scale")
    if not isinstance(old.get("languages"), list) or not old["languages"]:
        yield ("languages",), "expected a list of languages"
    if not isinstance(old.get("family"), str):
        yield ("family",), "expected a string"
    for name, part in (("dimensions", "dimension"), ("background", "background"), ("free_text", "free_text")):
        value = old.get(name)
        if value is None and name != "dimensions":
            continue
        if not isinstance(value, list):
            yield (name,), "expected a list"
            continue
        for i, each in enumerate(value):
            yield from _fields(each, (name, i), part)
            if part == "dimension" and isinstance(each, dict):
                if not isinstance(each.get("items"), list):
                    yield (name, i, "items"), "expected a list"
                    continue
                for j, item in enumerate(each["items"]):
                    yield from _fields(item, (name, i, "items", j), "item")


def _fields(value: Any, path: Path, part: str) -> Iterator[tuple[Path, str]]:
    if not isinstance(value, dict):
        yield path, "expected a mapping of fields"
        return
    required, optional = _FIELDS[part]
    for name in sorted(required - value.keys()):
        yield path, f"field '{name}' is required"
    for name in value.keys() - required - optional:
        yield (*path, name), f"unknown field '{name}' in a format-1 definition"


class _FormatOneLines:
    """Lines of the format-1 file for the paths of its format-2 upgrade: page i is dimension i (its questions
    the dimension's items), then the background page, then the comments page (see `upgrade_definition`)."""

    def __init__(self, lines: LineIndex, old: dict[str, Any]) -> None:
        self._lines = lines
        self._dimensions = len(old["dimensions"])
        self._background = bool(old.get("background"))

    def line(self, path: Path) -> int:
        return self._lines.line(self.path(path))

    def path(self, path: Path) -> Path:
        if not path:
            return path
        head, rest = path[0], path[1:]
        if head in ("format", "audience"):
            return ("family",)
        if head == "default_language":
            return ("languages",)
        if head == "scales":
            return self._scale(rest[1:])
        if head == "pages" and rest and isinstance(rest[0], int):
            return self._page(rest[0], rest[1:])
        if head == "dimensions" and len(rest) >= 3 and rest[1] == "items":
            return ("dimensions", rest[0], "items", rest[2], "key")
        return path

    @staticmethod
    def _scale(rest: Path) -> Path:
        if rest and rest[0] == "non_substantive":
            return ("scale", "dont_know", *rest[4:]) if len(rest) > 2 and rest[2] == "label" else ("scale", "dont_know")
        return ("scale", *rest)

    def _page(self, i: int, rest: Path) -> Path:
        if i < self._dimensions:
            base, section = ("dimensions", i), "items"
        else:
            base, section = (), "background" if self._background and i == self._dimensions else "free_text"
        if not rest or rest[0] != "questions":
            return (*base, *rest[:1]) if base else (section,)
        if len(rest) == 1:
            return (*base, section)
        question = (*base, section, rest[1])
        return question if rest[2:3] in (("type",), ("scale",)) else (*question, *rest[2:])


def upgrade_definition(old: dict[str, Any]) -> dict[str, Any]:
    """The format-2 document for a format-1 document (both as plain data, as read from YAML or JSON)."""
    scale = old["scale"]
    points = scale["points"]
    new_scale: dict[str, Any] = {"points": points, "labels": scale["labels"]}
    if scale.get("dont_know"):
        new_scale["non_substantive"] = [
            {"key": DONT_KNOW, "code": 9 if points < 9 else 99, "label": scale["dont_know"]}
        ]
    pages = []
    for dimension in old["dimensions"]:
        pages.append({
            "key": dimension["key"],
            "title": dimension["title"],
            "questions": [_rating(item) for item in dimension["items"]],
        })
    background = old.get("background") or []
    if background:
        pages.append({"key": "background", "questions": [_single(question) for question in background]})
    free_text = old.get("free_text") or []
    if free_text:
        pages.append({"key": "comments", "questions": [_text(question) for question in free_text]})
    new: dict[str, Any] = {"format": 2, "family": old["family"]}
    new["audience"] = old["family"] if old["family"] in AUDIENCES else "other"
    new["version"] = old["version"]
    if old.get("previous") is not None:
        new["previous"] = old["previous"]
    new["default_language"] = "da" if "da" in old["languages"] else old["languages"][0]
    new.update({
        "languages": old["languages"],
        "title": old["title"],
        "intro": old["intro"],
        "scales": {SCALE: new_scale},
        "pages": pages,
        "dimensions": [
            {"key": d["key"], "title": d["title"], "items": [item["key"] for item in d["items"]]}
            for d in old["dimensions"]
        ],
        "overall": old["overall"],
    })
    return json.loads(json.dumps(new))  # no value shared between places: a YAML writer would make it an alias


def _rating(item: dict[str, Any]) -> dict[str, Any]:
    rating = {"type": "rating", "key": item["key"], "scale": SCALE, "text": item["text"]}
    for field in ("reverse", "required", "lineage", "replaces"):
        if item.get(field) is not None:
            rating[field] = item[field]
    return rating


def _single(question: dict[str, Any]) -> dict[str, Any]:
    single = {"type": "single", "key": question["key"], "text": question["text"]}
    for field in ("required", "source", "options"):
        if question.get(field) is not None:
            single[field] = question[field]
    return single


def _text(question: dict[str, Any]) -> dict[str, Any]:
    return {"type": "text", "key": question["key"], "text": question["text"]}
