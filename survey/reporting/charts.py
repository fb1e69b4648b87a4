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
# Answer options coloured by meaning, from the most negative (red) through a neutral middle (pale amber) to the
# most positive (green), whatever the order the scale is shown in or whether the item is reverse-worded.
MEANING_ANCHORS = ("#c2410c", "#fdba74", "#fef3c7", "#86efac", "#15803d")
NON_SUBSTANTIVE = "#9ca3af"  # "don't know", "not applicable": no place on the scale, grey


def _mix(a: str, b: str, t: float) -> str:
    pa, pb = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(pa, pb))


def meaning_colours(k: int) -> list[str]:
    """k colours for the points of a k-point scale, least positive first (2 <= k <= 11)."""
    if k == 1:
        return [MEANING_ANCHORS[-1]]
    colours = []
    for i in range(k):
        position = i / (k - 1) * (len(MEANING_ANCHORS) - 1)
        low = min(int(position), len(MEANING_ANCHORS) - 2)
        colours.append(_mix(MEANING_ANCHORS[low], MEANING_ANCHORS[low + 1], position - low))
    return colours


def _layout(width: int, height: int, left: int = 60, top: int = 40, bottom: int = 40, **extra) -> dict:
    layout = dict(width=width, height=height, margin=dict(l=left, r=20, t=top, b=bottom, pad=0),
                  font=dict(family=FONT, size=11, color="#1d2330"), plot_bgcolor="white",
                  paper_bgcolor="white", showlegend=True, template="none",
                  legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom"))
    layout.update(extra)
    return layout


def wrap_label(text: str, width: int = 30) -> str:
    """A category label broken at spaces into lines of about `width` characters ("<br>" between them, which
    plotly and `survey.reporting.svg` both draw), so a long dimension name is shown whole, never cut."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])


def _values(series: pd.Series) -> list:
    return [None if pd.isna(v) else float(v) for v in series]


def summary_figure(rows: pd.DataFrame, labels: dict[str, str], words: dict[str, str]) -> go.Figure:
    """Each dimension's index with its interval, the network mean and the top quartile (0-100)."""
    rows = rows[~rows["suppressed"].astype(bool)]
    names = [wrap_label(labels.get(d, d)) for d in rows["dimension"]]
    lines = [name.count("<br>") + 1 for name in names] or [1]
    longest = max((len(line) for name in names for line in name.split("<br>")), default=10)
    index = np.asarray(_values(rows["index"]), dtype=float)
    fig = go.Figure(layout=_layout(640, 80 + sum(14 + 13 * count for count in lines), left=min(40 + 6.2 * longest, 240)))
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


def priority_figure(rows: pd.DataFrame, numbers: dict[str, str], words: dict[str, str],
                    importance_line: float) -> go.Figure:
    """Priority map (METHOD.md v2): x = importance (% of R²) with its bootstrap interval, y = the school's
    index minus the network's (the gap) with its interval; lines at the mean importance (100 / the number of
    predictors, however many of them are shown) and at gap 0. An "uncertain" dimension (an interval straddling
    a line) is drawn as an open circle. Points are labelled with the dimension's number in the table beside
    the map (`numbers`: dimension key -> number), which holds the full names: a name never crowds the map."""
    rows = rows[~rows["suppressed"].astype(bool) & rows["importance"].notna() & rows["gap"].notna()]
    uncertain = rows["uncertain"].fillna(False).astype(bool) if "uncertain" in rows.columns else rows["gap"].isna()
    x, y = np.asarray(_values(rows["importance"]), float), np.asarray(_values(rows["gap"]), float)
    x_low, x_high = (np.asarray(_values(rows[c]), float) for c in ("importance_low", "importance_high"))
    y_low, y_high = (np.asarray(_values(rows[c]), float) for c in ("gap_low", "gap_high"))
    x_max = np.nanmax([importance_line * 2, *x, *x_high]) * 1.12
    y_span = max(5.0, float(np.nanmax(np.abs([*y, *y_low, *y_high, 0.0])))) * 1.15
    fig = go.Figure(layout=_layout(640, 420, left=55, top=20, bottom=45, showlegend=False))
    for shown, symbol in ((~uncertain, "circle"), (uncertain, "circle-open")):
        mask = shown.to_numpy()
        if not mask.any():
            continue
        fig.add_trace(go.Scatter(
            x=x[mask].tolist(), y=y[mask].tolist(), mode="markers+text",
            text=[numbers.get(d, d) for d in rows["dimension"][mask]], textposition="top center",
            error_x=dict(type="data", symmetric=False, array=(x_high - x)[mask].tolist(),
                         arrayminus=(x - x_low)[mask].tolist(), color="#93b4d8", thickness=1, width=3),
            error_y=dict(type="data", symmetric=False, array=(y_high - y)[mask].tolist(),
                         arrayminus=(y - y_low)[mask].tolist(), color="#93b4d8", thickness=1, width=3),
            marker=dict(symbol=symbol, size=10, color=SCHOOL, line=dict(width=2, color=SCHOOL)), name=words["you"]))
    line = dict(color=NETWORK, width=1, dash="dash")
    fig.add_shape(type="line", xref="x", yref="paper", x0=importance_line, x1=importance_line, y0=0, y1=1, line=line)
    fig.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=0, y1=0, line=line)
    corners = [("Improve first", 1, 0, "right", "bottom"), ("Keep up", 1, 1, "right", "top"),
               ("Watch", 0, 0, "left", "bottom"), ("Maintain", 0, 1, "left", "top")]
    for quadrant, cx, cy, xanchor, yanchor in corners:
        fig.add_annotation(text=words[quadrant], xref="paper", yref="paper", x=cx, y=cy, showarrow=False,
                           xanchor=xanchor, yanchor=yanchor, font=dict(size=11, color=NETWORK))
    fig.update_xaxes(range=[0, x_max], title_text=words["importance"], showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(range=[-y_span, y_span], title_text=words["gap"], showgrid=True, gridcolor="#e5e7eb")
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
                        language: str = "da", *, reverse: bool = False,
                        non_substantive: list[tuple[str, list]] | None = None) -> go.Figure:
    """Stacked answer shares per item (rows: items), in percent, the options in order of meaning from the
    least to the most positive and coloured so: the most positive answer is green whatever the order the
    scale is shown in. `shares`: per item the shares of raw codes 1..k (as given, before any reverse flip);
    `reverse`: the items are reverse-worded, so code 1 is the most positive. `non_substantive`: (label,
    share per item) of each non-substantive option, stacked after the scale in grey."""
    k = len(scale_labels)
    colours = meaning_colours(k)
    codes = list(range(k))[::-1] if reverse else list(range(k))
    legend_width = sum(30 + 0.58 * 11 * len(label) for label in scale_labels
                       + [label for label, _ in non_substantive or []])
    legend_rows = int(legend_width // 560) + 1
    fig = go.Figure(layout=_layout(640, 40 + 18 * legend_rows + 26 * max(len(numbers), 1), left=40,
                                   top=20 + 18 * legend_rows, barmode="stack", bargap=0.3))
    for meaning, code in enumerate(codes):
        fig.add_trace(go.Bar(
            x=[None if row[code] is None else row[code] * 100 for row in shares], y=numbers, orientation="h",
            name=scale_labels[code], marker=dict(color=colours[meaning])))
    for label, values in non_substantive or []:
        fig.add_trace(go.Bar(x=[None if v is None else v * 100 for v in values], y=numbers, orientation="h",
                             name=label, marker=dict(color=NON_SUBSTANTIVE)))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 25, 50, 75, 100], ticksuffix=" %" if language in DECIMAL_COMMA else "%",
                     showgrid=False)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=numbers, autorange="reversed")
    return fig


