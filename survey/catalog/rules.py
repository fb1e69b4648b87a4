"""The rules a well-shaped questionnaire definition must follow (questionnaires/README.md, "What validation checks").

Every check yields (line, message) findings for the caller to tie to the file. Checks run on a definition that
already has the right shape, so they can trust types and spend their words on meaning.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from survey.catalog.limits import MAX_ITEMS
from survey.catalog.yaml_lines import Finding, Path, describe

if TYPE_CHECKING:
    from survey.catalog.definition import Item, QuestionnaireDefinition

Line = Callable[[Path], int]
"""Gives the line of the value at a location path."""

KEY = re.compile(r"[a-z][a-z0-9_]*")
ITEM_KEY = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
VERSION_LENGTH = 40
"""The longest version name (the column `questionnaire_version.version`)."""
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}")
LANGUAGE_CODE_LENGTH = 16
"""The longest language code (BCP 47: `da`, `prs`, `sr-Latn`), as the responses' `language` columns hold it."""
LANGUAGE_RULE = "a language code such as 'da', 'prs' or 'sr-Latn'"
MIN_POINTS, MAX_POINTS = 2, 11
REQUIRED_LANGUAGE = "da"
KEY_RULE = "lowercase letters, digits and _, starting with a letter"


def well_formed_version(version: str) -> bool:
    """Versions name files and URLs, so they keep to letters, digits, '.', '_' and '-'."""
    return VERSION.fullmatch(version) is not None


