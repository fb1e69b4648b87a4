"""The dashboard's interactive charts: the report's charts for a screen, in the reader's language.

The PDF's figures (`survey.reporting.charts`) are drawn at a fixed width with the index's raw float as hover
text. On screen a chart fills its column (down to a 360 px phone), a dimension's full name wraps instead of
being cut, and every hover label is text written by `survey.reporting.format` (decimal comma in Danish and
Swedish), so the label says what the table beside it says. Colours are the report's.
"""
from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from survey.reporting.charts import DIVERGING, FONT, NETWORK, SCHOOL, TOP
from survey.reporting.format import DECIMAL_COMMA
from survey.results.dashboard.tables import DimensionRow

HOVER = "%{hovertext}<extra></extra>"
WRAP = 22  # characters a line of a dimension's name holds on the axis (a phone's width)


def wrapped(text: str, width: int = WRAP) -> str:
    """A name broken into lines for an axis label: every word kept, none cut."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _layout(language: str, height: int, left: int, **extra) -> dict:
    layout = dict(autosize=True, height=height, margin=dict(l=left, r=12, t=36, b=40),
                  font=dict(family=FONT, size=12, color="#1d2330"), plot_bgcolor="white", paper_bgcolor="white",
                  template="none", separators=",." if language in DECIMAL_COMMA else ".,",
                  legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom"),
                  hoverlabel=dict(align="left", namelength=-1))
    layout.update(extra)
    return layout


def summary_figure(rows: list[DimensionRow], words: dict[str, str], language: str) -> go.Figure:
    """Each published dimension's index with its interval, the network mean and the top quartile."""
    rows = [row for row in rows if row.index_value is not None]
    names = [wrapped(row.label) for row in rows]
    lines = sum(name.count("<br>") + 1 for name in names)
    fig = go.Figure(layout=_layout(language, 90 + 20 * max(lines, 1) + 8 * len(rows), left=150))
    fig.add_trace(go.Scatter(
        x=[row.top_value for row in rows], y=names, mode="markers", name=words["top_quartile"],
        hovertext=[f"{row.label}<br>{words['top_quartile']}: {row.top}" for row in rows], hovertemplate=HOVER,
        marker=dict(symbol="line-ns", size=14, color=TOP, line=dict(width=2, color=TOP))))
    fig.add_trace(go.Scatter(
        x=[row.network_value for row in rows], y=names, mode="markers", name=words["network_mean"],
        hovertext=[f"{row.label}<br>{words['network_mean']}: {row.network}" for row in rows], hovertemplate=HOVER,
        marker=dict(symbol="diamond", size=9, color=NETWORK)))
    fig.add_trace(go.Scatter(
        x=[row.index_value for row in rows], y=names, mode="markers", name=words["you"],
        hovertext=[f"{row.label}<br>{words['index']}: {row.index} ({row.interval}), n = {row.n}" for row in rows],
        hovertemplate=HOVER,
        error_x=dict(type="data", symmetric=False, color=SCHOOL, thickness=1.5, width=4,
                     array=[(row.ci_high - row.index_value) if row.ci_high is not None else 0 for row in rows],
                     arrayminus=[(row.index_value - row.ci_low) if row.ci_low is not None else 0 for row in rows]),
        marker=dict(symbol="circle", size=9, color=SCHOOL)))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 20, 40, 60, 80, 100], showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=names, autorange="reversed",
                     automargin=True)
    return fig


