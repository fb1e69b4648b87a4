"""The network report's outcomes section: per outcome indicator and dimension, the schools' index of the round
against their outcome value of the round's year (or the latest year before it), Pearson's r with its 95%
interval and the number of schools (`survey.analysis.outcome_correlation`); the scatter charts; and the table
of the points, the charts' text alternative. Suppressed school cells are left out (shown "–" in the table);
with fewer than 5 schools no r is given. Pure Python, no WeasyPrint."""
from __future__ import annotations

import pandas as pd

from survey.analysis.outcome_correlation import MIN_SCHOOLS, outcome_correlations, outcome_points
from survey.reporting.format import MINUS, format_index, format_number
from survey.reporting.inputs import NETWORK, NetworkReportInputs
from survey.reporting.layout.cells import column_groups


def chart_name(indicator: str, dimension: str) -> str:
    return f"outcome:{indicator}:{dimension}"


def school_indices(inputs: NetworkReportInputs) -> pd.DataFrame:
    """The schools' `all` rows of the round: school, dimension, index, suppressed."""
    agg = inputs.aggregates
    rows = agg[(agg["school"] != NETWORK) & (agg["breakdown"] == "all")]
    return rows[["school", "dimension", "index", "suppressed"]].reset_index(drop=True)


def points_and_correlations(inputs: NetworkReportInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    outcomes = inputs.outcomes
    points = outcome_points(school_indices(inputs), outcomes.values, outcomes.year)
    return points, outcome_correlations(points)


def format_r(value, language: str) -> str:
    """A correlation with two decimals and a true minus sign: "0,41", "−0,12"; "–" when missing."""
    return format_number(value, language, 2).replace("-", MINUS)


def format_r_interval(low, high, language: str) -> str:
    """"[−0,12; 0,55]": brackets and a semicolon, as the report's other signed intervals."""
    if pd.isna(low) or pd.isna(high):
        return "–"
    return f"[{format_r(low, language)}; {format_r(high, language)}]"


def format_value(value, language: str) -> str:
    """An outcome value with up to two decimals, as the source gives it: "72,5", "12"."""
    if pd.isna(value):
        return "–"
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if language in ("da", "sv") else text).replace("-", MINUS)


def outcome_sections(inputs: NetworkReportInputs, names: dict[str, str], w: dict[str, str],
                     svgs: dict[str, str]) -> list[dict]:
    """One section per indicator: its correlations with every dimension, its charts and its table."""
    if inputs.outcomes is None:
        return []
    lang = inputs.language
    points, correlations = points_and_correlations(inputs)
    indices = school_indices(inputs)
    sections = []
    for indicator in inputs.outcomes.indicators:
        own_points = points[points["indicator"] == indicator.key]
        direction = w["higher_is_better"] if indicator.direction == "higher_is_better" else w["lower_is_better"]
        title = f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label
        rows, charts = [], []
        for dim in inputs.dimensions:
            found = correlations[(correlations["indicator"] == indicator.key) & (correlations["dimension"] == dim.key)]
            n = int(found["n"].iloc[0]) if len(found) else 0
            shown = n >= MIN_SCHOOLS and len(found) and pd.notna(found["r"].iloc[0])
            rows.append({"label": dim.label, "n": str(n),
                         "r": format_r(found["r"].iloc[0], lang) if shown else "–",
                         "interval": format_r_interval(found["ci_low"].iloc[0], found["ci_high"].iloc[0], lang)
                         if shown else "–"})
            svg = svgs.get(chart_name(indicator.key, dim.key))
            if svg:
                charts.append({"label": dim.label, "svg": svg, "r": rows[-1]["r"], "interval": rows[-1]["interval"],
                               "n": rows[-1]["n"]})
        table = []
        for school in sorted(own_points["school"].unique(), key=lambda code: names.get(code, code)):
            point = own_points[own_points["school"] == school].iloc[0]
            cells = indices[indices["school"] == school].set_index("dimension")
            table.append({"name": names.get(school, school), "value": format_value(point["value"], lang),
                          "year": str(int(point["year"])),
                          "values": ["–" if k not in cells.index or bool(cells.at[k, "suppressed"])
                                     else format_index(cells.at[k, "index"], lang)
                                     for k in (d.key for d in inputs.dimensions)]})
        sections.append({"key": indicator.key, "title": title, "direction": direction, "rows": rows,
                         "charts": charts, "table": table,
                         "column_groups": column_groups(len(inputs.dimensions))})
    return sections
