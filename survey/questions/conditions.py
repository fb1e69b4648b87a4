"""`shown_if`: when a page or question is shown, as a small expression over earlier answers.

Definitions are content written by admins and imported from other tools, so a condition is parsed into a tree
and evaluated by walking it, never by eval. The language (questionnaires/README.md, Routing):

    expr       := and_expr ('or' and_expr)*
    and_expr   := unary ('and' unary)*
    unary      := 'not' '(' expr ')' | '(' expr ')' | call | comparison
    call       := 'selected' '(' KEY ',' STRING ')' | 'answered' '(' KEY ')'
    comparison := KEY ('=' | '!=' | '<' | '<=' | '>' | '>=') (STRING | NUMBER)

Values are what a respondent gave: a rating item's code 1..k (a non-substantive option as its key), a single
choice's option key, a multiple choice's option keys (test them with `selected`), a number. A comparison on a
question that was not answered, or not asked, is false (`!=` too): a follow-up is shown only on an answer.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from decimal import Decimal

KEY_PATTERN = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*"
_TOKEN = re.compile(
    rf"\s*(?:(?P<number>-?[0-9]+(?:\.[0-9]+)?)|(?P<string>'[^']*'|\"[^\"]*\")|(?P<op>!=|<=|>=|=|<|>)"
    rf"|(?P<punct>[(),])|(?P<word>{KEY_PATTERN})|(?P<bad>\S))"
)
_KEYWORDS = frozenset({"and", "or", "not", "selected", "answered"})
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")


class ConditionError(ValueError):
    """A condition that cannot be read; `column` is the 1-based position of the problem in its text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (at column {column})")
        self.message = message
        self.column = column


class Condition(Protocol):
    """A parsed condition: evaluate it on a respondent's answers; `keys` are the questions it reads."""

    @property
    def keys(self) -> frozenset[str]: ...

    def evaluate(self, answers: Mapping[str, object]) -> bool: ...


@dataclass(frozen=True)
class Comparison:
    key: str
    operator: str
    value: str | float

    @property
    def keys(self) -> frozenset[str]:
        return frozenset({self.key})

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        given = answers.get(self.key)
        if given is None or isinstance(given, list | tuple | set | frozenset):
            return False
        if isinstance(self.value, str):
            if self.operator not in ("=", "!="):
                return False
            return (str(given) == self.value) == (self.operator == "=")
        if isinstance(given, bool):
            return False  # a yes/no is no number, whatever Python says
        if not isinstance(given, int | float):
            try:
                given = float(given)  # a single choice whose option keys are numbers: '2' compared with 2
            except (TypeError, ValueError):
                return False
        return _compare(float(given), self.operator, float(self.value))

    def __str__(self) -> str:
        return f"{self.key} {self.operator} {_literal(self.value)}"


def _compare(left: float, operator: str, right: float) -> bool:
    return {
        "=": left == right, "!=": left != right, "<": left < right,
        "<=": left <= right, ">": left > right, ">=": left >= right,
    }[operator]


def _literal(value: str | float) -> str:
    if isinstance(value, str):
        return "'" + value + "'" if "'" not in value else '"' + value + '"'
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")  # never an exponent (1e-07), which conditions cannot be written with


@dataclass(frozen=True)
class Selected:
    key: str
    option: str

    @property
    def keys(self) -> frozenset[str]:
        return frozenset({self.key})

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        given = answers.get(self.key)
        if isinstance(given, list | tuple | set | frozenset):
            return self.option in given
        return given is not None and str(given) == self.option

    def __str__(self) -> str:
        return f"selected({self.key}, {_literal(self.option)})"


@dataclass(frozen=True)
class Answered:
    key: str

    @property
    def keys(self) -> frozenset[str]:
        return frozenset({self.key})

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        given = answers.get(self.key)
        if isinstance(given, list | tuple | set | frozenset | str):
            return len(given) > 0
        return given is not None

    def __str__(self) -> str:
        return f"answered({self.key})"


@dataclass(frozen=True)
class Not:
    operand: Condition

    @property
    def keys(self) -> frozenset[str]:
        return self.operand.keys

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        return not self.operand.evaluate(answers)

    def __str__(self) -> str:
        return f"not({self.operand})"


