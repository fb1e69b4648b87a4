"""The dashboard's tables: one school's results as rows of formatted text, in the reader's language.

Every number is written by `survey.reporting.format` (the functions the PDF and the exports use), so the page
shows what the school's PDF prints: a suppressed cell is "–" like everywhere. Only what the school's slice
of the results holds is shown (for staff: under school-level confidentiality, `RoundResults.for_school`).
Columns of METHOD.md version 2 (rank intervals, changes, gaps, importance intervals) are read where the
stored results carry them: results frozen before version 2 show "–" there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from survey.analysis import IMPROVE_FIRST
from survey.reporting.format import format_index, format_interval, format_n, format_number, format_percent
from survey.reporting.inputs import NETWORK
from survey.results.dashboard.loading import SchoolResults

ALL = "all"


def value(row, column: str, default=None):
    """A cell of a row (a Series or a dict), `default` where the row or the column is missing or the cell is
    blank."""
    if row is None or column not in row:
        return default
    found = row[column]
    if found is None or (isinstance(found, float) and math.isnan(found)) or found is pd.NA:
        return default
    return found


def _records(rows: pd.DataFrame, key: str) -> dict[str, dict]:
    """Rows as dicts by `key` (the first row of a key wins): reading cells of a dict is what a page of a
    hundred items can afford, `.loc` per cell is not."""
    return {record[key]: record for record in reversed(rows.to_dict("records"))}


def _hidden(row) -> bool:
    return row is None or bool(value(row, "suppressed", False))


def _signed(number, language: str) -> str:
    text = format_number(number, language)
    return text if text == "–" or text.startswith("-") else f"+{text}"


@dataclass(frozen=True)
class DimensionRow:
    key: str
    label: str
    overall: bool
    n: str
    index: str
    index_value: float | None
    interval: str
    ci_low: float | None
    ci_high: float | None
    response_rate: str
    network: str
    network_value: float | None
    median: str
    top: str
    top_value: float | None
    rank: str | None  # "3"; None when not ranked
    rank_interval: str  # "2–6", "–"
    of: str
    change: str
    change_interval: str
    trend_flag: str  # "up", "down" or ""
    previous_n: str
    previous_rate: str
    importance: str
    importance_value: float | None
    importance_interval: str
    importance_low: float | None
    importance_high: float | None
    gap: str
    gap_value: float | None
    gap_interval: str
    gap_low: float | None
    gap_high: float | None
    quadrant: str
    uncertain: bool
    fpc: bool  # the interval is finite-population corrected


def _number(row, column):
    found = value(row, column)
    return None if found is None else float(found)


def dimension_rows(school: SchoolResults) -> list[DimensionRow]:
    """The school's `all` row of every dimension, in questionnaire order."""
    lang = school.language
    table = school.results.aggregates
    own = table[(table["school"] == school.code) & (table["breakdown"] == ALL)].set_index("dimension")
    rows = []
    for dimension in school.dimensions:
        row = own.loc[dimension.key] if dimension.key in own.index else None
        if row is None:
            continue
        hidden = _hidden(row)
        shown = (lambda column: None if hidden else _number(row, column))
        rank, of = shown("rank"), _number(row, "of")
        rank_low, rank_high = shown("rank_low"), shown("rank_high")
        flag = value(row, "trend_flag", "") if not hidden else ""
        rows.append(DimensionRow(
            key=dimension.key, label=dimension.label, overall=dimension.is_overall,
            n=format_n(value(row, "n"), hidden),
            index=format_index(shown("index"), lang), index_value=shown("index"),
            interval=format_interval(shown("ci_low"), shown("ci_high"), lang),
            ci_low=shown("ci_low"), ci_high=shown("ci_high"),
            response_rate=format_percent(shown("response_rate"), lang),
            network=format_index(_number(row, "network_mean"), lang), network_value=_number(row, "network_mean"),
            median=format_index(_number(row, "median"), lang),
            top=format_index(_number(row, "top_quartile"), lang), top_value=_number(row, "top_quartile"),
            rank=None if rank is None or of is None else str(int(rank)),
            rank_interval=(f"{int(rank_low)}–{int(rank_high)}" if rank_low is not None and rank_high is not None
                           else "–"),
            of="–" if of is None else str(int(of)),
            change=_signed(shown("change"), lang),
            change_interval=format_interval_signed(shown("change_low"), shown("change_high"), lang),
            trend_flag=str(flag or ""),
            previous_n=format_n(value(row, "previous_n"), hidden),
            previous_rate=format_percent(shown("previous_response_rate"), lang),
            importance=format_number(shown("importance"), lang), importance_value=shown("importance"),
            importance_interval=format_interval(shown("importance_low"), shown("importance_high"), lang),
            importance_low=shown("importance_low"), importance_high=shown("importance_high"),
            gap=_signed(shown("gap"), lang), gap_value=shown("gap"),
            gap_interval=format_interval_signed(shown("gap_low"), shown("gap_high"), lang),
            gap_low=shown("gap_low"), gap_high=shown("gap_high"),
            quadrant=str(value(row, "quadrant", "") or "") if not hidden else "",
            uncertain=bool(value(row, "uncertain", False)) and not hidden,
            fpc=shown("fpc") is not None,
        ))
    return rows


