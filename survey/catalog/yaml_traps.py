"""Warnings for YAML that Benchlearn reads one way and a YAML 1.1 parser another.

Benchlearn reads questionnaires by YAML 1.2's rules (survey/catalog/yaml_lines.py), but editors' linters and
most scripts an admin would point at a file (PyYAML, yamllint, older libraries) read YAML 1.1, where `no` is
false, `12:30` is 750 and a plain `Hvor gammel er du?` inside `{...}` is a syntax error. Such a file still
publishes, and means what Benchlearn reads; these warnings say where another tool would read something else,
and how to write it so that every parser agrees: quote it.
"""
from __future__ import annotations

import math
import re
from typing import Any

import yaml
from ruamel.yaml.constructor import ConstructorError as RuamelConstructorError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from survey.catalog.limits import prescan
from survey.catalog.yaml_lines import Finding, read_scalar

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER_1_1 = Resolver()
_CONSTRUCTOR_1_1 = SafeConstructor()
# YAML 1.1 (spec 10.2.1.2) also reads y/Y/n/N as booleans; PyYAML does not, other YAML 1.1 libraries do.
_SHORT_BOOLEANS = {"y": True, "Y": True, "n": False, "N": False}
_STR = "tag:yaml.org,2002:str"
# In a flow collection ({...} or [...]), PyYAML ends a plain scalar at any '?', and at ':' before , [ ] { }.
_FLOW_SPLIT = re.compile(r"\?|:(?=[,\[\]{}]|$)")


def yaml_1_1_traps(text: str) -> list[Finding]:
    """(line, message) for every plain scalar that a YAML 1.1 parser reads differently, in file order.

    A text that is not valid YAML, or too large to read, gives no warnings: the reader reports its problem.
    """
    if prescan(text) is not None:
        return []
    findings: list[Finding] = []
    # Per open collection: [in flow style, is a mapping, the next scalar is a key]
    stack: list[list[bool]] = []
    try:
        for event in yaml.parse(text, Loader=_Parser):
            if isinstance(event, yaml.CollectionStartEvent):
                _consume(stack)
                in_flow = bool(event.flow_style) or bool(stack and stack[-1][0])
                stack.append([in_flow, isinstance(event, yaml.MappingStartEvent), True])
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                is_key = _consume(stack)
                if isinstance(event, yaml.ScalarEvent) and not event.style and event.implicit[0] and event.tag is None:
                    in_flow = bool(stack and stack[-1][0])
                    message = _trap(event.value, is_key, in_flow)
                    if message is not None:
                        findings.append((event.start_mark.line + 1, message))
    except yaml.YAMLError:
        return findings
    return findings


def _consume(stack: list[list[bool]]) -> bool:
    """Whether the node starting now is a mapping key; moves its mapping on to the value or the next key."""
    if not stack or not stack[-1][1]:
        return False
    is_key = stack[-1][2]
    stack[-1][2] = not is_key
    return is_key


def _trap(value: str, is_key: bool, in_flow: bool) -> str | None:
    if in_flow and _FLOW_SPLIT.search(value):
        return (
            f"the unquoted text {value!r} inside {{...}} or [...] is a syntax error for YAML 1.1 parsers "
            f"(PyYAML, yamllint) at its '?' or ':': quote it (\"{_escaped(value)}\") or write it in block style"
        )
    try:
        ours = read_scalar(value)
    except (RuamelConstructorError, ValueError):
        return None  # the reader reports it
    theirs = _read_1_1(value)
    if _same(ours, theirs):
        return None
    what = "the key" if is_key else "the value"
    readers = "YAML 1.1's rules (some YAML 1.1 libraries)" if value in _SHORT_BOOLEANS else "YAML 1.1 parsers (PyYAML, yamllint)"
    message = f"{what} {value} is {_shown(ours)} here but {_shown(theirs)} for {readers}: quote it (\"{_escaped(value)}\")"
    if isinstance(theirs, bool) and not is_key:
        message += ", or write true or false where a yes/no field is meant"
    if value == "no":
        message += " ('no' is also the language code of Norwegian)"
    return message


def _read_1_1(value: str) -> Any:
    if value in _SHORT_BOOLEANS:
        return _SHORT_BOOLEANS[value]
    tag = _RESOLVER_1_1.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    try:
        return _CONSTRUCTOR_1_1.construct_object(yaml.ScalarNode(tag, value))
    except (ConstructorError, ValueError):
        return value


def _same(ours: Any, theirs: Any) -> bool:
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, float) and math.isnan(ours):
        return math.isnan(theirs)
    return ours == theirs


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text '{value}'"
    if value is None:
        return "nothing (null)"
    return f"the {'number' if isinstance(value, int | float) else type(value).__name__} {value!r}"


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