def spread_figure(rows: pd.DataFrame, dimensions: list[tuple[str, str]], words: dict[str, str]) -> go.Figure:
    """The spread of every dimension over the published schools: a box per dimension, numbered 1.. in the
    order of `dimensions` (key, label) as in the table beside it, which holds the names."""
    published = rows[~rows["suppressed"].astype(bool) & rows["index"].notna()]
    fig = go.Figure(layout=_layout(700, 380, left=50, top=30, bottom=50, showlegend=False))
    for number, (key, label) in enumerate(dimensions, start=1):
        values = published.loc[published["dimension"] == key, "index"].astype(float).tolist()
        fig.add_trace(go.Box(y=values, x=[str(number)] * len(values), name=label, quartilemethod="linear",
                             boxpoints="outliers", marker=dict(color=SCHOOL), line=dict(color=SCHOOL, width=1),
                             fillcolor="rgba(11,92,173,0.15)"))
    fig.update_yaxes(range=[0, 100], title_text=words["index"], showgrid=True, gridcolor="#e5e7eb")
    fig.update_xaxes(type="category", title_text=words["dimension"])
    return fig


def funnel_figure(points: pd.DataFrame, target: float, sd: float, words: dict[str, str]) -> go.Figure:
    """Funnel plot (METHOD.md, Benchmark): each published school's index against its n, the network index
    and its 95% and 99.8% control limits, target ± z x sd / sqrt(n) (z = 1.96 and 3.09), drawn within the
    plotted range.
    `points`: columns n and index."""
    n = pd.to_numeric(points["n"], errors="coerce").to_numpy(float)
    index = pd.to_numeric(points["index"], errors="coerce").to_numpy(float)
    high = float(np.nanmax(n)) * 1.08 if len(n) else 100.0
    grid = np.linspace(max(2.0, float(np.nanmin(n)) * 0.8) if len(n) else 2.0, high, 60)
    values = [*index[~np.isnan(index)], target]
    y_low, y_high = max(0.0, min(values) - 10), min(100.0, max(values) + 10)
    fig = go.Figure(layout=_layout(640, 400, left=55, top=40, bottom=45))
    for z, name, dash in ((1.96, words["limit_95"], "dash"), (3.09, words["limit_998"], "dot")):
        for sign, legend in ((1, True), (-1, False)):
            limit = np.clip(target + sign * z * sd / np.sqrt(grid), y_low, y_high)
            fig.add_trace(go.Scatter(x=grid.tolist(), y=limit.tolist(), mode="lines", name=name, showlegend=legend,
                                     line=dict(color=NETWORK, width=1, dash=dash)))
    fig.add_trace(go.Scatter(x=[0, high], y=[target, target], mode="lines", name=words["network_mean"],
                             line=dict(color=TOP, width=1.5)))
    fig.add_trace(go.Scatter(x=n.tolist(), y=index.tolist(), mode="markers", name=words["schools"],
                             marker=dict(symbol="circle", size=7, color=SCHOOL)))
    fig.update_xaxes(range=[0, high], title_text="n", showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(range=[y_low, y_high], title_text=words["index"],
                     showgrid=True, gridcolor="#e5e7eb")
    return fig


def outcome_scatter_figure(index: list[float], value: list[float], x_title: str, y_title: str) -> go.Figure:
    """Schools as points: a dimension's school index (x, 0-100 scale zoomed to the schools' range) against an
    outcome indicator's value (y). No fitted line: the report gives r with its interval, and a line would
    read as a prediction."""
    x = np.asarray(index, float)
    y = np.asarray(value, float)
    x_pad = max(2.0, float(np.ptp(x)) * 0.08) if len(x) else 5.0
    y_pad = max(abs(float(np.nanmax(y))) * 0.02, float(np.ptp(y)) * 0.08, 0.5) if len(y) else 1.0
    fig = go.Figure(layout=_layout(330, 260, left=52, top=14, bottom=42, showlegend=False))
    fig.add_trace(go.Scatter(x=x.tolist(), y=y.tolist(), mode="markers", name=y_title,
                             marker=dict(symbol="circle", size=7, color=SCHOOL)))
    fig.update_xaxes(range=[max(0.0, float(np.nanmin(x)) - x_pad) if len(x) else 0.0,
                            min(100.0, float(np.nanmax(x)) + x_pad) if len(x) else 100.0],
                     title_text=x_title, showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(range=[float(np.nanmin(y)) - y_pad if len(y) else 0.0,
                            float(np.nanmax(y)) + y_pad if len(y) else 1.0],
                     title_text=y_title, showgrid=True, gridcolor="#e5e7eb")
    return fig
