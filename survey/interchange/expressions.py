"""XLSForm `relevant` and LimeSurvey `relevance` expressions, translated into Benchlearn's condition language.

Both are parsed (never evaluated) into one small tree, then written out against the imported questions: a
reference becomes the question's key, a literal becomes what the condition language compares for that type
(rating: the code; single: the option key; numeric: the number; MODEL2.md, Conditions). Whatever has no
translation (another function, a reference to a question that was not carried, `=` on a multiple choice)
raises ExpressionError with the reason, and the importer drops that condition and reports it.

XLSForm: `${q} = 'x'`, `!=`, `<`, `<=`, `>`, `>=`, `selected(${q}, 'x')`, `and`, `or`, `not(...)`, parentheses;
`${q} != ''` is "answered", `${q} = ''` "not answered".
LimeSurvey ExpressionScript: `Q1 == "A1"` (also `.NAOK`/`.value`/`.code` and `eq ne lt le gt ge`), `and`/`&&`,
`or`/`||`, `!`/`not`, `is_empty(Q1)`, multiple-choice `Q1_SQ001 == "Y"` (selected), `1` (always).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


class ExpressionError(ValueError):
    """The expression cannot be carried; the message says why, in the user's terms."""


@dataclass(frozen=True)
class Compare:
    ref: str
    op: str
    value: str | float
    """A string literal as written, or a number."""


@dataclass(frozen=True)
class Selected:
    ref: str
    value: str


@dataclass(frozen=True)
class Answered:
    ref: str


@dataclass(frozen=True)
class Not:
    part: object


@dataclass(frozen=True)
class All:
    parts: tuple


@dataclass(frozen=True)
class Any_:
    parts: tuple


@dataclass(frozen=True)
class Always:
    """LimeSurvey's `1`: no condition."""


Node = Compare | Selected | Answered | Not | All | Any_ | Always


# --- tokens -------------------------------------------------------------------------------------------------

_XLS_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{\s*(?P<refname>[^}\s]+)\s*\})
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z_][A-Za-z0-9_:-]*)
    )""",
    re.VERBOSE,
)

_LS_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|<=|>=|<|>|&&|\|\||!)
    | (?P<punct>[(),{}])
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_]+)?)
    )""",
    re.VERBOSE,
)

