"""The school report's view model: every table, row and column the template prints, as formatted strings.

Pure Python on the report's inputs (no Jinja, no WeasyPrint): the PDF renders it, the portal's dashboard shows
the same numbers from it. Charts arrive as `svgs` (name -> image URL) from whoever draws them."""
from __future__ import annotations

import pandas as pd

from survey.reporting.format import (format_index, format_interval, format_n, format_number, format_percent,
                                     format_rank, format_signed, format_signed_interval)
from survey.reporting.inputs import NETWORK, SchoolReportInputs
from survey.reporting.labels import words
from survey.reporting.layout.cells import column_groups, is_suppressed, row_of, shown_n, value
from survey.reporting.layout.columns import with_method_columns
from survey.reporting.layout.items import item_rows, non_substantive_keys
from survey.reporting.layout.plan_review import plan_review_context
from survey.reporting.layout.questions import question_sections

FLAGS = {"up": "▲", "down": "▼"}


def _dimension_row(dim, row, network_row, inputs: SchoolReportInputs, w: dict[str, str]) -> dict:
    """One dimension's numbers on the school's `all` row; every cell "–" when the cell is suppressed.
    `number`: the dimension's place in the questionnaire, which labels it on the priority map."""
    lang = inputs.language
    hidden = is_suppressed(row)

    def shown(column):
        return None if hidden else value(row, column)

    flag = value(row, "trend_flag", "") if not hidden else ""
    return {
        "key": dim.key, "label": dim.label, "overall": dim.is_overall,
        "number": str(inputs.dimensions.index(dim) + 1),
        "n": shown_n(row, hidden),
        "response_rate": format_percent(shown("response_rate"), lang),
        "index": format_index(shown("index"), lang),
        "interval": format_interval(shown("ci_low"), shown("ci_high"), lang),
        "network": format_index(value(row, "network_mean"), lang),
        "median": format_index(value(row, "median"), lang),
        "top": format_index(value(row, "top_quartile"), lang),
        "rank": "–" if hidden else format_rank(value(row, "rank"), value(row, "rank_low"), value(row, "rank_high"),
                                              value(row, "of"), w),
        "change": format_signed(shown("change"), lang),
        "change_interval": format_signed_interval(shown("change_low"), shown("change_high"), lang),
        # the earlier round's n and response rate of the same cell: blank where it was suppressed then
        "previous_n": format_n(shown("previous_n")),
        "previous_rate": format_percent(shown("previous_response_rate"), lang),
        "flag": flag if flag in FLAGS else "",
        "flag_text": f"{FLAGS[flag]} {w['flag_' + flag]}" if flag in FLAGS else "",
        "importance": format_number(shown("importance"), lang),
        "importance_interval": format_interval(shown("importance_low"), shown("importance_high"), lang),
        "gap": format_signed(shown("gap"), lang),
        "gap_interval": format_signed_interval(shown("gap_low"), shown("gap_high"), lang),
        "quadrant": w.get(value(row, "quadrant", ""), "") if shown("quadrant") else "",
        "uncertain": bool(shown("uncertain")),
        # Cronbach's alpha is the network's (METHOD.md): on the NETWORK rows of the results
        "alpha": format_number(inputs.alpha.get(dim.key, value(row, "alpha", value(network_row, "alpha"))), lang, 2),
    }


