"""Variable names that SPSS, Stata, R and every spreadsheet accept, from question keys.

Question keys such as `teaching.explains` hold dots, which neither SPSS nor Stata allow in a name. Every
format of the response export uses the same names, made by one documented, deterministic mapping:

1. The variable's source is the question key, or `KEY.OPTION` for one option of a multiple-choice question.
2. Dots become underscores: `teaching.explains` -> `teaching_explains`, `activities.sport` ->
   `activities_sport` (keys hold only a-z, 0-9, `_` and `.`, and start with a letter).
3. A name that is a reserved word of SPSS (ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH) or of Stata (`_all`,
   `byte`, `double`, `float`, `if`, `in`, `int`, `long`, `using`, `with`, `str1`..`str2045`, `strL`, ...),
   in any case, gets `_q` appended: `in` -> `in_q`.
4. A name longer than 32 characters (Stata's limit; SPSS allows 64 bytes) keeps its first 27 characters,
   then `_` and the first four hexadecimal digits of the SHA-1 of the source:
   `teaching.explains_the_subject_matter_clearly` -> `teaching_explains_the_subje_4536`.
5. Names are unique without regard to case. Taken in codebook order (the fixed columns first, then the
   questions in page order), a name already taken (e.g. `a_b` from both `a.b` and `a_b`, or a question keyed
   `language`) is replaced as in step 4, even when it is short; should that be taken as well, `_2`, `_3`, ...
   follows the first 27 characters instead.

Steps 2-4 depend only on the source itself, so a variable keeps its name across versions and rounds unless a
collision (step 5) forces a change; the codebook gives every variable's name beside its key.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

MAX_LENGTH = 32
"""Stata's limit (SPSS: 64 bytes); every name is ASCII, so one limit serves both."""

_SPSS_RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
_STATA_RESERVED = {
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_pi",
    "_pred", "_rc", "_skip", "strl", "using", "with",
}
RESERVED = frozenset(_SPSS_RESERVED | _STATA_RESERVED)
"""Lower-case reserved words; `str1`..`str2045` are reserved too (see `is_reserved`)."""

_STR_TYPE = re.compile(r"str[0-9]+")
_LEGAL = re.compile(r"[a-z][a-z0-9_]{0,31}")
SUFFIX = "_q"


def is_reserved(name: str) -> bool:
    """True when SPSS or Stata refuses `name` as a variable name because it is a word of their language."""
    lowered = name.lower()
    return lowered in RESERVED or bool(_STR_TYPE.fullmatch(lowered))


def is_legal(name: str) -> bool:
    """True when `name` is a legal variable name in both SPSS and Stata (and the mapping could give it)."""
    return bool(_LEGAL.fullmatch(name)) and not is_reserved(name)


def base_name(source: str) -> str:
    """Steps 2-4 of the mapping: the name a source gets when nothing else has taken it."""
    name = re.sub(r"[^a-z0-9_]", "_", source.lower())
    if not name[:1].isalpha():
        name = "v" + name
    if is_reserved(name):
        name += SUFFIX
    if len(name) > MAX_LENGTH:
        name = _hashed(name, source)
    return name


def _hashed(name: str, source: str) -> str:
    return f"{name[:MAX_LENGTH - 5]}_{hashlib.sha1(source.encode('utf-8')).hexdigest()[:4]}"


def variable_names(sources: Iterable[str], *, taken: Iterable[str] = ()) -> dict[str, str]:
    """Each source's name, in the order given (step 5: earlier sources keep their name). `taken`: names
    already in use (the fixed columns), which no source may get."""
    used = {name.lower() for name in taken}
    names: dict[str, str] = {}
    for source in sources:
        if source in names:
            raise ValueError(f"variable {source!r} appears twice")
        name = base_name(source)
        if name.lower() in used:
            name = _hashed(name, source)
        counter = 2
        while name.lower() in used:
            name = f"{base_name(source)[:MAX_LENGTH - 5]}_{counter}"
            counter += 1
        used.add(name.lower())
        names[source] = name
    return names
