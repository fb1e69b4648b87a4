"""The dashboard's interactive charts: the report's charts for a screen, in the reader's language.

The PDF's figures (`survey.reporting.charts`) are drawn at a fixed width with the index's raw float as hover
text. On screen a chart fills its column (down to a 360 px phone), a dimension's full name wraps instead of
being cut, and every hover label is text written by `survey.reporting.format` (decimal comma in Danish and
Swedish), so the label says what the table beside it says. Colours are the report's.

Each figure is plotly.js's JSON as plain dicts (`data`, `layout`): building plotly's Python objects validates
every property and cost most of a dashboard's time at a million responses; the browser validates anyway.
"""
from __future__ import annotations

import textwrap

from survey.reporting.charts import FONT, NETWORK, SCHOOL, TOP, meaning_colours
from survey.reporting.format import DECIMAL_COMMA
from survey.results.dashboard.tables import DimensionRow

HOVER = "%{hovertext}<extra></extra>"
WRAP = 22  # characters a line of a dimension's name holds on the axis (a phone's width)
GRID = "#e5e7eb"


def wrapped(text: str, width: int = WRAP) -> str:
    """A name broken into lines for an axis label: every word kept, none cut."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _figure(language: str, height: int, left: int, data: list[dict], **layout) -> dict:
    base = dict(autosize=True, height=height, margin=dict(l=left, r=12, t=36, b=40),
                font=dict(family=FONT, size=12, color="#1d2330"), plot_bgcolor="white", paper_bgcolor="white",
                separators=",." if language in DECIMAL_COMMA else ".,", showlegend=True,
                legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom"),
                hoverlabel=dict(align="left", namelength=-1))
    base.update(layout)
    return {"data": data, "layout": base}


def _percent_axis(ticks: list[int], grid: bool = True) -> dict:
    return dict(range=[0, 100], tickvals=ticks, showgrid=grid, gridcolor=GRID)


def _categories(names: list[str]) -> dict:
    return dict(type="category", categoryorder="array", categoryarray=names, autorange="reversed", automargin=True)


def summary_figure(rows: list[DimensionRow], words: dict[str, str], language: str) -> dict:
    """Each published dimension's index with its interval, the network mean and the top quartile."""
    rows = [row for row in rows if row.index_value is not None]
    names = [wrapped(row.label) for row in rows]
    lines = sum(name.count("<br>") + 1 for name in names)
    data = [
        dict(type="scatter", x=[row.top_value for row in rows], y=names, mode="markers", name=words["top_quartile"],
             hovertext=[f"{row.label}<br>{words['top_quartile']}: {row.top}" for row in rows], hovertemplate=HOVER,
             marker=dict(symbol="line-ns", size=14, color=TOP, line=dict(width=2, color=TOP))),
        dict(type="scatter", x=[row.network_value for row in rows], y=names, mode="markers",
             name=words["network_mean"], hovertemplate=HOVER,
             hovertext=[f"{row.label}<br>{words['network_mean']}: {row.network}" for row in rows],
             marker=dict(symbol="diamond", size=9, color=NETWORK)),
        dict(type="scatter", x=[row.index_value for row in rows], y=names, mode="markers", name=words["you"],
             hovertext=[f"{row.label}<br>{words['index']}: {row.index} ({row.interval}), n = {row.n}"
                        for row in rows], hovertemplate=HOVER,
             error_x=dict(type="data", symmetric=False, color=SCHOOL, thickness=1.5, width=4,
                          array=[(row.ci_high - row.index_value) if row.ci_high is not None else 0 for row in rows],
                          arrayminus=[(row.index_value - row.ci_low) if row.ci_low is not None else 0
                                      for row in rows]),
             marker=dict(symbol="circle", size=9, color=SCHOOL)),
    ]
    return _figure(language, 90 + 20 * max(lines, 1) + 8 * len(rows), 150, data,
                   xaxis=_percent_axis([0, 20, 40, 60, 80, 100]), yaxis=_categories(names))


