"""Read a questionnaire's YAML and remember which line every value came from.

Validation messages must name a line the editor can jump to. Pydantic and the rules see plain dicts and
lists; a `LineIndex` turns a location path such as `("dimensions", 2, "items", 0, "text")` back into a line.

The text is read as a stream of events by libyaml (PyYAML's C parser: a 500-item questionnaire in a few
milliseconds, where ruamel.yaml's pure-Python round-trip reader took 4 ms an item), and built into data here,
one event at a time, so that aliases, duplicate keys, nesting depth and the number of values are checked as
they come and a hostile file stops early. Plain scalars are resolved by YAML 1.2's rules, as ruamel.yaml
does (`no` is a string, `0o17` an octal number).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML as _RuamelYAML
from ruamel.yaml.constructor import ConstructorError
from ruamel.yaml.nodes import ScalarNode as _RuamelScalar

from survey.catalog.limits import MAX_DEPTH, MAX_ITEMS, MAX_VALUES

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_1_2 = _RuamelYAML(typ="safe", pure=True)
_STR = "tag:yaml.org,2002:str"
# YAML 1.2's core schema as ruamel.yaml resolves it (ruamel/yaml/resolver.py), compiled once: resolving each
# scalar through ruamel's resolver costs 40 µs, which a file at the limit of values would feel.
_MAYBE_NOT_A_STRING = frozenset("~nNtTfF-+.0123456789")
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOLEANS = {word: word[0] in "tT" for word in ("true", "True", "TRUE", "false", "False", "FALSE")}
_INT = re.compile(r"[-+]?(?:0b[0-1_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
    r"|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)

Path = Sequence[str | int]
Finding = tuple[int, str]
"""A problem before it is tied to a file: (1-based line, message)."""


def describe(path: Path) -> str:
    """A location as an admin reads it: `dimensions[2].items[0].text`."""
    described = ""
    for step in path:
        if isinstance(step, int):
            described += f"[{step}]"
        else:
            described += f".{step}" if described else step
    return described


class LineIndex:
    """Lines of the values read from a YAML text, addressed by location paths."""

    def __init__(self, root: Any) -> None:
        self._root = root

    def line(self, path: Path) -> int:
        """The line where the value at `path` is introduced: its key's line, or its `-` in a list.

        A path that leaves the data (a missing field, an index past the end) gives the line of the deepest
        value it reaches, so "field 'text' is required" points at the mapping that lacks it.
        """
        node = self._root
        line = node.line if isinstance(node, _Container) else 1
        for step in path:
            if not isinstance(node, _Container):
                break
            children = node.children
            if isinstance(children, dict) and step in children:
                line, node = children[step]
            elif isinstance(children, list) and isinstance(step, int) and 0 <= step < len(children):
                line, node = children[step]
            else:
                break
        return line


@dataclass(frozen=True)
class YamlDocument:
    """The outcome of reading a YAML text: plain data, where it came from, and what was wrong with it."""

    data: Any
    """Plain dicts, lists and scalars; None when the text is empty or not YAML at all."""
    lines: LineIndex
    problems: list[Finding]


class _Stop(Exception):
    """Reading stops here: the text is too deep or too large to be a questionnaire."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding[1])
        self.finding = finding


def read_yaml(text: str) -> YamlDocument:
    """Parse `text`, reporting a syntax error, every alias, or every duplicate mapping key as a finding.

    Aliases (`*name`) are refused: a definition spells out its content, and an alias can make data recursive
    or explode in size. With duplicate keys the first value is kept, so the rest of the file can still be
    checked. More than `MAX_DEPTH` levels of nesting or `MAX_VALUES` values stop the reading at that line.
    """
    try:
        data, located, duplicates, aliases = _build(yaml.parse(text, Loader=_Parser))
    except yaml.MarkedYAMLError as error:
        return YamlDocument(None, LineIndex(None), [_syntax_finding(error)])
    except _Stop as stop:
        return YamlDocument(None, LineIndex(None), [stop.finding])
    if aliases:
        return YamlDocument(None, LineIndex(None), aliases)
    return YamlDocument(data, LineIndex(located), duplicates)


