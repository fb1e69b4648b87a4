"""The report's charts as plotly figures: the single definition of each chart.

The portal shows them interactively (plotly.js); the PDF gets static SVG from `survey.reporting.svg`,
which draws the same figure object. Every figure sets its size, margins, ranges and category order
explicitly, so the interactive and the static chart agree.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from survey.reporting.format import DECIMAL_COMMA

SCHOOL = "#0b5cad"
NETWORK = "#6b7280"
TOP = "#15803d"
FONT = "DejaVu Sans, Liberation Sans, sans-serif"
# Answer options from the most negative (1) to the most positive (k).
DIVERGING = {
    2: ["#c2410c", "#15803d"],
    3: ["#c2410c", "#d1d5db", "#15803d"],
    4: ["#c2410c", "#fdba74", "#86efac", "#15803d"],
    5: ["#c2410c", "#fdba74", "#e5e7eb", "#86efac", "#15803d"],
    6: ["#9a3412", "#c2410c", "#fdba74", "#86efac", "#22c55e", "#15803d"],
    7: ["#9a3412", "#c2410c", "#fdba74", "#e5e7eb", "#86efac", "#22c55e", "#15803d"],
}


def _layout(width: int, height: int, left: int = 60, top: int = 40, bottom: int = 40, **extra) -> dict:
    layout = dict(width=width, height=height, margin=dict(l=left, r=20, t=top, b=bottom, pad=0),
                  font=dict(family=FONT, size=11, color="#1d2330"), plot_bgcolor="white",
                  paper_bgcolor="white", showlegend=True, template="none",
                  legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom"))
    layout.update(extra)
    return layout


def _values(series: pd.Series) -> list:
    return [None if pd.isna(v) else float(v) for v in series]


def summary_figure(rows: pd.DataFrame, labels: dict[str, str], words: dict[str, str]) -> go.Figure:
    """Each dimension's index with its interval, the network mean and the top quartile (0-100)."""
    rows = rows[~rows["suppressed"].astype(bool)]
    names = [labels.get(d, d) for d in rows["dimension"]]
    index = np.asarray(_values(rows["index"]), dtype=float)
    fig = go.Figure(layout=_layout(640, 40 + 28 * max(len(rows), 1) + 40, left=190))
    fig.add_trace(go.Scatter(
        x=_values(rows["top_quartile"]), y=names, mode="markers", name=words["top_quartile"],
        marker=dict(symbol="line-ns", size=14, color=TOP, line=dict(width=2, color=TOP))))
    fig.add_trace(go.Scatter(
        x=_values(rows["network_mean"]), y=names, mode="markers", name=words["network_mean"],
        marker=dict(symbol="diamond", size=9, color=NETWORK)))
    fig.add_trace(go.Scatter(
        x=index.tolist(), y=names, mode="markers", name=words["you"],
        error_x=dict(type="data", symmetric=False, array=(np.asarray(_values(rows["ci_high"]), float) - index).tolist(),
                     arrayminus=(index - np.asarray(_values(rows["ci_low"]), float)).tolist(),
                     color=SCHOOL, thickness=1.5, width=4),
        marker=dict(symbol="circle", size=9, color=SCHOOL)))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 20, 40, 60, 80, 100], showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=names, autorange="reversed")
    return fig