def format_interval_signed(low, high, language: str) -> str:
    """A difference's interval: "-4,1 to +1,2" would read badly with a dash, so each end carries its sign."""
    if low is None or high is None:
        return "–"
    return f"{_signed(low, language)} … {_signed(high, language)}"


def importance_source(school: SchoolResults) -> str | None:
    """"network" when the school is shown the network's importances (too few complete cases of its own)."""
    table = school.results.aggregates
    own = table[(table["school"] == school.code) & (table["breakdown"] == ALL)]
    if "importance_source" not in own.columns:
        return None
    sources = own["importance_source"].dropna()
    return str(sources.iloc[0]) if len(sources) else None


def importance_line(school: SchoolResults, rows: list[DimensionRow]) -> float | None:
    """Where the priority map's importance line is: the stored `importance_line`, else 100 / predictors."""
    table = school.results.aggregates
    own = table[(table["school"] == school.code) & (table["breakdown"] == ALL)]
    if "importance_line" in own.columns and own["importance_line"].notna().any():
        return float(own["importance_line"].dropna().iloc[0])
    predictors = [row for row in rows if not row.overall]
    return 100 / len(predictors) if predictors else None


def response_rate(school: SchoolResults) -> str:
    table = school.results.aggregates
    own = table[(table["school"] == school.code) & (table["breakdown"] == ALL) & ~table["suppressed"].astype(bool)]
    rates = own["response_rate"].dropna() if "response_rate" in own.columns else []
    return format_percent(float(rates.iloc[0]) if len(rates) else None, school.language)


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    groups: list[dict]  # {"name", "n", "values": [index per dimension], "rate"}
    hidden: int  # groups not shown: a suppressed cell in them


def breakdown_options(school: SchoolResults, program_title: str) -> list[tuple[str, str]]:
    """The breakdowns the filter offers: the program, then every background question, in the results' order."""
    table = school.results.aggregates
    keys = list(dict.fromkeys(table.loc[table["breakdown"] != ALL, "breakdown"].astype(str)))
    keys += [key for key in school.breakdowns if key not in keys and key in school.group_names]
    return [(key, program_title if key == "program" else school.breakdowns.get(key, key)) for key in keys]


def breakdown(school: SchoolResults, key: str, title: str) -> Breakdown:
    """The school's groups of one breakdown, published groups only (as the PDF): a group with any suppressed
    cell is left out whole and only counted, never named (METHOD.md, Anonymity: one symbol, no reason)."""
    lang = school.language
    table = school.results.aggregates
    cells = table[(table["school"] == school.code) & (table["breakdown"] == key)]
    names = school.group_names.get(key, {})
    hidden = cells["suppressed"].astype(bool).groupby(cells["group"], sort=False).transform("any")
    groups = []
    for group, group_cells in cells[~hidden].groupby("group", sort=False):
        by_dimension = group_cells.set_index("dimension")
        groups.append({
            "name": names.get(group, group),
            "n": format_n(pd.to_numeric(group_cells["n"], errors="coerce").max()),
            "values": [format_index(_number(by_dimension.loc[d.key], "index") if d.key in by_dimension.index
                                    else None, lang) for d in school.dimensions],
        })
    return Breakdown(key, title, groups, int(cells.loc[hidden, "group"].nunique()))


