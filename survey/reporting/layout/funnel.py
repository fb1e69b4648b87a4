"""The funnel plot's data (METHOD.md, Benchmark): one dimension's published school indices against their n."""
from __future__ import annotations

import pandas as pd

from survey.reporting.inputs import NETWORK, NetworkReportInputs
from survey.reporting.layout.columns import with_method_columns


def funnel_dimension(inputs: NetworkReportInputs) -> str:
    """The funnel plot's dimension: overall satisfaction when the questionnaire names it, else the first."""
    return next((d.key for d in inputs.dimensions if d.is_overall), inputs.dimensions[0].key)


def funnel_points(inputs: NetworkReportInputs) -> tuple[pd.DataFrame, float | None, float | None]:
    """The published schools' n, index and response rate on the funnel's dimension, and the network's index
    and sd."""
    agg = with_method_columns(inputs.aggregates)
    agg = agg[(agg["breakdown"] == "all") & (agg["dimension"] == funnel_dimension(inputs))]
    schools = agg[(agg["school"] != NETWORK) & ~agg["suppressed"].astype(bool) & agg["index"].notna()]
    network = agg[agg["school"] == NETWORK]
    target = float(network["index"].iloc[0]) if len(network) and pd.notna(network["index"].iloc[0]) else None
    sd = float(network["sd"].iloc[0]) if len(network) and pd.notna(network["sd"].iloc[0]) else None
    return schools[["school", "n", "index", "response_rate"]].reset_index(drop=True), target, sd
