"""Read a questionnaire's YAML and remember which line every value came from.

Validation messages must name a line the editor can jump to. Pydantic and the rules see plain dicts and
lists; a `LineIndex` over ruamel.yaml's round-trip data turns a location path such as
`("dimensions", 2, "items", 0, "text")` back into a line.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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
    """Lines of the values in round-trip YAML data, addressed by location paths."""

    def __init__(self, root: Any) -> None:
        self._root = root

    def line(self, path: Path) -> int:
        """The line where the value at `path` is introduced: its key's line, or its `-` in a list.

        A path that leaves the data (a missing field, an index past the end) gives the line of the deepest
        value it reaches, so "field 'text' is required" points at the mapping that lacks it.
        """
        node = self._root
        line = node.lc.line + 1 if isinstance(node, (CommentedMap, CommentedSeq)) else 1
        for step in path:
            if isinstance(node, CommentedMap) and step in node:
                line = node.lc.key(step)[0] + 1
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
                line = node.lc.item(step)[0] + 1
                node = node[step]
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


def read_yaml(text: str) -> YamlDocument:
    """Parse `text`, reporting a syntax error, every alias, or every duplicate mapping key as a finding.

    Aliases (`*name`) are refused before anything is built: a definition spells out its content, and an
    alias can make data recursive or explode in size. With duplicate keys the first value is kept, so the rest
    of the file can still be checked.
    """
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True
    try:
        aliases = [
            (event.start_mark.line + 1, f"aliases (*{event.anchor}) are not supported: write the value out")
            for event in yaml.parse(text)
            if isinstance(event, AliasEvent)
        ]
        if aliases:
            return YamlDocument(None, LineIndex(None), aliases)
        duplicates = _duplicate_keys(yaml.compose(text))
        raw = yaml.load(text)
    except MarkedYAMLError as error:
        return YamlDocument(None, LineIndex(None), [_syntax_finding(error)])
    return YamlDocument(_plain(raw), LineIndex(raw), duplicates)


def _syntax_finding(error: MarkedYAMLError) -> Finding:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    message = f"invalid YAML: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    return line, message


def _duplicate_keys(node: Node | None) -> list[Finding]:
    """Every key that repeats an earlier key of the same mapping, anywhere in the tree."""
    if isinstance(node, SequenceNode):
        return [finding for child in node.value for finding in _duplicate_keys(child)]
    if not isinstance(node, MappingNode):
        return []
    findings: list[Finding] = []
    first_lines: dict[str, int] = {}
    for key, value in node.value:
        if isinstance(key, ScalarNode):
            line = key.start_mark.line + 1
            if key.value in first_lines:
                findings.append(
                    (line, f"key '{key.value}' is used twice in this mapping (first at line {first_lines[key.value]})")
                )
            else:
                first_lines[key.value] = line
        findings.extend(_duplicate_keys(value))
    return findings


def _plain(value: Any) -> Any:
    """Round-trip data as builtin types, so validation and checksums never see ruamel.yaml's subclasses."""
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, bool | None):
        return value
    for builtin in (str, int, float):
        if isinstance(value, builtin):
            return builtin(value)
    return value
