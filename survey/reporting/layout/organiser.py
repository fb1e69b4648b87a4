"""The organiser report's view model: the organiser's index beside the network's, with the organiser's interval
(CR1, its schools as clusters) and its gap to the network, then its schools side by side. Pure Python: the same
context fills the PDF (reports/organiser.html) and the organiser's results page. A suppressed cell is "–", as
everywhere (`format_n`)."""
from __future__ import annotations

import pandas as pd

from survey.reporting.format import format_index, format_n
from survey.reporting.inputs import NETWORK, OrganiserReportInputs
from survey.reporting.labels import words
from survey.reporting.layout.cells import column_groups

DASH = format_n(None, True)


def _interval(low, high, lang: str) -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{format_index(low, lang)}–{format_index(high, lang)}"


def organiser_context(inputs: OrganiserReportInputs) -> dict:
    lang = inputs.language
    w = words(lang)
    agg = inputs.aggregates[inputs.aggregates["breakdown"] == "all"]
    level = agg["level"] if "level" in agg.columns else pd.Series("school", index=agg.index)
    own = agg[(level == "organiser").to_numpy()].set_index("dimension")
    network = agg[(agg["school"] == NETWORK).to_numpy() & (level != "organiser").to_numpy()].set_index("dimension")
    summary = []
    for dim in inputs.dimensions:
        row = own.loc[dim.key] if dim.key in own.index else None
        net = network.loc[dim.key] if dim.key in network.index else None
        hidden = row is None or bool(row["suppressed"])
        net_hidden = net is None or bool(net["suppressed"])
        summary.append({
            "label": dim.label,
            "n": DASH if hidden else format_n(row["n"]),
            "index": DASH if hidden else format_index(row["index"], lang),
            "interval": "" if hidden else _interval(row["ci_low"], row["ci_high"], lang),
            "network": DASH if net_hidden else format_index(net["index"], lang),
            "gap": "" if hidden or net_hidden or pd.isna(row["gap"]) else format_index(row["gap"], lang),
            "gap_interval": "" if hidden or net_hidden else _interval(row["gap_low"], row["gap_high"], lang),
        })
    schools = agg[(level == "school").to_numpy() & agg["school"].isin(list(inputs.school_names)).to_numpy()]
    keys = [d.key for d in inputs.dimensions]
    rows = []
    for code in sorted(inputs.school_names, key=lambda c: inputs.school_names[c]):
        cells = schools[schools["school"] == code].set_index("dimension")
        rows.append({"name": inputs.school_names[code],
                     "values": [DASH if k not in cells.index or bool(cells.at[k, "suppressed"])
                                else format_index(cells.at[k, "index"], lang) for k in keys]})
    organiser_values = [entry["index"] for entry in summary]
    network_values = [entry["network"] for entry in summary]
    tables = [{"dimensions": [inputs.dimensions[i] for i in columns],
               "organiser": [organiser_values[i] for i in columns], "network": [network_values[i] for i in columns],
               "rows": [{**row, "values": [row["values"][i] for i in columns]} for row in rows]}
              for columns in column_groups(len(keys))]
    return {"lang": lang, "w": w, "round": inputs.round, "network_name": inputs.network_name,
            "organiser_name": inputs.organiser_name, "organiser_code": inputs.organiser_code,
            "summary": summary, "tables": tables, "schools": len(rows),
            "results_hash": inputs.round.results_hash}