def priority_figure(rows: list[DimensionRow], line: float, words: dict[str, str], language: str) -> dict:
    """The priority map on the gap (METHOD.md): x = importance with its interval, y = the school's index minus
    the network's with its interval; lines at the mean importance and at gap 0. An "uncertain" dimension is an
    open circle and says so in its label."""
    rows = [row for row in rows if row.importance_value is not None and row.gap_value is not None]
    x = [row.importance_value for row in rows]
    y = [row.gap_value for row in rows]
    data = [
        dict(type="scatter", x=x, y=y, mode="markers", hovertemplate=HOVER,
             hovertext=[f"{row.label}<br>{words['importance']}: {row.importance} ({row.importance_interval})"
                        f"<br>{words['gap']}: {row.gap} ({row.gap_interval})<br>{words[row.quadrant]}"
                        + (f" · {words['uncertain']}" if row.uncertain else "") for row in rows],
             error_x=dict(type="data", symmetric=False, color=SCHOOL, thickness=1, width=3,
                          array=[_above(row.importance_high, row.importance_value) for row in rows],
                          arrayminus=[_below(row.importance_low, row.importance_value) for row in rows]),
             error_y=dict(type="data", symmetric=False, color=SCHOOL, thickness=1, width=3,
                          array=[_above(row.gap_high, row.gap_value) for row in rows],
                          arrayminus=[_below(row.gap_low, row.gap_value) for row in rows]),
             marker=dict(size=11, color=SCHOOL, line=dict(width=2, color=SCHOOL),
                         symbol=["circle-open" if row.uncertain else "circle" for row in rows])),
        dict(type="scatter", x=x, y=y, mode="text", text=[wrapped(row.label, 18) for row in rows],
             textposition="top center", hoverinfo="skip", textfont=dict(size=11)),
    ]
    dash = dict(color=NETWORK, width=1, dash="dash")
    shapes = [dict(type="line", xref="x", yref="paper", x0=line, x1=line, y0=0, y1=1, line=dash),
              dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=0, y1=0, line=dash)]
    annotations = [dict(text=words[quadrant], xref="paper", yref="paper", x=cx, y=cy, showarrow=False,
                        xanchor=xanchor, yanchor=yanchor, font=dict(size=11, color=NETWORK))
                   for quadrant, cx, cy, xanchor, yanchor in (
                       ("Improve first", 1, 0, "right", "bottom"), ("Keep up", 1, 1, "right", "top"),
                       ("Watch", 0, 0, "left", "bottom"), ("Maintain", 0, 1, "left", "top"))]
    highs = [row.importance_high if row.importance_high is not None else row.importance_value for row in rows]
    gaps = [abs(v) for row in rows for v in (row.gap_low, row.gap_high, row.gap_value) if v is not None]
    reach = max(gaps, default=5) * 1.2 + 2
    return _figure(language, 420, 56, data, showlegend=False, shapes=shapes, annotations=annotations,
                   xaxis=dict(range=[0, max([line * 2, *highs]) * 1.1], title=dict(text=words["importance"]),
                              showgrid=True, gridcolor=GRID),
                   yaxis=dict(range=[-reach, reach], title=dict(text=words["gap"]), showgrid=True, gridcolor=GRID,
                              zeroline=False))


def _above(high, value) -> float:
    return 0.0 if high is None else high - value


def _below(low, value) -> float:
    return 0.0 if low is None else value - low


def item_figure(items: list[dict], words: dict[str, str], language: str) -> dict:
    """A dimension's items, numbered as in the table: the school's mean beside the network's."""
    numbers = [item["number"] for item in items]
    data = [dict(type="bar", x=[item[key] for item in items], y=numbers, orientation="h", name=name,
                 marker=dict(color=color), hovertemplate=HOVER,
                 hovertext=[f"{item['number']}. {wrapped(item['text'], 40)}<br>{name}: {item[text]}"
                            for item in items])
            for name, key, text, color in ((words["you"], "mean_value", "mean", SCHOOL),
                                           (words["network_mean"], "network_value", "network", NETWORK))]
    return _figure(language, 80 + 34 * max(len(items), 1), 36, data, barmode="group", bargap=0.25,
                   xaxis=_percent_axis([0, 20, 40, 60, 80, 100]), yaxis=_categories(numbers))


def distribution_figure(items: list[dict], scale: list[str], language: str, reverse: bool = False) -> dict:
    """The answers to items of one scale, stacked from the least positive answer to the most positive and
    coloured by meaning as in the PDF (the most positive green): for reverse-worded items (`reverse`) code 1 is
    the most positive answer."""
    colours = meaning_colours(len(scale))
    numbers = [item["number"] for item in items]
    data = [dict(type="bar", x=[item["shares"][code] * 100 for item in items], y=numbers, orientation="h",
                 name=scale[code], marker=dict(color=colours[meaning]), hovertemplate=HOVER,
                 hovertext=[f"{item['number']}. {wrapped(item['text'], 40)}<br>{scale[code]}: "
                            f"{item['share_texts'][code]}" for item in items])
            for meaning, code in enumerate(meaning_order(len(scale), reverse))]
    xaxis = dict(_percent_axis([0, 25, 50, 75, 100], grid=False), ticksuffix=" %" if language in DECIMAL_COMMA else "%")
    return _figure(language, 100 + 28 * max(len(items), 1), 36, data, barmode="stack", bargap=0.3,
                   xaxis=xaxis, yaxis=_categories(numbers))


def meaning_order(points: int, reverse: bool) -> list[int]:
    """The answer codes' positions (0-based) from the least positive answer to the most positive."""
    return list(range(points))[::-1] if reverse else list(range(points))
