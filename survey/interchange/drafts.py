"""The shape both importers fill: pages of questions still carrying where they came from, then one assembly.

Each importer reads its format into `PageDraft`s and `QuestionDraft`s (the format-2 mapping of each question,
plus its source location and its untranslated condition). `assemble` then does what is the same for every
format: translate conditions against the carried questions (a condition may only look at earlier pages), drop
pages left empty, keep only dimensions with items and an `overall` that exists, and lay out the document in
the order of MODEL2.md, so that the YAML reads like a hand-written file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from survey.interchange.expressions import ExpressionError, Node, Target, render
from survey.interchange.report import Findings
from survey.questions.conditions import ConditionError, parse_condition

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")


def make_key(name: str, *, dotted: bool = True) -> str:
    """A valid key from a name of another tool: lower case, other characters as `_`, a letter first.

    Dots survive in question keys (`teaching.explains`); option and page keys have none.
    """
    text = name.strip().lower()
    allowed = "a-z0-9_." if dotted else "a-z0-9_"
    text = re.sub(f"[^{allowed}]+", "_", text)
    if dotted:
        text = ".".join(part for part in text.split(".") if part)
    text = text.strip("_") or "x"
    if not text[0].isalpha() or not text[0].isascii():
        text = ("c" if text[0].isdigit() else "x_") + text
    return text


def as_int(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and re.fullmatch(r"\s*[-+]?\d+(\.0*)?\s*", text) else None


def as_number(text: str) -> int | float | None:
    """A number as written: `14` is an int, `14.0` and `0.5` are floats (as YAML reads them)."""
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if re.fullmatch(r"\s*[-+]?\d+\s*", text) else number


TRUE_WORDS = frozenset({"yes", "true", "1", "true()", "y"})
FALSE_WORDS = frozenset({"no", "false", "0", "false()", "n"})


def truth(text: str) -> bool | None:
    """yes/true/1 -> True, no/false/0/'' -> False, anything else -> None (the caller reports it)."""
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS or lowered == "":
        return False
    return None


@dataclass
class QuestionDraft:
    where: str
    data: dict
    """The format-2 mapping of the question, without `shown_if`."""
    condition: Node | None = None
    condition_text: str | None = None
    """A condition already in the condition language (XLSForm's `shown_if` column): used as written."""


@dataclass
class PageDraft:
    key: str
    where: str
    title: dict | None = None
    condition: Node | None = None
    condition_text: str | None = None
    randomise: bool = False
    questions: list[QuestionDraft] = field(default_factory=list)


@dataclass
class DimensionDraft:
    key: str
    title: dict
    items: list[str] = field(default_factory=list)


def unique_key(wanted: str, taken: set[str]) -> str:
    key, number = wanted, 2
    while key in taken:
        key = f"{wanted}_{number}"
        number += 1
    taken.add(key)
    return key


def assemble(
    header: dict,
    scales: dict,
    pages: list[PageDraft],
    dimensions: list[DimensionDraft],
    overall: str | None,
    targets: dict[str, Target],
    findings: Findings,
    where_overall: str = "settings",
    keep_scales: frozenset[str] = frozenset(),
) -> dict:
    """The format-2 document from the drafts; what cannot be carried is reported on `findings`.

    `targets` maps each reference as the source writes it to the carried question it names.
    """
    page_of: dict[str, int] = {}
    carried_pages = []
    for index, page in enumerate(pages):
        for question in page.questions:
            page_of[question.data["key"]] = index
    for index, page in enumerate(pages):
        if not page.questions:
            findings.dropped(page.where, f"page {page.key!r} has no question that could be carried")
            continue
        mapping: dict = {"key": page.key}
        if page.title:
            mapping["title"] = page.title
        shown_if = _condition(page.condition, page.condition_text, index, page_of, targets, findings, page.where,
                              f"the condition of page {page.key!r}")
        if shown_if:
            mapping["shown_if"] = shown_if
        if page.randomise:
            mapping["randomise"] = True
        questions = []
        for question in page.questions:
            data = dict(question.data)
            shown_if = _condition(question.condition, question.condition_text, index, page_of, targets, findings,
                                  question.where, f"the condition of {data['key']!r}")
            if shown_if:
                data = _with_condition(data, shown_if)
            questions.append(data)
        mapping["questions"] = questions
        carried_pages.append(mapping)

    rating_keys = {q["key"] for page in carried_pages for q in page["questions"] if q["type"] == "rating"}
    carried_dimensions = []
    for dimension in dimensions:
        items = [item for item in dimension.items if item in rating_keys]
        if items:
            carried_dimensions.append({"key": dimension.key, "title": dimension.title, "items": items})
    used_scales = {q["scale"] for page in carried_pages for q in page["questions"] if q["type"] == "rating"}
    document = {"format": 2, **header}
    document["scales"] = {key: scale for key, scale in scales.items() if key in used_scales | keep_scales}
    if not carried_dimensions:
        findings.dropped("the file", "no rating item was carried, and Benchlearn needs at least one dimension of "
                         "rating items: add a scale, rating questions and a dimension before publishing")
    document["pages"] = carried_pages
    document["dimensions"] = carried_dimensions
    if overall:
        if any(d["key"] == overall for d in carried_dimensions):
            document["overall"] = overall
        else:
            findings.dropped(where_overall, f"overall names {overall!r}, which is not a carried dimension")
    return document


def _with_condition(data: dict, shown_if: str) -> dict:
    """Insert `shown_if` after the texts, where a person would write it."""
    ordered, placed = {}, False
    for name, value in data.items():
        if not placed and name not in ("type", "key", "text", "help", "scale", "source", "required"):
            ordered["shown_if"] = shown_if
            placed = True
        ordered[name] = value
    if not placed:
        ordered["shown_if"] = shown_if
    return ordered


def _condition(node, text, page_index, page_of, targets, findings, where, what) -> str | None:
    if text:
        try:
            parse_condition(text)
        except ConditionError as error:
            findings.dropped(where, f"{what} {text!r}: {error}; shown to everyone")
            return None
        return text
    if node is None:
        return None
    try:
        rendered, keys = render(node, targets.get)
        if rendered is not None:
            rendered = str(parse_condition(rendered))
    except (ExpressionError, ConditionError) as error:
        findings.dropped(where, f"{what}: {error}; shown to everyone")
        return None
    later = sorted(key for key in keys if page_of.get(key, page_index) >= page_index)
    if later:
        findings.dropped(
            where,
            f"{what} looks at {', '.join(later)} on the same or a later page; a condition may only look at "
            "earlier pages: it is shown to everyone",
        )
        return None
    return rendered