_LS_WORD_OPS = {"eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "==": "=", "!=": "!=",
                "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _tokens(pattern: re.Pattern, text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    kinds = [name for name in ("ref", "string", "number", "op", "punct", "word") if name in pattern.groupindex]
    while position < len(text):
        match = pattern.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:position + 20]!r} (at character {position + 1})")
        kind = next(name for name in kinds if match.group(name) is not None)
        tokens.append((kind, match.group("refname") if kind == "ref" else match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


class _Parser:
    """Recursive descent over tokens: or > and > unary > comparison, for both dialects."""

    def __init__(self, tokens: list[tuple[str, str]], dialect: str) -> None:
        self.tokens, self.at, self.dialect = tokens, 0, dialect

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        self.at += 1
        return token

    def expect(self, value: str) -> None:
        token = self.take()
        if token[1] != value:
            raise ExpressionError(f"expected {value!r}, found {token[1]!r}")

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token[0] in ("word", "op") and token[1].lower() in words

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.is_word("or", "||"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Any_(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while self.is_word("and", "&&"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        if self.dialect == "ls" and token[1] in ("!",) or self.is_word("not"):
            self.take()
            if self.dialect == "xlsform":
                self.expect("(")
                inner = self.or_expr()
                self.expect(")")
                return Not(inner)
            return Not(self.unary())
        if token[1] == "(":
            self.take()
            inner = self.or_expr()
            self.expect(")")
            return inner
        if token[0] == "word" and self.peek(1) == ("punct", "("):
            return self.call()
        return self.comparison()

    def call(self) -> Node:
        name = self.take()[1]
        self.expect("(")
        lowered = name.lower()
        if lowered == "selected" and self.dialect == "xlsform":
            ref = self.reference()
            self.expect(",")
            value = self.literal()
            self.expect(")")
            if not isinstance(value, str):
                value = _number_text(value)
            return Selected(ref, value)
        if lowered == "is_empty" and self.dialect == "ls":
            ref = self.reference()
            self.expect(")")
            return Not(Answered(ref))
        raise ExpressionError(f"the function {name}() has no equivalent")

    def reference(self) -> str:
        kind, value = self.take()
        if kind == "ref":
            return value
        if self.dialect == "ls" and kind == "word":
            return _ls_reference(value)
        raise ExpressionError(f"expected a question reference, found {value!r}")

    def literal(self) -> str | float:
        kind, value = self.take()
        if kind == "string":
            return value[1:-1]
        if kind == "number":
            return float(value)
        raise ExpressionError(f"expected a value, found {value!r}")

    def comparison(self) -> Node:
        token = self.peek()
        if self.dialect == "ls" and token == ("number", "1") and self.peek(1) in (None, ("punct", ")")):
            self.take()
            return Always()
        if token[0] in ("string", "number"):  # 'x' = ${q}: flip to ${q} = 'x'
            value = self.literal()
            op = self.operator()
            return _compare(self.reference(), _FLIP[op], value)
        ref = self.reference()
        op = self.operator()
        return _compare(ref, op, self.literal())

    def operator(self) -> str:
        kind, value = self.take()
        op = _LS_WORD_OPS.get(value.lower()) if self.dialect == "ls" else (value if kind == "op" else None)
        if op is None or (self.dialect == "xlsform" and value == "=="):
            raise ExpressionError(f"expected a comparison (=, !=, <, <=, >, >=), found {value!r}")
        return op


def _compare(ref: str, op: str, value: str | float) -> Node:
    if value == "" and op in ("=", "!="):
        return Answered(ref) if op == "!=" else Not(Answered(ref))
    return Compare(ref, op, value)


def _ls_reference(word: str) -> str:
    name, _, suffix = word.partition(".")
    if suffix and suffix.lower() not in ("naok", "value", "code"):
        raise ExpressionError(f"{word}: the property .{suffix} has no equivalent")
    return name


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def parse_xlsform(text: str) -> Node:
    return _Parser(_tokens(_XLS_TOKEN, text), "xlsform").parse()


def parse_limesurvey(text: str) -> Node:
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        stripped = stripped[1:-1]
    if stripped in ("", "1"):
        return Always()
    return _Parser(_tokens(_LS_TOKEN, stripped), "ls").parse()


# --- rendering ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a reference names among the imported questions.

    `values` turns a literal into the compared value (None: the literal is not an answer of that question);
    `option` is set when the reference is one option of a multiple choice (LimeSurvey's `Q1_SQ001`).
    """

    key: str
    kind: str
    values: Callable[[str | float], str | float | None]
    option: str | None = None


Resolver = Callable[[str], Target | None]
"""Given a reference as written, the imported question it names, or None when there is none."""


def render(node: Node, resolve: Resolver) -> tuple[str | None, frozenset[str]]:
    """The condition text and the question keys it uses; (None, {}) for a condition that always holds."""
    if isinstance(node, Always):
        return None, frozenset()
    keys: set[str] = set()
    text = _render(node, resolve, keys, top=True)
    return text, frozenset(keys)


def _target(ref: str, resolve: Resolver, keys: set[str]) -> Target:
    target = resolve(ref)
    if target is None:
        raise ExpressionError(f"refers to {ref!r}, which is not an imported question")
    keys.add(target.key)
    return target


def _quote(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ExpressionError(f"the value {value!r} has both kinds of quote")


def _value_text(value: str | float) -> str:
    return _quote(value) if isinstance(value, str) else _number_text(value)


def _render(node: Node, resolve: Resolver, keys: set[str], top: bool = False) -> str:
    if isinstance(node, Always):
        raise ExpressionError("'1' (always) inside a larger expression has no equivalent")
    if isinstance(node, Any_):
        text = " or ".join(_render(part, resolve, keys) for part in node.parts)
        return text if top else f"({text})"
    if isinstance(node, All):
        return " and ".join(
            _render(part, resolve, keys, top=not isinstance(part, Any_)) for part in node.parts
        )
    if isinstance(node, Not) and isinstance(node.part, Not):
        return _render(node.part.part, resolve, keys, top)
    if isinstance(node, Not):
        return f"not({_render(node.part, resolve, keys, top=True)})"
    if isinstance(node, Answered):
        target = _target(node.ref, resolve, keys)
        if target.kind == "display":
            raise ExpressionError(f"{node.ref!r} is a note (or an array's text): it has no answer to test")
        if target.option is not None:
            return f"selected({target.key}, {_quote(target.option)})"
        return f"answered({target.key})"
    if isinstance(node, Selected):
        target = _target(node.ref, resolve, keys)
        if target.kind != "multiple":
            if target.kind in ("single", "rating"):  # selected() on a select_one means "="
                return _render(Compare(node.ref, "=", node.value), resolve, keys)
            raise ExpressionError(f"selected() on {node.ref!r}, which is not a choice question")
        value = target.values(node.value)
        if value is None:
            raise ExpressionError(f"{node.value!r} is not an option of {node.ref!r}")
        return f"selected({target.key}, {_quote(str(value))})"
    assert isinstance(node, Compare)
    target = _target(node.ref, resolve, keys)
    if target.option is not None:  # LimeSurvey multiple choice: Q1_SQ001 == "Y"
        if node.op in ("=", "!=") and str(node.value).upper() == "Y":
            chosen = f"selected({target.key}, {_quote(target.option)})"
            return chosen if node.op == "=" else f"not({chosen})"
        raise ExpressionError(f"{node.ref} {node.op} {node.value!r}: only == \"Y\" and != \"Y\" test a multiple-choice option")
    if target.kind == "multiple":
        raise ExpressionError(f"{node.op} on the multiple choice {node.ref!r} (use selected())")
    if target.kind in ("text", "display"):
        raise ExpressionError(f"{node.ref!r} is a free text or a note: conditions cannot test its content")
    value = target.values(node.value)
    if value is None:
        raise ExpressionError(f"{_value_text(node.value)} is not an answer of {node.ref!r}")
    if isinstance(value, str) and node.op not in ("=", "!="):
        raise ExpressionError(f"{node.op} compares numbers; {node.value!r} of {node.ref!r} is not one")
    return f"{target.key} {node.op} {_value_text(value)}"