def school_context(inputs: SchoolReportInputs, svgs: dict[str, str] | None = None) -> dict:
    """Everything the school template prints. `svgs`: chart name -> image URL (none: a report without charts,
    as the dashboard, which draws the figures itself)."""
    svgs = svgs or {}
    lang = inputs.language
    w = words(lang)
    k_min = inputs.round.k_min
    agg = with_method_columns(inputs.aggregates)
    own_all = agg[(agg["school"] == inputs.school_code) & (agg["breakdown"] == "all")].set_index("dimension")
    network_all = agg[(agg["school"] == NETWORK) & (agg["breakdown"] == "all")].set_index("dimension")

    summary = [_dimension_row(dim, own_all.loc[dim.key], row_of(network_all, dim.key), inputs, w)
               for dim in inputs.dimensions if dim.key in own_all.index]
    published = own_all[~own_all["suppressed"].astype(bool)]
    published_n = published["n"].dropna()
    respondents = inputs.respondents if inputs.respondents is not None else (
        int(published_n.max()) if len(published_n) else None)
    rate = inputs.response_rate
    if rate is None and published["response_rate"].notna().any():
        rate = float(published["response_rate"].dropna().iloc[0])
    sources = own_all["importance_source"].dropna()
    r_squared = own_all["r_squared"].dropna()

    items = item_rows(inputs)
    dimension_pages = []
    for dim in inputs.dimensions:
        distributions = [svg for name, svg in svgs.items()
                         if name == f"distribution:{dim.key}" or name.startswith(f"distribution:{dim.key}:")]
        dimension_pages.append({
            "key": dim.key, "label": dim.label, "summary": next((s for s in summary if s["key"] == dim.key), None),
            "items": items.get(dim.key) or [], "items_svg": svgs.get(f"items:{dim.key}"),
            "distribution_svgs": distributions,
            "non_substantive": [label for _, label in non_substantive_keys(inputs, dim.key)],
            "reverse": any(item["reverse"] for item in items.get(dim.key) or []),
            "hidden": any(item["n"] == "–" for item in items.get(dim.key) or []),
        })

    school_published = respondents is not None and respondents >= k_min
    return {
        "lang": lang, "w": w, "round": inputs.round, "school_name": inputs.school_name,
        "school_code": inputs.school_code,
        # a school of fewer than k_min responses is suppressed: its n is "–", on its own report too
        "respondents": format_n(respondents, not school_published),
        "response_rate": format_percent(rate, lang), "k_min": k_min,
        "minimal_difference": format_number(inputs.round.minimal_difference, lang),
        "summary": summary, "summary_svg": svgs.get("summary"), "priority_svg": svgs.get("priority"),
        "changes": any(s["change"] != "–" for s in summary),
        "flagged": any(s["flag"] for s in summary),
        "priority_rows": [s for s in summary if s["quadrant"]],
        "importance_is_network": len(sources) > 0 and str(sources.iloc[0]) == "network",
        "r_squared": format_number(r_squared.iloc[0], lang, 2) if len(r_squared) else "–",
        "fpc_applies": bool(published["fpc"].notna().any()),
        "dimensions": dimension_pages, "breakdowns": breakdowns(inputs), "partners": partner_sections(inputs, own_all),
        "comments": [{"question": question, "texts": list(texts)} for question, texts in inputs.comments]
                    if school_published else [],
        "scale_labels": inputs.scale_labels,
        "results_hash": inputs.round.results_hash,
        "questions": question_sections(inputs),
        "equivalent_scales": [{"item": item, "reason": reason} for item, reason in inputs.equivalent_scales],
        "structural": inputs.structural,
        "learn_from": inputs.learn_from, "share_names": inputs.round.share_names,
        "plan_review": plan_review_context(inputs.plan_review, lang, w),
    }


def partner_sections(inputs: SchoolReportInputs, own_all: pd.DataFrame) -> list[dict]:
    """One section per "Improve first" dimension of the school (questionnaire order): its partners, most
    similar first, each with its index and the difference to the school's; an empty list when none was found."""
    from survey.analysis import IMPROVE_FIRST

    lang = inputs.language
    table = inputs.partners
    sections = []
    for dim in inputs.dimensions:
        row = row_of(own_all, dim.key)
        if row is None or value(row, "quadrant") != IMPROVE_FIRST or is_suppressed(row):
            continue
        rows = []
        if table is not None and not table.empty:
            found = table[table["dimension"] == dim.key].sort_values("order", kind="stable")
            for _, p in found.iterrows():
                own = value(p, "school_index", value(row, "index"))
                partner = value(p, "partner_index")
                rows.append({"partner": p["partner_label"], "index": format_index(partner, lang),
                             "difference": format_signed(partner - own, lang)
                             if own is not None and partner is not None else "–"})
        sections.append({"key": dim.key, "label": dim.label,
                         "index": format_index(value(row, "index"), lang), "partners": rows})
    return sections


def breakdowns(inputs: SchoolReportInputs) -> list[dict]:
    """Program and background breakdowns: published groups only, by their names in the report's language
    (programs by name, options by the questionnaire's label); suppressed groups are counted, never named.
    Each breakdown is cut into `tables` of at most `MAX_VALUE_COLUMNS` dimensions (`column_groups`), each
    repeating the group's name, n and response rate, so every dimension is printed whatever their number.

    A group with a suppressed cell is left out whole and counted in `hidden`, with one note for every reason
    (fewer than k_min, or protected so that a small group cannot be derived): which of the two applies is
    never told (METHOD.md, Anonymity: one symbol)."""
    agg = with_method_columns(inputs.aggregates)
    own = agg[(agg["school"] == inputs.school_code) & (agg["breakdown"] != "all")]
    lang = inputs.language
    result = []
    for breakdown, cells in own.groupby("breakdown", sort=False):
        names = inputs.group_names.get(breakdown, {})
        hidden = cells["suppressed"].astype(bool).groupby(cells["group"], sort=False).transform("any")
        rows = []
        for group, group_cells in cells[~hidden].groupby("group", sort=False):
            group_cells = group_cells.set_index("dimension")
            rates = group_cells["response_rate"].dropna()
            rows.append({"group": names.get(group, group), "n": format_n(group_cells["n"].max()),
                         "rate": format_percent(rates.iloc[0] if len(rates) else None, lang),
                         "values": [format_index(value(row_of(group_cells, dim.key), "index"), lang)
                                    for dim in inputs.dimensions]})
        tables = [{"dimensions": [inputs.dimensions[i] for i in columns],
                   "rows": [{**row, "values": [row["values"][i] for i in columns]} for row in rows]}
                  for columns in column_groups(len(inputs.dimensions))]
        title = inputs.group_labels.get(breakdown) or words(lang).get(breakdown, breakdown)
        result.append({"key": breakdown, "title": title, "rows": rows, "tables": tables if rows else [],
                       "has_rate": any(row["rate"] != "–" for row in rows),
                       "hidden": cells.loc[hidden, "group"].nunique()})
    return result