@dataclass(frozen=True)
class Junction:
    """`and` or `or` over two or more operands."""

    operator: str
    operands: tuple[Condition, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset().union(*(operand.keys for operand in self.operands))

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        results = (operand.evaluate(answers) for operand in self.operands)
        return all(results) if self.operator == "and" else any(results)

    def __str__(self) -> str:
        return f" {self.operator} ".join(
            f"({operand})" if isinstance(operand, Junction) else str(operand) for operand in self.operands
        )


MAX_LENGTH = 2000
"""A condition longer than this is refused: no real routing needs it, and parsing stays cheap."""


def parse_condition(text: str) -> Condition:
    """The condition written in `text`; raises ConditionError naming the column of the first problem."""
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"a condition may have at most {MAX_LENGTH} characters", MAX_LENGTH + 1)
    parser = _Parser(text)
    condition = parser.expression(depth=0)
    if parser.peek() is not None:
        kind, value, column = parser.peek()
        raise ConditionError(f"unexpected {value!r}: expected 'and', 'or' or the end", column)
    return condition


class _Parser:
    MAX_DEPTH = 20

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str, int]] = []
        self.end = len(text) + 1
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:  # only trailing whitespace is left
                break
            kind = match.lastgroup
            value = match.group(kind)
            column = match.start(kind) + 1
            if kind == "bad":
                hint = " (write = for equals)" if value == "=" else ""
                raise ConditionError(f"unexpected character {value!r}{hint}", column)
            self.tokens.append((kind, value, column))
            position = match.end()
        if not self.tokens:
            raise ConditionError("the condition is empty", 1)
        self.position = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ConditionError(f"the condition ends where {expected} was expected", self.end)
        self.position += 1
        return token

    def expect(self, value: str) -> None:
        kind, found, column = self.take(repr(value))
        if found != value:
            raise ConditionError(f"expected {value!r}, found {found!r}", column)

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1] == word

    def expression(self, depth: int) -> Condition:
        if depth > self.MAX_DEPTH:
            token = self.peek()
            raise ConditionError(
                f"conditions may nest at most {self.MAX_DEPTH} deep", self.end if token is None else token[2]
            )
        operands = [self.conjunction(depth)]
        while self.is_word("or"):
            self.position += 1
            operands.append(self.conjunction(depth))
        return operands[0] if len(operands) == 1 else Junction("or", tuple(operands))

    def conjunction(self, depth: int) -> Condition:
        operands = [self.unary(depth)]
        while self.is_word("and"):
            self.position += 1
            operands.append(self.unary(depth))
        return operands[0] if len(operands) == 1 else Junction("and", tuple(operands))

    def unary(self, depth: int) -> Condition:
        kind, value, column = self.take("a comparison")
        if kind == "punct" and value == "(":
            inner = self.expression(depth + 1)
            self.expect(")")
            return inner
        if kind != "word":
            raise ConditionError(f"expected a question key, 'not' or '(', found {value!r}", column)
        if value == "not":
            self.expect("(")
            inner = self.expression(depth + 1)
            self.expect(")")
            return Not(inner)
        if value in ("selected", "answered"):
            self.expect("(")
            key = self.key()
            if value == "answered":
                self.expect(")")
                return Answered(key)
            self.expect(",")
            option_kind, option, option_column = self.take("an option key in quotes")
            if option_kind != "string":
                raise ConditionError(f"selected() needs an option key in quotes, found {option!r}", option_column)
            self.expect(")")
            return Selected(key, option[1:-1])
        if value in _KEYWORDS:
            raise ConditionError(f"{value!r} cannot start a comparison", column)
        operator_kind, operator, operator_column = self.take("a comparison operator")
        if operator_kind != "op":
            raise ConditionError(
                f"expected one of {' '.join(OPERATORS)} after {value!r}, found {operator!r}", operator_column
            )
        literal_kind, literal, literal_column = self.take("a value")
        if literal_kind == "op" and operator == "=" and literal == "=":
            raise ConditionError("write = once to compare (not ==)", operator_column)
        if literal_kind == "string":
            return Comparison(value, operator, literal[1:-1])
        if literal_kind == "number":
            return Comparison(value, operator, float(literal))
        raise ConditionError(
            f"expected a value in quotes or a number after {operator!r}, found {literal!r}", literal_column
        )

    def key(self) -> str:
        kind, value, column = self.take("a question key")
        if kind != "word" or value in _KEYWORDS:
            raise ConditionError(f"expected a question key, found {value!r}", column)
        return value
