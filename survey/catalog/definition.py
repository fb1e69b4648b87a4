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
from typing import Literal, NamedTuple, Protocol

from functools import cached_property

from pydantic import ValidationError

from survey.catalog.limits import oversized, prescan
from survey.catalog.rules import (
    check_against_previous,
    check_definition,
    warn_against_previous,
    well_formed_version,
)
from survey.catalog.shape_errors import explain
from survey.catalog.yaml_lines import Finding, read_yaml
from survey.catalog.yaml_traps import yaml_1_1_traps
from survey.questions import QUESTION_TYPES, AnyQuestion, Question, RatingQuestion, Scale, TextQuestion
from survey.questions.base import Frozen, Option, Text
from survey.questions.conditions import Condition, parse_condition
from survey.questions.rating import NonSubstantive

FORMAT = 2
"""The format of definitions this code reads (questionnaires/README.md); format 1 files are converted by
`benchlearn questionnaire upgrade`."""


class Page(Frozen):
    """What the respondent sees on one screen; `shown_if` skips the whole page; `randomise` shuffles its
    questions per respondent (display texts keep their place)."""

    key: str
    title: Text | None = None
    shown_if: str | None = None
    randomise: bool = False
    questions: list[AnyQuestion]

    @cached_property
    def condition(self) -> Condition | None:
        return None if self.shown_if is None else parse_condition(self.shown_if)


class Dimension(Frozen):
    """A group of rating items whose scores average into an index; independent of the pages."""

    key: str
    title: Text
    items: list[str]


