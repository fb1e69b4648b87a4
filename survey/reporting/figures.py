"""Which charts a report holds, as plotly figures built from its inputs: the PDF draws them as static SVG and
the portal's dashboards show the same figures interactively. No WeasyPrint here: the dashboards import this
module, never the PDF one."""
from __future__ import annotations

from survey.reporting import charts
from survey.reporting.inputs import NETWORK, NetworkReportInputs, SchoolReportInputs
from survey.reporting.labels import words
from survey.reporting.layout.cells import first
from survey.reporting.layout.columns import with_method_columns
from survey.reporting.layout.funnel import funnel_points
from survey.reporting.layout.items import item_rows, non_substantive_keys
from survey.reporting.layout.outcomes import MIN_SCHOOLS, chart_name, points_and_correlations


def school_figures(inputs: SchoolReportInputs) -> dict[str, object]:
    """Every chart of the school report: "summary", "priority" (when the school has importances and gaps),
    "items:<dimension>" and "distribution:<dimension>[:<n>]" (one per scale and wording direction)."""
    w = words(inputs.language)
    labels = {d.key: d.label for d in inputs.dimensions}
    agg = with_method_columns(inputs.aggregates)
    own = agg[(agg["school"] == inputs.school_code) & (agg["breakdown"] == "all")]
    own = own.set_index("dimension").reindex([d.key for d in inputs.dimensions]).reset_index().dropna(subset=["school"])
    figures: dict[str, object] = {"summary": charts.summary_figure(own, labels, w)}
    predictors = [d.key for d in inputs.dimensions if not d.is_overall]
    rows = own[own["dimension"].isin(predictors)]
    if predictors and (rows["importance"].notna() & rows["gap"].notna()).any():
        # the importance line (METHOD.md): 100 / number of predictors, whichever of them are shown
        numbers = {d.key: str(position) for position, d in enumerate(inputs.dimensions, start=1)}
        figures["priority"] = charts.priority_figure(rows, numbers, w, first(rows, "importance_line") or 100 / len(predictors))
    for dimension, items in item_rows(inputs).items():
        if not items:
            continue
        figures[f"items:{dimension}"] = charts.item_figure(
            [r["number"] for r in items], [r["mean_value"] for r in items], [r["network_value"] for r in items], w)
        figures.update(_distributions(inputs, dimension, items))
    return figures


def _distributions(inputs: SchoolReportInputs, dimension: str, items: list[dict]) -> dict[str, object]:
    """One distribution per scale and wording direction (items of one dimension may answer on different
    scales, and a reverse-worded item's most positive answer is its first point). With non-substantive
    options, every share is of all who saw the item, so the grey options stack onto the same 100 %."""
    published = [r for r in items if r["shares"] is not None and r["scale"]]
    ns_labels = [label for _, label in non_substantive_keys(inputs, dimension)]
    figures = {}
    kinds = dict.fromkeys((tuple(r["scale"]), r["reverse"]) for r in published)
    for position, (scale, reverse) in enumerate(kinds):
        same = [r for r in published if tuple(r["scale"]) == scale and r["reverse"] == reverse]
        shares, ns = [], [[] for _ in ns_labels]
        for r in same:
            seen = [0.0 if v is None else float(v) for v in r["ns_shares"]]
            substantive = 1.0 - sum(seen)
            shares.append([None if s is None else s * substantive for s in r["shares"]])
            for j, v in enumerate(seen):
                ns[j].append(v)
        grey = [(label, values) for label, values in zip(ns_labels, ns) if any(values)]
        name = f"distribution:{dimension}" + (f":{position}" if position else "")
        figures[name] = charts.distribution_figure([r["number"] for r in same], shares, list(scale), inputs.language,
                                                   reverse=reverse, non_substantive=grey)
    return figures


def network_figures(inputs: NetworkReportInputs) -> dict[str, object]:
    """The network report's charts: "spread" (a box per dimension), "funnel" (overall satisfaction) and
    "outcome:<indicator>:<dimension>" (schools' index against their outcome value)."""
    w = words(inputs.language)
    rows = inputs.aggregates[(inputs.aggregates["school"] != NETWORK) & (inputs.aggregates["breakdown"] == "all")]
    figures: dict[str, object] = {"spread": charts.spread_figure(rows, [(d.key, d.label) for d in inputs.dimensions], w)}
    points, target, sd = funnel_points(inputs)
    if len(points) and target is not None and sd is not None:
        figures["funnel"] = charts.funnel_figure(points, target, sd, w)
    if inputs.outcomes is not None:
        figures.update(_outcome_figures(inputs, w))
    return figures


def _outcome_figures(inputs: NetworkReportInputs, w: dict[str, str]) -> dict[str, object]:
    """A scatter per (outcome indicator, dimension) with at least `MIN_SCHOOLS` schools: with fewer, the
    report gives neither the chart nor r."""
    points, _ = points_and_correlations(inputs)
    labels = {d.key: d.label for d in inputs.dimensions}
    figures = {}
    for indicator in inputs.outcomes.indicators:
        title = f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label
        for dimension in labels:
            pairs = points[(points["indicator"] == indicator.key) & (points["dimension"] == dimension)]
            if len(pairs) >= MIN_SCHOOLS:
                figures[chart_name(indicator.key, dimension)] = charts.outcome_scatter_figure(
                    pairs["index"].tolist(), pairs["value"].tolist(), f"{labels[dimension]}: {w['index']}", title)
    return figures
