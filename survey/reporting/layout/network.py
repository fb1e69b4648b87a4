"""The network report's view model: the spread of every dimension, the funnel plot's table and the schools'
table (cut into column groups so that no dimension falls off the page). Pure Python, no WeasyPrint."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from survey.reporting.format import format_index, format_n, format_number, format_percent
from survey.reporting.inputs import NETWORK, NetworkReportInputs
from survey.reporting.labels import words
from survey.reporting.layout.cells import column_groups
from survey.reporting.layout.columns import with_method_columns
from survey.reporting.layout.funnel import funnel_dimension, funnel_points
from survey.reporting.layout.outcomes import outcome_sections

Z_95, Z_998 = 1.96, 3.09  # the funnel plot's control limits (two-sided 95% and 99.8%)


def anonymised_labels(codes: list[str], salt: str) -> dict[str, str]:
    """Stable labels that do not follow the codes' order: "School A", ... by a salted hash of the code."""
    from survey.analysis.partners import anonymous_label

    order = sorted(codes, key=lambda c: hashlib.sha256(f"{salt}:{c}".encode()).hexdigest())
    return {code: anonymous_label(i) for i, code in enumerate(order)}


def _school_n(cells: pd.DataFrame) -> str:
    """A school's n in the network table: its largest published cell's n; "–" when every cell is suppressed
    (never its exact n, nor whether it is small or hidden to protect a smaller school)."""
    hidden = cells["suppressed"].astype(bool)
    n = pd.to_numeric(cells["n"], errors="coerce")
    if not hidden.all():
        return format_n(n[~hidden].max())
    return format_n(None, True)


def _funnel_rows(inputs: NetworkReportInputs, names: dict[str, str], w: dict[str, str]) -> list[dict]:
    """The funnel plot as a table: each published school's n and index and where it lies against the
    network's control limits (within 95%, between 95% and 99.8%, beyond 99.8%; above or below)."""
    points, target, sd = funnel_points(inputs)
    if target is None or sd is None:
        return []
    rows = []
    for point in points.sort_values("index", ascending=False).itertuples():
        z = (point.index - target) / (sd / np.sqrt(point.n))
        band = "within_95" if abs(z) <= Z_95 else "beyond_95" if abs(z) <= Z_998 else "beyond_998"
        side = "" if band == "within_95" else (" ▲" if z > 0 else " ▼")
        rows.append({"name": names[point.school], "n": format_n(point.n),
                     "rate": format_percent(point.response_rate, inputs.language),
                     "index": format_index(point.index, inputs.language), "band": w[band] + side})
    return rows


def network_context(inputs: NetworkReportInputs, svgs: dict[str, str] | None = None) -> dict:
    """Everything the network template prints. `svgs`: chart name -> image URL."""
    svgs = svgs or {}
    lang = inputs.language
    w = words(lang)
    agg = with_method_columns(inputs.aggregates[inputs.aggregates["breakdown"] == "all"])
    codes = sorted(c for c in agg["school"].unique() if c != NETWORK)
    if inputs.round.share_names:
        names = {c: inputs.school_names.get(c, c) for c in codes}
    else:
        names = anonymised_labels(codes, inputs.round.results_hash)
    table = agg.pivot_table(index="school", columns="dimension", values="index", aggfunc="first")
    suppressed = agg.pivot_table(index="school", columns="dimension", values="suppressed", aggfunc="first")
    keys = [d.key for d in inputs.dimensions]
    rows = []
    for code in sorted(codes, key=lambda c: names[c]):
        cells = agg[agg["school"] == code]
        rates = cells.loc[~cells["suppressed"].astype(bool), "response_rate"].dropna()
        rows.append({"name": names[code], "n": _school_n(cells),
                     "rate": format_percent(rates.iloc[0] if len(rates) else None, lang),
                     "values": [("–" if bool(suppressed.at[code, k]) else format_index(table.at[code, k], lang))
                                if k in table.columns else "–" for k in keys]})
    network = [format_index(table.at[NETWORK, k], lang) if NETWORK in table.index and k in table.columns else "–"
               for k in keys]
    network_rate = agg.loc[agg["school"] == NETWORK, "response_rate"].dropna()
    tables = [{"dimensions": [inputs.dimensions[i] for i in columns], "network": [network[i] for i in columns],
               "rows": [{**row, "values": [row["values"][i] for i in columns]} for row in rows]}
              for columns in column_groups(len(keys))]
    spread = []
    for dim in inputs.dimensions:
        values = agg[(agg["school"] != NETWORK) & (agg["dimension"] == dim.key) & ~agg["suppressed"].astype(bool)]["index"]
        values = values.dropna().astype(float)
        quartiles = values.quantile([0, 0.25, 0.5, 0.75, 1]).tolist() if len(values) else [None] * 5
        spread.append({"number": str(len(spread) + 1), "label": dim.label, "schools": len(values),
                       "values": [format_index(v, lang) for v in quartiles]})
    funnel_label = next(d.label for d in inputs.dimensions if d.key == funnel_dimension(inputs))
    return {"lang": lang, "w": w, "round": inputs.round, "network_name": inputs.network_name,
            "dimensions": inputs.dimensions, "rows": rows, "tables": tables, "network": network,
            "network_rate": format_percent(network_rate.iloc[0] if len(network_rate) else None, lang),
            "spread": spread, "spread_svg": svgs.get("spread"), "funnel_svg": svgs.get("funnel"),
            "funnel_label": funnel_label, "funnel_rows": _funnel_rows(inputs, names, w),
            "z_95": format_number(Z_95, lang, 2), "z_998": format_number(Z_998, lang, 2),
            "named": inputs.round.share_names, "results_hash": inputs.round.results_hash,
            "minimal_difference": format_number(inputs.round.minimal_difference, lang),
            "outcomes": outcome_sections(inputs, names, w, svgs),
            "outcome_year": inputs.outcomes.year if inputs.outcomes is not None else None}
