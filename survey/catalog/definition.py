"""A questionnaire version as data: its model, and reading it from YAML with every problem located.

Definitions are content written by network admins (see questionnaires/README.md). Reading one either gives a
frozen, fully checked `QuestionnaireDefinition` or raises `DefinitionError` listing every problem found as
`FILE:LINE: message`, so an admin can fix a file in one pass.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, ValidationError

from survey.catalog.limits import oversized, prescan
from survey.catalog.rules import check_against_previous, check_definition, well_formed_version
from survey.catalog.shape_errors import explain
from survey.catalog.yaml_lines import Finding, LineIndex, read_yaml

Text = dict[str, str]
"""One text in every language of the questionnaire, keyed by language code."""


class _Frozen(BaseModel):
    """Settings shared by every part of a definition.

    Unknown fields are errors (a typo must not be silently ignored); values are never coerced from another YAML
    type (`reverse: "no"` is a mistake, not False); strings are stripped and may not be empty, so formatting
    choices such as a block scalar's final newline never change content or checksum.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, str_strip_whitespace=True, str_min_length=1)


class Scale(_Frozen):
    """The one answer scale of all rating items; answers are coded 1..points, `points` the most positive."""

    points: int
    labels: dict[str, list[str]]
    dont_know: Text | None = None


class Item(_Frozen):
    key: str
    text: Text
    reverse: bool = False
    required: bool = True
    lineage: str | None = None
    replaces: str | None = None

    def previous_key(self) -> str | None:
        """The key of the previous version's item that this item continues; None for a new item."""
        if self.lineage in (None, "new"):
            return None
        return self.key if self.lineage == "same" else self.lineage


class Dimension(_Frozen):
    key: str
    title: Text
    items: list[Item]


class Option(_Frozen):
    key: str
    label: Text


class BackgroundQuestion(_Frozen):
    """A question about the respondent; its options are listed here or come from `source`."""

    key: str
    text: Text
    required: bool = False
    source: Literal["program"] | None = None
    options: list[Option] | None = None


class FreeTextQuestion(_Frozen):
    key: str
    text: Text