def priority_figure(rows: pd.DataFrame, labels: dict[str, str], words: dict[str, str],
                    network_level: float, mean_importance: float) -> go.Figure:
    """Priority map: x = importance (% of R²), y = the school's index; lines at the mean importance
    (100 / the number of dimensions in the structural analysis, where the quadrants are split, however many of
    them are shown) and at the network mean of the dimension indices."""
    rows = rows[~rows["suppressed"].astype(bool) & rows["importance"].notna()]
    x = _values(rows["importance"])
    y = _values(rows["index"])
    x_max = max([mean_importance * 2, *[v for v in x if v is not None]]) * 1.15
    y_values = [v for v in y if v is not None] + [network_level]
    y_low, y_high = min(y_values) - 8, max(y_values) + 8
    fig = go.Figure(layout=_layout(640, 400, left=50, top=20, bottom=45, showlegend=False))
    fig.add_trace(go.Scatter(
        x=x, y=y, mode="markers+text", text=[labels.get(d, d) for d in rows["dimension"]],
        textposition="top center", marker=dict(symbol="circle", size=10, color=SCHOOL), name=words["you"]))
    line = dict(color=NETWORK, width=1, dash="dash")
    fig.add_shape(type="line", xref="x", yref="paper", x0=mean_importance, x1=mean_importance, y0=0, y1=1, line=line)
    fig.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=network_level, y1=network_level, line=line)
    corners = [("Improve first", 1, 0, "right", "bottom"), ("Keep up", 1, 1, "right", "top"),
               ("Watch", 0, 0, "left", "bottom"), ("Maintain", 0, 1, "left", "top")]
    for quadrant, cx, cy, xanchor, yanchor in corners:
        fig.add_annotation(text=words[quadrant], xref="paper", yref="paper", x=cx, y=cy, showarrow=False,
                           xanchor=xanchor, yanchor=yanchor, font=dict(size=11, color=NETWORK))
    fig.update_xaxes(range=[0, x_max], title_text=words["importance"], showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(range=[y_low, y_high], title_text=words["index"], showgrid=True, gridcolor="#e5e7eb")
    return fig


def item_figure(numbers: list[str], school_means: list, network_means: list, words: dict[str, str]) -> go.Figure:
    """The dimension's items (numbered as in the table beside it): the school's mean against the network's."""
    fig = go.Figure(layout=_layout(640, 60 + 34 * max(len(numbers), 1), left=40, barmode="group",
                                   bargap=0.25))
    fig.add_trace(go.Bar(x=school_means, y=numbers, orientation="h", name=words["you"], marker=dict(color=SCHOOL)))
    fig.add_trace(go.Bar(x=network_means, y=numbers, orientation="h", name=words["network_mean"],
                         marker=dict(color=NETWORK)))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 20, 40, 60, 80, 100], showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=numbers, autorange="reversed")
    return fig


def distribution_figure(numbers: list[str], shares: list[list], scale_labels: list[str],
                        language: str = "da") -> go.Figure:
    """Stacked answer shares per item (rows: items; columns: answer options 1..k), in percent."""
    k = len(scale_labels)
    colors = DIVERGING.get(k, DIVERGING[5] if k > 7 else DIVERGING[5][:k])
    fig = go.Figure(layout=_layout(640, 60 + 26 * max(len(numbers), 1), left=40, barmode="stack", bargap=0.3))
    for option in range(k):
        fig.add_trace(go.Bar(
            x=[None if row[option] is None else row[option] * 100 for row in shares], y=numbers, orientation="h",
            name=scale_labels[option], marker=dict(color=colors[option % len(colors)])))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 25, 50, 75, 100], ticksuffix=" %" if language in DECIMAL_COMMA else "%",
                     showgrid=False)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=numbers, autorange="reversed")
    return fig


def spread_figure(rows: pd.DataFrame, dimensions: list[tuple[str, str]], words: dict[str, str]) -> go.Figure:
    """The spread of every dimension over the published schools: a box per dimension and the network mean."""
    published = rows[~rows["suppressed"].astype(bool) & rows["index"].notna()]
    fig = go.Figure(layout=_layout(700, 420, left=50, top=30, bottom=110, showlegend=False))
    for key, label in dimensions:
        values = published.loc[published["dimension"] == key, "index"].astype(float).tolist()
        fig.add_trace(go.Box(y=values, x=[label] * len(values), name=label, quartilemethod="linear",
                             boxpoints="outliers", marker=dict(color=SCHOOL), line=dict(color=SCHOOL, width=1),
                             fillcolor="rgba(11,92,173,0.15)"))
    fig.update_yaxes(range=[0, 100], title_text=words["index"], showgrid=True, gridcolor="#e5e7eb")
    fig.update_xaxes(type="category", tickangle=-30)
    return fig