def item_rows(school: SchoolResults) -> dict[str, list[dict]]:
    """Per dimension, its items as the PDF lists them: n, mean, the network's mean, share positive, and the
    share of every answer option (None where suppressed)."""
    lang = school.language
    table = school.results.items
    own = _records(table[table["school"] == school.code], "item")
    network = _records(table[table["school"] == NETWORK], "item")
    result: dict[str, list[dict]] = {d.key: [] for d in school.dimensions}
    for key, (dimension, text) in school.items.items():
        if dimension not in result:
            continue
        row, network_row = own.get(key), network.get(key)
        hidden = _hidden(row)
        scale = school.item_scales.get(key, [])
        shares = None
        if not hidden and scale and all(f"share_{i}" in row for i in range(1, len(scale) + 1)):
            shares = [value(row, f"share_{i}", 0.0) for i in range(1, len(scale) + 1)]
        mean = None if hidden else _number(row, "mean")
        network_mean = None if _hidden(network_row) else _number(network_row, "mean")
        rows = result[dimension]
        rows.append({
            "number": str(len(rows) + 1), "text": text, "n": format_n(value(row, "n"), hidden),
            "reverse": key in school.reverse_items,
            "mean": format_index(mean, lang), "mean_value": mean,
            "network": format_index(network_mean, lang), "network_value": network_mean,
            "positive": format_percent(None if hidden else _number(row, "share_positive"), lang),
            "scale": scale, "shares": shares,
            "share_texts": [format_percent(share, lang) for share in shares] if shares else [],
        })
    return result


def partner_sections(school: SchoolResults, rows: list[DimensionRow]) -> list[dict]:
    """One section per "Improve first" dimension: its partners, most similar first, with the difference."""
    lang = school.language
    table = school.results.partners
    sections = []
    for row in rows:
        if row.quadrant != IMPROVE_FIRST:
            continue
        found = table[table["dimension"] == row.key].sort_values("order", kind="stable")
        partners = []
        for _, partner in found.iterrows():
            own = _number(partner, "school_index") or row.index_value
            other = _number(partner, "partner_index")
            partners.append({"label": partner["partner_label"], "index": format_index(other, lang),
                             "difference": _signed(other - own, lang) if own is not None and other is not None
                             else "–"})
        sections.append({"label": row.label, "index": row.index, "partners": partners})
    return sections


def question_sections(school: SchoolResults) -> list[dict]:
    """The background questions' results, the school beside the network ("–" where suppressed)."""
    table = school.results.questions
    if table is None or table.empty:
        return []
    lang = school.language
    by_question = {key: rows for key, rows in table.groupby("question", sort=False)}
    sections = []
    for question in school.questions:
        rows = by_question.get(question.key)
        if rows is None:
            continue
        own = _records(rows[rows["school"] == school.code], "option")
        network = _records(rows[rows["school"] == NETWORK], "option")

        def cell(frame, option, column):
            row = frame.get(option)
            return None if _hidden(row) else _number(row, column)

        def shown_n(frame, option):
            row = frame.get(option)
            return format_n(value(row, "n"), _hidden(row))

        if question.type == "numeric":
            stats = [{"n": shown_n(frame, ""), "mean": format_number(cell(frame, "", "mean"), lang),
                      "median": format_number(cell(frame, "", "median"), lang),
                      "quartiles": format_interval(cell(frame, "", "q1"), cell(frame, "", "q3"), lang)}
                     for frame in (own, network)]
            sections.append({"text": question.text, "numeric": True, "unit": question.unit, "multiple": False,
                             "school": stats[0], "network": stats[1]})
        else:
            first = next(iter(own), None)
            sections.append({"text": question.text, "numeric": False, "unit": "",
                             "multiple": question.type == "multiple",
                             "n": shown_n(own, first) if first is not None else "–",
                             "options": [{"label": label, "school": format_percent(cell(own, option, "share"), lang),
                                          "network": format_percent(cell(network, option, "share"), lang)}
                                         for option, label in question.options]})
    return sections