class QuestionnaireDefinition(_Frozen):
    family: Literal["student", "staff", "company"]
    version: str
    previous: str | None = None
    languages: list[str]
    title: Text
    intro: Text
    scale: Scale
    overall: str
    dimensions: list[Dimension]
    background: list[BackgroundQuestion] = []
    free_text: list[FreeTextQuestion] = []

    def items(self) -> Iterator[tuple[Dimension, Item]]:
        """Every rating item with its dimension, in the order respondents see them."""
        for dimension in self.dimensions:
            for item in dimension.items:
                yield dimension, item

    def item(self, key: str) -> Item:
        for _, item in self.items():
            if item.key == key:
                return item
        raise KeyError(f"{self.family} {self.version} has no item {key!r}")

    def dimension(self, key: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(f"{self.family} {self.version} has no dimension {key!r}")


PreviousLookup = Callable[[str, str], QuestionnaireDefinition | None]
"""Given (family, version), the definition of that version, or None when it is not known."""

_FIELD_NAMES = frozenset(
    name
    for model in (QuestionnaireDefinition, Scale, Dimension, Item, BackgroundQuestion, Option, FreeTextQuestion)
    for name in model.model_fields
)


class Problem(NamedTuple):
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DefinitionError(Exception):
    """A definition cannot be used; `problems` lists everything that is wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def parse_definition(
    text: str, filename: str, previous_lookup: PreviousLookup | None = None
) -> QuestionnaireDefinition:
    """Read and check a definition; raise DefinitionError with every problem, sorted by line.

    A text too large, too deep or not plain text is refused first, with one problem (survey/catalog/limits.py).
    Problems of shape (YAML syntax, duplicate keys, unknown, missing or mistyped fields) come first: the rules
    need a well-shaped definition, so they run once the shape is right. `previous_lookup` resolves `previous`
    for the checks across versions; without one (the caller cannot resolve versions) those checks are skipped.
    """
    too_wild = prescan(text)
    if too_wild is not None:
        raise DefinitionError([Problem(filename, *too_wild)])
    document = read_yaml(text)
    findings = list(document.problems)
    definition = None
    if document.data is None and not findings:
        findings.append((1, "the file is empty: expected a questionnaire definition"))
    elif document.data is not None:
        try:
            definition = QuestionnaireDefinition.model_validate(document.data)
        except ValidationError as error:
            findings.extend(explain(detail, document.lines, _FIELD_NAMES) for detail in error.errors())
    inherited: list[Problem] = []
    if definition is not None:
        findings.extend(check_definition(definition, document.lines.line))
        if previous_lookup is not None:
            across, inherited = _check_previous(definition, previous_lookup, document.lines)
            findings.extend(across)
    if findings or definition is None:
        problems = [Problem(filename, line, message) for line, message in sorted(findings, key=_by_line)]
        raise DefinitionError(problems + inherited)
    return definition


def _by_line(finding: Finding) -> int:
    return finding[0]


def _check_previous(
    definition: QuestionnaireDefinition, previous_lookup: PreviousLookup, lines: LineIndex
) -> tuple[list[Finding], list[Problem]]:
    """Resolve `previous` and check this version against it: this file's findings, and inherited problems.

    When the previous version does not validate, its own problems are inherited: they are reported after this
    file's, naming their own file, so a broken chain of versions reads from the top down.
    """
    previous = definition.previous
    if previous is None or previous == definition.version or not well_formed_version(previous):
        return [], []  # a first version, or a `previous` already reported as wrong
    where = lines.line(("previous",))
    named = f"previous version {previous!r} of family {definition.family!r}"
    try:
        found = previous_lookup(definition.family, previous)
    except DefinitionError as error:
        return [(where, f"{named} does not validate: fix {error.problems[0].file} first")], error.problems
    if found is None:
        return [(where, f"{named} is not known: publish it first or put it beside this file")], []
    return list(check_against_previous(definition, found, lines.line)), []


def load_definition(
    path: str | os.PathLike[str], previous_lookup: PreviousLookup | None = None
) -> QuestionnaireDefinition:
    """Read a definition file (UTF-8); problems name the file as `path` was given."""
    name = str(path)
    too_big = oversized(Path(path).stat().st_size)
    if too_big is not None:
        raise DefinitionError([Problem(name, *too_big)])
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        message = f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} on this line): save it as UTF-8"
        raise DefinitionError([Problem(name, line, message)]) from None
    return parse_definition(text, name, previous_lookup)


def sibling_lookup(path: str | os.PathLike[str]) -> PreviousLookup:
    """A previous_lookup for the file at `path`: version V of the family is `V.yaml` beside it.

    The previous file is validated with its own sibling lookup, so the whole chain of versions is checked;
    a chain that leads back to a file already being loaded is a problem, not an endless loop.
    """
    return _sibling_lookup(Path(path), frozenset({Path(path).resolve()}))


def _sibling_lookup(path: Path, loading: frozenset[Path]) -> PreviousLookup:
    """`loading`: the files being loaded further up the chain, to stop at a cycle of `previous`."""

    def lookup(family: str, version: str) -> QuestionnaireDefinition | None:
        candidate = path.with_name(f"{version}.yaml")
        if not candidate.is_file():
            return None
        if candidate.resolve() in loading:
            message = f"the previous versions of family {family!r} form a cycle back to version {version!r}"
            raise DefinitionError([Problem(str(candidate), 1, message)])
        return load_definition(candidate, _sibling_lookup(candidate, loading | {candidate.resolve()}))

    return lookup


def canonical_json(definition: QuestionnaireDefinition) -> str:
    """The definition's content as JSON that depends on nothing but the content: what is stored and checksummed."""
    return json.dumps(definition.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(definition: QuestionnaireDefinition) -> str:
    """SHA-256 (hex) of the canonical JSON: equal for equal content, however the YAML was formatted."""
    return hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()