def priority_figure(rows: list[DimensionRow], line: float, words: dict[str, str], language: str) -> go.Figure:
    """The priority map on the gap (METHOD.md): x = importance with its interval, y = the school's index minus
    the network's with its interval; lines at the mean importance and at gap 0. An "uncertain" dimension is an
    open circle and says so in its label."""
    rows = [row for row in rows if row.importance_value is not None and row.gap_value is not None]
    fig = go.Figure(layout=_layout(language, 420, left=56, showlegend=False))
    fig.add_trace(go.Scatter(
        x=[row.importance_value for row in rows], y=[row.gap_value for row in rows], mode="markers",
        hovertext=[f"{row.label}<br>{words['importance']}: {row.importance} ({row.importance_interval})"
                   f"<br>{words['gap']}: {row.gap} ({row.gap_interval})<br>{words[row.quadrant]}"
                   + (f" · {words['uncertain']}" if row.uncertain else "") for row in rows],
        hovertemplate=HOVER,
        error_x=dict(type="data", symmetric=False, color=SCHOOL, thickness=1, width=3,
                     array=[(row.importance_high or row.importance_value) - row.importance_value for row in rows],
                     arrayminus=[row.importance_value - (row.importance_low or row.importance_value) for row in rows]),
        error_y=dict(type="data", symmetric=False, color=SCHOOL, thickness=1, width=3,
                     array=[(row.gap_high if row.gap_high is not None else row.gap_value) - row.gap_value
                            for row in rows],
                     arrayminus=[row.gap_value - (row.gap_low if row.gap_low is not None else row.gap_value)
                                 for row in rows]),
        marker=dict(size=11, color=SCHOOL, line=dict(width=2, color=SCHOOL),
                    symbol=["circle-open" if row.uncertain else "circle" for row in rows])))
    fig.add_trace(go.Scatter(
        x=[row.importance_value for row in rows], y=[row.gap_value for row in rows], mode="text",
        text=[wrapped(row.label, 18) for row in rows], textposition="top center", hoverinfo="skip",
        textfont=dict(size=11)))
    dash = dict(color=NETWORK, width=1, dash="dash")
    fig.add_shape(type="line", xref="x", yref="paper", x0=line, x1=line, y0=0, y1=1, line=dash)
    fig.add_shape(type="line", xref="paper", yref="y", x0=0, x1=1, y0=0, y1=0, line=dash)
    for quadrant, x, y, xanchor, yanchor in (("Improve first", 1, 0, "right", "bottom"),
                                             ("Keep up", 1, 1, "right", "top"), ("Watch", 0, 0, "left", "bottom"),
                                             ("Maintain", 0, 1, "left", "top")):
        fig.add_annotation(text=words[quadrant], xref="paper", yref="paper", x=x, y=y, showarrow=False,
                           xanchor=xanchor, yanchor=yanchor, font=dict(size=11, color=NETWORK))
    highs = [row.importance_high or row.importance_value for row in rows]
    gaps = [abs(v) for row in rows for v in (row.gap_low, row.gap_high, row.gap_value) if v is not None]
    reach = max(gaps, default=5) * 1.2 + 2
    fig.update_xaxes(range=[0, max([line * 2, *highs]) * 1.1], title_text=words["importance"], showgrid=True,
                     gridcolor="#e5e7eb")
    fig.update_yaxes(range=[-reach, reach], title_text=words["gap"], showgrid=True, gridcolor="#e5e7eb",
                     zeroline=False)
    return fig


def item_figure(items: list[dict], words: dict[str, str], language: str) -> go.Figure:
    """A dimension's items, numbered as in the table: the school's mean beside the network's."""
    numbers = [item["number"] for item in items]
    fig = go.Figure(layout=_layout(language, 80 + 34 * max(len(items), 1), left=36, barmode="group", bargap=0.25))
    for name, key, text, color in ((words["you"], "mean_value", "mean", SCHOOL),
                                   (words["network_mean"], "network_value", "network", NETWORK)):
        fig.add_trace(go.Bar(
            x=[item[key] for item in items], y=numbers, orientation="h", name=name, marker=dict(color=color),
            hovertext=[f"{item['number']}. {wrapped(item['text'], 40)}<br>{name}: {item[text]}" for item in items],
            hovertemplate=HOVER))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 20, 40, 60, 80, 100], showgrid=True, gridcolor="#e5e7eb")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=numbers, autorange="reversed")
    return fig


def distribution_figure(items: list[dict], scale: list[str], language: str) -> go.Figure:
    """The answers to items of one scale, stacked from the most negative option to the most positive."""
    k = len(scale)
    colors = DIVERGING.get(k, DIVERGING[5])
    numbers = [item["number"] for item in items]
    fig = go.Figure(layout=_layout(language, 100 + 28 * max(len(items), 1), left=36, barmode="stack", bargap=0.3))
    for option, label in enumerate(scale):
        fig.add_trace(go.Bar(
            x=[item["shares"][option] * 100 for item in items], y=numbers, orientation="h", name=label,
            marker=dict(color=colors[option % len(colors)]),
            hovertext=[f"{item['number']}. {wrapped(item['text'], 40)}<br>{label}: {item['share_texts'][option]}"
                       for item in items], hovertemplate=HOVER))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 25, 50, 75, 100],
                     ticksuffix=" %" if language in DECIMAL_COMMA else "%", showgrid=False)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=numbers, autorange="reversed")
    return fig