def _syntax_finding(error: yaml.MarkedYAMLError) -> Finding:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    message = f"invalid YAML: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    if error.problem and error.problem.startswith("mapping values are not allowed"):
        message += "; a text that contains ': ' must be quoted (\"...\")"
    return line, message


class _Container:
    """A mapping or list being built, with the lines of its keys or items."""

    def __init__(self, line: int, is_mapping: bool) -> None:
        self.line = line
        self.data: Any = {} if is_mapping else []
        self.children: dict[Any, tuple[int, Any]] | list[tuple[int, Any]] = {} if is_mapping else []
        self.key: tuple[Any, int] | None = None

    def add(self, value: Any, located: Any, line: int, problems: list[Finding]) -> None:
        if isinstance(self.data, list):
            self.data.append(value)
            self.children.append((line, located))
        elif self.key is None:
            if isinstance(located, _Container):
                raise _Stop((line, "invalid YAML: a key must be a single value, not a list or mapping"))
            self.key = (value, line)
        else:
            key, key_line = self.key
            self.key = None
            if key in self.children:
                first = self.children[key][0]
                problems.append((key_line, f"key '{key}' is used twice in this mapping (first at line {first})"))
            else:
                self.data[key] = value
                self.children[key] = (key_line, located)


def _build(events: Iterable[yaml.Event]) -> tuple[Any, Any, list[Finding], list[Finding]]:
    """Plain data, its located tree (for LineIndex), the duplicate keys and the aliases, from parser events."""
    problems: list[Finding] = []
    aliases: list[Finding] = []
    stack: list[_Container] = []
    root: tuple[Any, Any] | None = None
    values = 0
    for event in events:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            aliases.append((line, f"aliases (*{event.anchor}) are not supported: write the value out"))
            value, located = None, None
        elif isinstance(event, yaml.DocumentStartEvent) and root is not None:
            raise _Stop((line, "invalid YAML: a questionnaire is one document, but another starts here"))
        elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            values += 1
            if values > MAX_VALUES:
                raise _Stop((line, (
                    f"the file has more than {MAX_VALUES:,} values: "
                    f"too large for a questionnaire (at most {MAX_ITEMS} questions)"
                )))
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise _Stop((line, f"values are nested more than {MAX_DEPTH} levels deep here"))
                stack.append(_Container(line, isinstance(event, yaml.MappingStartEvent)))
                continue
            value, located = _scalar(event), line
        elif isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            value, located, line = done.data, done, done.line
        else:
            continue
        if stack:
            stack[-1].add(value, located, line, problems)
        else:
            root = (value, located)
    data, located = root if root is not None else (None, None)
    return data, located, problems, aliases


def _scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar's value by YAML 1.2's core schema (plus timestamps), as ruamel.yaml reads it."""
    value = event.value
    try:
        if event.tag is None or event.tag == "!":
            return read_scalar(value) if event.implicit[0] else value  # else quoted
        return value if event.tag == _STR else _construct(event.tag, value)
    except (ConstructorError, ValueError) as error:
        tag = event.tag or "tag:yaml.org,2002:timestamp"
        raise _Stop((event.start_mark.line + 1, f"invalid YAML: {value!r} cannot be read as {tag}")) from error


def read_scalar(value: str) -> Any:
    """A plain (unquoted, untagged) scalar's value by YAML 1.2's core schema (plus timestamps).

    Raises ValueError or ConstructorError for a timestamp that names no real date (`2026-02-30`).
    """
    if value and value[0] not in _MAYBE_NOT_A_STRING:
        return value
    if _NULL.fullmatch(value):
        return None
    if value in _BOOLEANS:
        return _BOOLEANS[value]
    if _INT.fullmatch(value):
        digits = value.replace("_", "")
        try:
            return int(digits, 0)
        except ValueError:
            return int(digits, 10)  # 017: YAML 1.2 has no octal without 0o
    if _FLOAT.fullmatch(value):
        return float(value.replace("_", "").lower().replace(".inf", "inf").replace(".nan", "nan"))
    if not _TIMESTAMP.fullmatch(value):
        return value
    return _construct("tag:yaml.org,2002:timestamp", value)


def _construct(tag: str, value: str) -> Any:
    return _YAML_1_2.constructor.construct_object(_RuamelScalar(tag, value))
