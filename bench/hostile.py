"""Hostile and oversized questionnaire files, as text: what bench/validate.py times and the tests refuse.

Each entry: name -> (text, the line its one problem is reported at, a fragment of the message). `items(n)`
also gives the valid file of n items in three languages that marks the size limit.
"""
from __future__ import annotations

HEADER = """family: student
version: "1"
languages: [da, en, sv]
title: {da: Trivsel, en: Satisfaction, sv: Trivsel}
intro: {da: Om undersøgelsen, en: About the survey, sv: Om enkäten}
scale: {points: 4, labels: {da: [a, b, c, d], en: [a, b, c, d], sv: [a, b, c, d]}}
overall: overall
dimensions:
  - key: overall
    title: {da: Samlet, en: Overall, sv: Samlat}
    items:
"""
HEADER_LINES = HEADER.count("\n")


def items(count: int) -> str:
    """A questionnaire of `count` items in one dimension, two lines an item."""
    return HEADER + "".join(
        f"      - key: overall.item_{i}\n        text: {{da: Spørgsmål {i}, en: Question {i}, sv: Fråga {i}}}\n"
        for i in range(count)
    )


def hostile() -> dict[str, tuple[str, int, str]]:
    small = items(3)
    lines = small.count("\n")
    return {
        "100 KB of nested [": ("[" * 100_000, 1, "a line may have at most"),
        "100 KB of nested [, one a line": ("[\n" * 50_000, 33, "nested more than 32 levels"),
        "1 MB comment line": ("# " + "x" * 1_000_000 + "\n", 1, "a questionnaire file may have at most"),
        "400 KB comment line": (small + "# " + "x" * 400_000 + "\n", lines + 1, "a line may have at most"),
        "20,000 items": (items(20_000), 1, "a questionnaire file may have at most"),
        "4,800 items": (items(4_800), 4_545, "values: too large for a questionnaire"),
        "150,000 values in one list": (
            small + "notes: [\n" + ("1," * 1000 + "\n") * 150 + "]\n", lines + 26, "values: too large for a questionnaire"
        ),
        "501 items": (items(501), HEADER_LINES + 2 * 500 + 1, "at most 500 items: this is item 501"),
        "a NUL byte": (small.replace("Question 1,", "Ques\x00tion 1,"), HEADER_LINES + 4, "control character U+0000"),
        "500 levels of [": (small + "notes: " + "[" * 500 + "]" * 500 + "\n", lines + 1, "nested more than 32"),
        "500 levels of indentation": (
            small + "".join("  " * i + "a:\n" for i in range(500)), lines + 33, "nested more than 32"
        ),
    }
