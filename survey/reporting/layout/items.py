"""The item tables of a school report: one row per rating item of a dimension, the school beside the network."""
from __future__ import annotations

from survey.reporting.format import format_index, format_percent
from survey.reporting.inputs import NETWORK, SchoolReportInputs
from survey.reporting.layout.cells import shown_n, value


def non_substantive_keys(inputs: SchoolReportInputs, dimension: str) -> list[tuple[str, str]]:
    """The non-substantive options of a dimension's items' scales, (key, label) in order of appearance."""
    found: dict[str, str] = {}
    for key, (of, _) in inputs.items.items():
        if of == dimension:
            for option, label in inputs.non_substantive.get(key, []):
                found.setdefault(option, label)
    return list(found.items())


def item_rows(inputs: SchoolReportInputs) -> dict[str, list[dict]]:
    """Per dimension key, its items in questionnaire order: formatted cells for the table, and the raw shares
    the distribution chart stacks (`shares`: raw codes 1..k among substantive answers; `ns_shares`: each
    non-substantive option over all who saw the item), None wherever the cell is suppressed."""
    table = inputs.item_results
    own = table[table["school"] == inputs.school_code].set_index("item")
    net = table[table["school"] == NETWORK].set_index("item")
    lang = inputs.language
    reverse = set(inputs.reverse_items)
    result: dict[str, list[dict]] = {d.key: [] for d in inputs.dimensions}
    for key, (dimension, text) in inputs.items.items():
        if dimension not in result:
            continue
        scale = inputs.item_scales.get(key) or inputs.scale_labels
        share_columns = [f"share_{i}" for i in range(1, len(scale) + 1)]
        row = own.loc[key] if key in own.index else None
        network_row = net.loc[key] if key in net.index else None
        suppressed = row is None or bool(value(row, "suppressed", False))
        mean = None if suppressed else value(row, "mean")
        shares = None
        if not suppressed and share_columns and all(c in row.index for c in share_columns):
            shares = [value(row, c, 0.0) for c in share_columns]
        # each non-substantive option's share over all who saw the item ("–" where the item's scale lacks it)
        offered = {option for option, _ in inputs.non_substantive.get(key, [])}
        ns_values = [None if suppressed or option not in offered else value(row, f"share_ns_{option}")
                     for option, _ in non_substantive_keys(inputs, dimension)]
        rows = result[dimension]
        rows.append({
            "key": key, "number": str(len(rows) + 1), "text": text, "reverse": key in reverse,
            "n": shown_n(row, suppressed) if row is not None else "–",
            "mean": format_index(mean, lang), "mean_value": mean,
            "network": format_index(value(network_row, "mean"), lang), "network_value": value(network_row, "mean"),
            "positive": format_percent(None if suppressed else value(row, "share_positive"), lang),
            "network_positive": format_percent(value(network_row, "share_positive"), lang),
            "shares": shares, "scale": scale, "ns_shares": ns_values,
            "non_substantive": [format_percent(share, lang) for share in ns_values],
        })
    return result