def check_definition(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Every rule that needs nothing but the definition itself."""
    yield from _versions(definition, line)
    yield from _languages(definition, line)
    yield from _texts(definition, line)
    yield from _scale(definition, line)
    yield from _dimensions(definition, line)
    yield from _questions(definition, line)
    yield from _lineage(definition, line)


def check_against_previous(
    definition: QuestionnaireDefinition, previous: QuestionnaireDefinition, line: Line
) -> Iterator[Finding]:
    """The rules across versions: the scale stays, and lineage and `replaces` name items `previous` has."""
    if (previous.family, previous.version) != (definition.family, definition.previous):
        yield line(("previous",)), (
            f"the definition found for previous version {definition.previous!r} of family {definition.family!r} "
            f"is version {previous.version!r} of family {previous.family!r}"
        )
        return
    if definition.scale.points != previous.scale.points:
        yield line(("scale", "points")), (
            f"scale points changed from {previous.scale.points} to {definition.scale.points}: "
            "no item would stay comparable with earlier rounds; keep the previous version's scale"
        )
    old_keys = {item.key for _, item in previous.items()}
    was = f"version {previous.version!r}"
    for at, item in _items(definition):
        claimed = item.previous_key()
        if claimed is not None and ITEM_KEY.fullmatch(claimed) and claimed not in old_keys:
            named = "lineage: same" if item.lineage == "same" else f"lineage {claimed!r}"
            yield line((*at, "lineage")), f"item {item.key!r} has {named}, but {was} has no item {claimed!r}"
        if item.replaces is not None and item.replaces not in old_keys:
            yield line((*at, "replaces")), (
                f"item {item.key!r} replaces {item.replaces!r}, but {was} has no item {item.replaces!r}"
            )


def _items(definition: QuestionnaireDefinition) -> Iterator[tuple[Path, Item]]:
    for i, dimension in enumerate(definition.dimensions):
        for j, item in enumerate(dimension.items):
            yield ("dimensions", i, "items", j), item


def _versions(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    for field in ("version", "previous"):
        value = getattr(definition, field)
        if value is not None and not well_formed_version(value):
            yield line((field,)), f"{field} {value!r} may use only letters, digits, '.', '_' and '-'"
        elif value is not None and len(value) > VERSION_LENGTH:
            yield line((field,)), f"{field} has {len(value)} characters: at most {VERSION_LENGTH}"
    if definition.previous == definition.version:
        yield line(("previous",)), f"previous must name an earlier version, not this one ({definition.version!r})"


def _languages(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    if REQUIRED_LANGUAGE not in definition.languages:
        yield line(("languages",)), f"languages must include {REQUIRED_LANGUAGE!r}"
    seen: set[str] = set()
    for i, language in enumerate(definition.languages):
        if not LANGUAGE.fullmatch(language) or len(language) > LANGUAGE_CODE_LENGTH:
            yield line(("languages", i)), f"language {language!r} must be {LANGUAGE_RULE}"
        elif language in seen:
            yield line(("languages", i)), f"language {language!r} is listed twice"
        seen.add(language)


def _texts(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Every text exists in every listed language, and in no other (a malformed code is reported once, above)."""
    listed = [language for language in definition.languages if LANGUAGE.fullmatch(language)]
    languages = set(definition.languages)
    for path, text in _text_fields(definition):
        missing = [language for language in listed if language not in text]
        if missing:
            yield line(path), f"{describe(path)}: no text in {', '.join(map(repr, missing))}"
        for language in text:
            if language not in languages:
                yield line((*path, language)), f"{describe(path)}: language {language!r} is not in languages"


def _text_fields(definition: QuestionnaireDefinition) -> Iterator[tuple[Path, Mapping[str, object]]]:
    yield ("title",), definition.title
    yield ("intro",), definition.intro
    yield ("scale", "labels"), definition.scale.labels
    if definition.scale.dont_know is not None:
        yield ("scale", "dont_know"), definition.scale.dont_know
    for i, dimension in enumerate(definition.dimensions):
        yield ("dimensions", i, "title"), dimension.title
    for at, item in _items(definition):
        yield (*at, "text"), item.text
    for i, question in enumerate(definition.background):
        yield ("background", i, "text"), question.text
        for j, option in enumerate(question.options or []):
            yield ("background", i, "options", j, "label"), option.label
    for i, free in enumerate(definition.free_text):
        yield ("free_text", i, "text"), free.text


def _scale(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    points = definition.scale.points
    if not MIN_POINTS <= points <= MAX_POINTS:
        yield line(("scale", "points")), f"scale points must be between {MIN_POINTS} and {MAX_POINTS}, not {points}"
    for language, labels in definition.scale.labels.items():
        if len(labels) != points:
            yield line(("scale", "labels", language)), (
                f"scale.labels.{language}: {len(labels)} labels for {points} points "
                "(one per point, least positive first)"
            )


def _dimensions(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    if not definition.dimensions:
        yield line(("dimensions",)), "at least one dimension is required"
    first_dimension: dict[str, int] = {}
    first_item: dict[str, int] = {}
    for count, (at, _) in enumerate(_items(definition), start=1):
        if count > MAX_ITEMS:
            yield line(at), f"a questionnaire may have at most {MAX_ITEMS} items: this is item {count}"
            return
    for i, dimension in enumerate(definition.dimensions):
        at = line(("dimensions", i, "key"))
        if not KEY.fullmatch(dimension.key):
            yield at, f"dimension key {dimension.key!r} must be {KEY_RULE}"
        elif dimension.key in first_dimension:
            yield at, f"dimension key {dimension.key!r} is used twice (first at line {first_dimension[dimension.key]})"
        first_dimension.setdefault(dimension.key, at)
        if not dimension.items:
            yield line(("dimensions", i, "items")), f"dimension {dimension.key!r} has no items"
        for j, item in enumerate(dimension.items):
            at = line(("dimensions", i, "items", j, "key"))
            prefix, _, name = item.key.partition(".")
            if prefix != dimension.key:
                yield at, f"item key {item.key!r} must start with its dimension's key '{dimension.key}.'"
            elif not KEY.fullmatch(name):
                yield at, f"item key {item.key!r} must be '{dimension.key}.<name>', the name in {KEY_RULE}"
            if item.key in first_item:
                yield at, f"item key {item.key!r} is used twice (first at line {first_item[item.key]})"
            first_item.setdefault(item.key, at)
    if definition.dimensions and definition.overall not in first_dimension:
        yield line(("overall",)), (
            f"overall {definition.overall!r} names no dimension (the dimensions are {', '.join(first_dimension)})"
        )


def _questions(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Background and free-text keys share one namespace: both name a respondent's answer."""
    first_question: dict[str, int] = {}
    sections = (("background", definition.background), ("free_text", definition.free_text))
    for section, questions in sections:
        for i, question in enumerate(questions):
            at = line((section, i, "key"))
            if not KEY.fullmatch(question.key):
                yield at, f"question key {question.key!r} must be {KEY_RULE}"
            elif question.key in first_question:
                yield at, f"question key {question.key!r} is used twice (first at line {first_question[question.key]})"
            first_question.setdefault(question.key, at)
    for i, question in enumerate(definition.background):
        at = line(("background", i))
        if question.options is None and question.source is None:
            yield at, f"background question {question.key!r} needs options or source: program"
        elif question.options is not None and question.source is not None:
            yield at, f"background question {question.key!r} has both options and source: keep one"
        elif question.options is not None and len(question.options) < 2:
            yield line(("background", i, "options")), f"background question {question.key!r} needs at least two options"
        first_option: dict[str, int] = {}
        for j, option in enumerate(question.options or []):
            at = line(("background", i, "options", j, "key"))
            if not KEY.fullmatch(option.key):
                yield at, f"option key {option.key!r} must be {KEY_RULE}"
            elif option.key in first_option:
                yield at, (
                    f"option key {option.key!r} is used twice in background question {question.key!r} "
                    f"(first at line {first_option[option.key]})"
                )
            first_option.setdefault(option.key, at)


def _lineage(definition: QuestionnaireDefinition, line: Line) -> Iterator[Finding]:
    """Lineage in a later version only; each previous item is continued by at most one item, or replaced."""
    claims: dict[str, tuple[str, int]] = {}
    replacing: list[tuple[Item, int]] = []
    for at, item in _items(definition):
        lineage_line, replaces_line = line((*at, "lineage")), line((*at, "replaces"))
        if definition.previous is None:
            for field, value, where in (
                ("lineage", item.lineage, lineage_line),
                ("replaces", item.replaces, replaces_line),
            ):
                if value is not None:
                    yield where, f"item {item.key!r} has {field}, but this is the first version of its family"
            continue
        if item.lineage is None:
            yield line(at), (
                f"item {item.key!r} needs lineage: same, new, or the key of an item of version {definition.previous!r}"
            )
            continue
        if item.lineage not in ("same", "new") and not ITEM_KEY.fullmatch(item.lineage):
            yield lineage_line, f"item {item.key!r}: lineage {item.lineage!r} must be same, new, or an item key"
        if item.replaces is not None:
            if item.lineage != "new":
                yield replaces_line, f"item {item.key!r}: replaces is only allowed with lineage: new"
            else:
                replacing.append((item, replaces_line))
        claimed = item.previous_key()
        if claimed is None:
            continue
        if claimed in claims:
            other, other_line = claims[claimed]
            yield lineage_line, (
                f"item {item.key!r} continues previous item {claimed!r}, as does item {other!r} (line {other_line})"
            )
        else:
            claims[claimed] = (item.key, lineage_line)
    for item, replaces_line in replacing:
        if item.replaces in claims:
            other, other_line = claims[item.replaces]
            yield replaces_line, (
                f"item {item.key!r} replaces previous item {item.replaces!r}, which item {other!r} (line {other_line}) "
                "continues by lineage: a previous item is continued or replaced, not both"
            )
