"""How big a questionnaire file may be, and the checks on its raw text that run before any YAML parsing.

Definitions are uploaded through the web UI, so a hostile or broken file must get its answer in well under
two seconds and never tie up a worker: the text is checked here in linear time at C speed (size, control
characters, line length), then the YAML reader stops at `MAX_DEPTH` levels of nesting or `MAX_VALUES` values
(survey/catalog/yaml_lines.py), and the rules at `MAX_ITEMS` questions. The largest real questionnaire has
about 40 items in 3 languages: every limit leaves room for ten times that.
"""
from __future__ import annotations

import re

Finding = tuple[int, str]
"""(1-based line, message), as in survey/catalog/yaml_lines.py."""

MAX_BYTES = 512 * 1024
MAX_LINE_CHARACTERS = 4000
MAX_DEPTH = 32
MAX_VALUES = 25_000
MAX_ITEMS = 500

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")  # U+0085 is a YAML line break


def oversized(size: int) -> Finding | None:
    """The finding for a file of `size` bytes, checked before reading it whole; None when it is small enough."""
    if size <= MAX_BYTES:
        return None
    return 1, f"the file is {size:,} bytes: a questionnaire file may have at most {MAX_BYTES:,} bytes"


def prescan(text: str) -> Finding | None:
    """The first problem of the raw text that keeps it from being read as YAML at all, or None."""
    too_big = oversized(len(text.encode("utf-8", "surrogatepass")))
    if too_big is not None:
        return too_big
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        return line, (
            f"control character U+{ord(control.group()):04X} on this line: "
            "a questionnaire is plain text, remove it"
        )
    lengths = [len(line) for line in text.split("\n")]
    if max(lengths) > MAX_LINE_CHARACTERS:
        number = next(i for i, length in enumerate(lengths) if length > MAX_LINE_CHARACTERS) + 1
        return number, (
            f"this line has {lengths[number - 1]:,} characters: "
            f"a line may have at most {MAX_LINE_CHARACTERS:,} (break long texts over several lines)"
        )
    return None
