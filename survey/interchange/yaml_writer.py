"""Write a questionnaire document as YAML that every parser reads the same way.

PyYAML reads YAML 1.1, where `no`, `on`, `y` and `1_000` are not strings, and ruamel.yaml reads YAML 1.2; a
plain scalar with `: ` or a leading `-`, `?`, `*`, `&`, `!`... is read differently again. So a string is written
plain only when it is an identifier that no version reads as anything else (a key such as `teaching.explains`);
every other string is double-quoted with YAML escapes for anything not printable. Block style throughout, two
spaces of indentation, lists of identifiers in flow style (`[a, b]`).
"""
from __future__ import annotations

import re

_PLAIN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\Z")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _printable(char: str) -> bool:
    code = ord(char)
    return (
        0x20 <= code <= 0x7E
        or code in (0x09,)
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0",
            "\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\x85"}


def quote(text: str) -> str:
    """`text` as a double-quoted YAML scalar: the same string in YAML 1.1 and 1.2."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _printable(char):
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def scalar(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text not in _RESERVED:
        return text
    return quote(text)


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (dict, list))


def dump(document: dict, header: str = "") -> str:
    """The document as YAML text; `header` lines are written first as comments."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    _mapping(document, 0, lines)
    return "\n".join(lines) + "\n"


def _mapping(mapping: dict, indent: int, lines: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    for position, (key, value) in enumerate(mapping.items()):
        prefix = first_prefix if position == 0 and first_prefix is not None else pad
        head = f"{prefix}{scalar(key)}:"
        if _is_scalar(value):
            lines.append(f"{head} {scalar(value)}")
        elif isinstance(value, dict):
            if not value:
                lines.append(f"{head} {{}}")
            else:
                lines.append(head)
                _mapping(value, indent + 2, lines)
        else:
            _list(value, head, indent, lines)


def _list(items: list, head: str, indent: int, lines: list[str]) -> None:
    if not items:
        lines.append(f"{head} []")
        return
    if all(_is_scalar(item) for item in items) and all(isinstance(item, str) and _PLAIN.match(item) and item not in _RESERVED for item in items):
        lines.append(f"{head} [{', '.join(items)}]")
        return
    lines.append(head)
    pad = " " * (indent + 2)
    for item in items:
        if _is_scalar(item):
            lines.append(f"{pad}- {scalar(item)}")
        elif isinstance(item, dict):
            if not item:
                lines.append(f"{pad}- {{}}")
            else:
                _mapping(item, indent + 4, lines, first_prefix=f"{pad}- ")
        else:
            _list(item, f"{pad}-", indent + 2, lines)