class QuestionnaireDefinition(Frozen):
    format: Literal[2] = 2
    family: str
    audience: Literal["student", "staff", "company", "other"] = "other"
    version: str
    previous: str | None = None
    default_language: str
    languages: list[str]
    title: Text
    intro: Text
    interface: dict[str, dict[str, str]] = {}
    scales: dict[str, Scale]
    pages: list[Page]
    dimensions: list[Dimension]
    overall: str | None = None

    def questions(self) -> Iterator[Question]:
        """Every question, display texts included, in the order of the pages."""
        for page in self.pages:
            yield from page.questions

    @cached_property
    def _by_key(self) -> dict[str, Question]:
        return {question.key: question for question in self.questions()}

    @cached_property
    def _page_by_key(self) -> dict[str, Page]:
        return {question.key: page for page in self.pages for question in page.questions}

    def question(self, key: str) -> Question:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"{self.family} {self.version} has no question {key!r}") from None

    def page_of(self, key: str) -> Page:
        """The page on which question `key` stands."""
        return self._page_by_key[key]

    @cached_property
    def _rating_items(self) -> tuple[RatingQuestion, ...]:
        return tuple(question for question in self.questions() if isinstance(question, RatingQuestion))

    def rating_items(self) -> list[RatingQuestion]:
        """The rating items in page order: the order of `Response.answers`, one byte each."""
        return list(self._rating_items)

    def background_questions(self) -> list[Question]:
        """The other packed questions (single, multiple, numeric) in page order: the order of
        `Response.background`."""
        return [question for question in self.questions() if question.packed == "background"]

    def text_questions(self) -> list[TextQuestion]:
        return [question for question in self.questions() if isinstance(question, TextQuestion)]

    def items(self) -> Iterator[tuple[Dimension, RatingQuestion]]:
        """Every rating item of a dimension with its dimension, in the order of the dimensions."""
        for dimension in self.dimensions:
            for key in dimension.items:
                yield dimension, self.item(key)

    def item(self, key: str) -> RatingQuestion:
        question = self._by_key.get(key)
        if not isinstance(question, RatingQuestion):
            raise KeyError(f"{self.family} {self.version} has no rating item {key!r}")
        return question

    def dimension(self, key: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(f"{self.family} {self.version} has no dimension {key!r}")

    def dimension_of(self, key: str) -> Dimension | None:
        """The dimension a rating item belongs to; None when it is reported as an item only."""
        return next((dimension for dimension in self.dimensions if key in dimension.items), None)

    def scale_of(self, item: RatingQuestion | str) -> Scale:
        """The scale of a rating item (or of the item with that key)."""
        question = self.item(item) if isinstance(item, str) else item
        return self.scales[question.scale]

    def text(self, text: Text | None, language: str) -> str:
        """`text` in `language`, or in the default language where this text has no translation."""
        if text is None:
            return ""
        return text.get(language) or text[self.default_language]


PreviousLookup = Callable[[str, str], QuestionnaireDefinition | None]
"""Given (family, version), the definition of that version, or None when it is not known."""

_FIELD_NAMES = frozenset(
    name
    for model in (QuestionnaireDefinition, Scale, NonSubstantive, Page, Dimension, Option, *QUESTION_TYPES.values())
    for name in model.model_fields
)


class Problem(NamedTuple):
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def format_warning(warning: Problem) -> str:
    """A warning as printed and shown: `FILE:LINE: warning: message`, so it reads apart from a problem."""
    return f"{warning.file}:{warning.line}: warning: {warning.message}"


class DefinitionError(Exception):
    """A definition cannot be used; `problems` lists everything that is wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def parse_definition(
    text: str, filename: str, previous_lookup: PreviousLookup | None = None, warnings: list[Problem] | None = None
) -> QuestionnaireDefinition:
    """Read and check a definition; raise DefinitionError with every problem, sorted by line.

    A text too large, too deep or not plain text is refused first, with one problem (survey/catalog/limits.py).
    Problems of shape (YAML syntax, duplicate keys, unknown, missing or mistyped fields) come first: the rules
    need a well-shaped definition, so they run once the shape is right. `previous_lookup` resolves `previous`
    for the checks across versions; without one (the caller cannot resolve versions) those checks are skipped.
    Warnings (the definition is usable, but probably not what its author meant) are appended to `warnings`.
    """
    too_wild = prescan(text)
    if too_wild is not None:
        raise DefinitionError([Problem(filename, *too_wild)])
    document = read_yaml(text)
    findings = list(document.problems)
    if document.data is None and not findings:
        findings.append((1, "the file is empty: expected a questionnaire definition"))
    elif document.data is not None and format_one(document.data):
        findings.append((1, format_one(document.data)))
    if document.data is None or format_one(document.data):
        raise DefinitionError([Problem(filename, line, message) for line, message in sorted(findings, key=_by_line)])
    if not findings:
        found: list[Problem] = []
        definition = validate_data(document.data, filename, document.lines, previous_lookup, found)
        found += [Problem(filename, line, message) for line, message in yaml_1_1_traps(text)]
        if warnings is not None:
            warnings.extend(sorted(found, key=_problem_line))
        return definition
    # The YAML had problems (a duplicate key, say) but was read: report them with the definition's own.
    try:
        validate_data(document.data, filename, document.lines, previous_lookup)
        more: list[Problem] = []
    except DefinitionError as error:
        more = error.problems
    own = [Problem(filename, line, message) for line, message in findings]
    own += [problem for problem in more if problem.file == filename]
    raise DefinitionError(sorted(own, key=_problem_line) + [problem for problem in more if problem.file != filename])


class Lines(Protocol):
    """Where the value at a location path was written (survey/catalog/yaml_lines.LineIndex, or a translation of
    paths to the lines of another file, as `questionnaire upgrade` reports them)."""

    def line(self, path: tuple) -> int: ...


def validate_data(
    data: object, filename: str, lines: Lines, previous_lookup: PreviousLookup | None = None,
    warnings: list[Problem] | None = None,
) -> QuestionnaireDefinition:
    """Check a definition read as plain data; problems and warnings are located by `lines`."""
    findings: list[Finding] = []
    definition = None
    try:
        definition = QuestionnaireDefinition.model_validate(data)
    except ValidationError as error:
        findings.extend(explain(detail, lines, _FIELD_NAMES) for detail in error.errors())
    found_warnings: list[Finding] = []
    inherited: list[Problem] = []
    if definition is not None:
        findings.extend(check_definition(definition, lines.line))
        if previous_lookup is not None:
            across, inherited, across_warnings = _check_previous(definition, previous_lookup, lines)
            findings.extend(across)
            found_warnings.extend(across_warnings)
    if findings or definition is None:
        problems = [Problem(filename, line, message) for line, message in sorted(findings, key=_by_line)]
        raise DefinitionError(problems + inherited)
    if warnings is not None:
        warnings.extend(Problem(filename, line, message) for line, message in sorted(found_warnings, key=_by_line))
    return definition


def format_one(data: object) -> str | None:
    """A message when `data` is a definition in format 1 (one `scale`, items inside dimensions, `background` and
    `free_text` sections), which this code no longer reads; None otherwise."""
    if not isinstance(data, dict) or "pages" in data:
        return None
    if {"scale", "background", "free_text"} & data.keys() or (
        isinstance(data.get("dimensions"), list)
        and any(isinstance(d, dict) and any(isinstance(i, dict) for i in d.get("items") or []) for d in data["dimensions"])
    ):
        return (
            "this definition is in format 1 (one `scale`, items inside dimensions, `background`, `free_text`): "
            "convert it to format 2 with `benchlearn questionnaire upgrade FILE`"
        )
    return None


def _by_line(finding: Finding) -> int:
    return finding[0]


def _problem_line(problem: Problem) -> int:
    return problem.line


def _check_previous(
    definition: QuestionnaireDefinition, previous_lookup: PreviousLookup, lines: Lines
) -> tuple[list[Finding], list[Problem], list[Finding]]:
    """Resolve `previous` and check this version against it: this file's findings, inherited problems, and
    warnings.

    When the previous version does not validate, its own problems are inherited: they are reported after this
    file's, naming their own file, so a broken chain of versions reads from the top down.
    """
    previous = definition.previous
    if previous is None or previous == definition.version or not well_formed_version(previous):
        return [], [], []  # a first version, or a `previous` already reported as wrong
    where = lines.line(("previous",))
    named = f"previous version {previous!r} of family {definition.family!r}"
    try:
        found = previous_lookup(definition.family, previous)
    except DefinitionError as error:
        return [(where, f"{named} does not validate: fix {error.problems[0].file} first")], error.problems, []
    if found is None:
        return [(where, f"{named} is not known: publish it first or put it beside this file")], [], []
    return (
        list(check_against_previous(definition, found, lines.line)), [],
        list(warn_against_previous(definition, found, lines.line)),
    )


def load_definition(
    path: str | os.PathLike[str], previous_lookup: PreviousLookup | None = None, warnings: list[Problem] | None = None
) -> QuestionnaireDefinition:
    """Read a definition file (UTF-8); problems name the file as `path` was given; warnings as in
    `parse_definition`."""
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
    return parse_definition(text, name, previous_lookup, warnings)


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
