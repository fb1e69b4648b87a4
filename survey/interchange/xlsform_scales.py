"""Rating scales from XLSForm choice lists: the choices named 1..k are the points, the others non-substantive.

A list's points may stand on the sheet in either order (that order is the display order, unless the list's
`order` column says otherwise); every language needs a label at every point, or, with `labels` = `ends` (or where
the default language labels only the ends), at the two ends.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from survey.interchange.drafts import as_int, make_key
from survey.interchange.report import Findings
from survey.interchange.sheets import Row


@dataclass
class Choice:
    """One row of the choices sheet: its name as written and its label in each language."""

    row: Row
    name: str
    labels: dict


def scale_from_choices(
    list_name: str, choices: list[Choice], languages: list[str], default: str, where_of: Callable[[Row], str],
    findings: Findings,
) -> dict | None:
    """The format-2 scale that a choice list defines, or None (reported) when its choices are no scale."""
    where = where_of(choices[0].row)
    points = {}
    for choice in choices:
        number = as_int(choice.name)
        if number is not None and number >= 1:
            points.setdefault(number, choice)
    k = len(points)
    if k < 2 or k > 11 or sorted(points) != list(range(1, k + 1)):
        findings.dropped(where, f"list {list_name!r} is no rating scale: its choices named by whole "
                         f"numbers must be 1..k with k from 2 to 11 (found {sorted(points) or 'none'})")
        return None
    scale: dict = {"points": k}
    first = {column: choice.row.get(column) for choice in choices for column in ("order", "labels")
             if choice.row.get(column)}
    ends_only = first.get("labels", "").lower() == "ends"
    labels, ends = {}, {}
    for language in languages:
        texts = [points[n].labels.get(language) for n in range(1, k + 1)]
        if all(texts) and not ends_only:
            labels[language] = texts
        elif texts[0] and texts[-1]:
            ends[language] = [texts[0], texts[-1]]
    if default in labels:
        scale["labels"] = labels
        for language in ends:  # a scale has labels at every point or only at its ends, in every language
            findings.dropped(where, f"list {list_name!r}: the labels in {language} (not every point has one)")
    elif default in ends:
        scale["ends"] = ends
        if not ends_only:
            findings.changed(where, f"list {list_name!r}: not every point has a label in "
                             f"{default}: only the two ends are labelled")
        for language in labels:
            ends[language] = [labels[language][0], labels[language][-1]]
    else:
        findings.dropped(where, f"list {list_name!r}: the scale has no labels in the default language {default}")
        return None
    order = first.get("order", "").lower()
    numbers = [as_int(c.name) for c in choices if as_int(c.name) in points]
    if order not in ("", "ascending", "descending"):
        findings.dropped(where, f"list {list_name!r}: order {order!r} is not ascending or descending")
        order = ""
    if not order:
        order = "descending" if numbers == sorted(numbers, reverse=True) else "ascending"
        if numbers not in (sorted(numbers), sorted(numbers, reverse=True)):
            findings.changed(where, f"list {list_name!r}: the points are in no order on the sheet; "
                             "shown least positive first")
    if order == "descending":
        scale["order"] = "descending"
    others = [c for c in choices if as_int(c.name) not in points]
    non_substantive = _non_substantive(list_name, others, k, default, where_of, findings)
    if non_substantive:
        scale["non_substantive"] = non_substantive
    return scale


def _non_substantive(
    list_name: str, others: list[Choice], points: int, default: str, where_of: Callable[[Row], str], findings: Findings
) -> list[dict]:
    """The list's other choices as non-substantive options; a missing or clashing code gets the next free one
    from 9 (from 99 on a scale of 9 points or more)."""
    carried, codes, keys = [], set(), set()
    pending = []
    for choice in others:
        at = where_of(choice.row)
        key = make_key(choice.name, dotted=False)
        if key in keys:
            findings.dropped(at, f"choice {choice.name!r} of list {list_name!r}: its key {key!r} is taken")
            continue
        if default not in choice.labels:
            findings.dropped(at, f"choice {choice.name!r}: no label in the default language {default}")
            continue
        code_text = choice.row.get("code")
        code = as_int(code_text) if code_text else as_int(choice.name)
        if code is not None and (1 <= code <= points or code in codes or not -99 <= code <= 999):
            findings.changed(at, f"choice {choice.name!r}: code {code} is taken or out of range; another is given")
            code = None
        keys.add(key)
        entry = {"key": key, "code": code, "label": choice.labels}
        if code is not None:
            codes.add(code)
        else:
            pending.append((entry, at, choice.name))
        carried.append(entry)
    candidate = 9 if points < 9 else 99
    for entry, at, name in pending:
        while candidate in codes or candidate <= points:
            candidate += 1
        entry["code"] = candidate
        codes.add(candidate)
        findings.changed(at, f"choice {name!r} of list {list_name!r} is non-substantive with code {candidate}")
    return carried
