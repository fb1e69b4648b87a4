"""Hostile and oversized questionnaire files, as text: what bench/validate.py times and the tests refuse.

Each entry: name -> (text, the line its one problem is reported at, a fragment of the message). `items(n)`
also gives the valid file of n items in three languages that marks the size limit.
"""
from __future__ import annotations

HEADER = """family: student
version: "1"
default_language: da
languages: [da, en, sv]
title: {da: Trivsel, en: Satisfaction, sv: Trivsel}
intro: {da: Om undersøgelsen, en: About the survey, sv: Om enkäten}
scales:
  agree: {points: 4, labels: {da: [a, b, c, d], en: [a, b, c, d], sv: [a, b, c, d]}}
overall: overall
dimensions:
  - key: overall
    title: {da: Samlet, en: Overall, sv: Samlat}
    items:
"""
HEADER_LINES = HEADER.count("\n")


def items(count: int) -> str:
    """A questionnaire of `count` rating items on one page, all in one dimension: the dimension lists them one a
    line, then the page has one line a question."""
    return (
        HEADER
        + "".join(f"      - overall.item_{i}\n" for i in range(count))
        + "pages:\n  - key: overall\n    questions:\n"
        + "".join(
            f"      - {{type: rating, key: overall.item_{i}, scale: agree, "
            f"text: {{da: Spørgsmål {i}, en: Question {i}, sv: Fråga {i}}}}}\n"
            for i in range(count)
        )
    )


def question_line(count: int, i: int) -> int:
    """The line of question `i` (from 0) in `items(count)`."""
    return HEADER_LINES + count + 3 + i + 1


def hostile() -> dict[str, tuple[str, int, str]]:
    small = items(3)
    lines = small.count("\n")
    return {
        "100 KB of nested [": ("[" * 100_000, 1, "a line may have at most"),
        "100 KB of nested [, one a line": ("[\n" * 50_000, 33, "nested more than 32 levels"),
        "1 MB comment line": ("# " + "x" * 1_000_000 + "\n", 1, "a questionnaire file may have at most"),
        "400 KB comment line": (small + "# " + "x" * 400_000 + "\n", lines + 1, "a line may have at most"),
        "20,000 items": (items(20_000), 1, "a questionnaire file may have at most"),
        "3,000 items": (items(3_000), 4_478, "values: too large for a questionnaire"),
        "150,000 values in one list": (
            small + "notes: [\n" + ("1," * 1000 + "\n") * 150 + "]\n", lines + 26, "values: too large for a questionnaire"
        ),
        "501 items": (items(501), question_line(501, 500), "at most 500 questions: this is question 501"),
        "a NUL byte": (small.replace("Question 1,", "Ques\x00tion 1,"), question_line(3, 1), "control character U+0000"),
        "500 levels of [": (small + "notes: " + "[" * 500 + "]" * 500 + "\n", lines + 1, "nested more than 32"),
        "500 levels of indentation": (
            small + "".join("  " * i + "a:\n" for i in range(500)), lines + 33, "nested more than 32"
        ),
    }
