"""Static SVG of a plotly figure, drawn in Python from the figure object itself.

The figures of `survey.reporting.charts` use a small part of plotly: horizontal and vertical bars (grouped
or stacked), scatter markers (filled or open) with text and error bars on either axis, lines, box plots, line
shapes, paper-anchored annotations, category and linear axes with explicit ranges, and a horizontal legend. This module draws
exactly that part from `fig.to_plotly_json()`, so the PDF chart comes from the same definition as the
interactive one, without a browser round trip per chart (see `survey.reporting.renderers` for the kaleido alternative
and the benchmark in bench/reports.py for the figures). Anything the figure asks for that is not drawn
here raises `UnsupportedFigure` rather than being silently dropped.
"""
from __future__ import annotations

import math
from html import escape

import numpy as np

DEFAULT_MARGIN = dict(l=80, r=80, t=100, b=80)
SUPPORTED_TRACES = {"bar", "scatter", "box"}


class UnsupportedFigure(ValueError):
    """The figure uses a plotly feature this renderer does not draw."""


def _text_width(text: str, size: float) -> float:
    return 0.58 * size * len(text)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _number_label(value: float, suffix: str = "") -> str:
    text = f"{value:g}" if float(value).is_integer() or abs(value) >= 1 else f"{value:.2g}"
    return f"{text}{suffix}"


class Axis:
    """One axis: maps data values to pixels along [start, end] (y pixels grow downwards)."""

    def __init__(self, spec: dict, values: list, start: float, end: float, vertical: bool, pad_bars: bool):
        self.spec = spec
        self.vertical = vertical
        self.start, self.end = start, end
        strings = [v for v in values if isinstance(v, str)]
        self.category = spec.get("type") == "category" or bool(strings)
        if self.category:
            order = list(spec.get("categoryarray") or [])
            for value in values:
                if value is not None and value not in order:
                    order.append(value)
            self.categories = order
            self.lo, self.hi = -0.5, len(order) - 0.5
        else:
            self.categories = []
            if spec.get("range"):
                self.lo, self.hi = (float(v) for v in spec["range"])
            else:
                numbers = [float(v) for v in values if v is not None and not _isnan(v)] or [0.0, 1.0]
                if pad_bars:
                    numbers.append(0.0)
                lo, hi = min(numbers), max(numbers)
                span = (hi - lo) or 1.0
                self.lo, self.hi = lo - 0.05 * span, hi + 0.05 * span
        self.reversed = spec.get("autorange") == "reversed"

    def coordinate(self, value) -> float:
        return float(self.categories.index(value)) if self.category else float(value)

    def px(self, value) -> float:
        fraction = (self.coordinate(value) - self.lo) / (self.hi - self.lo)
        if self.reversed:
            fraction = 1 - fraction
        if self.vertical:
            return self.end - fraction * (self.end - self.start)
        return self.start + fraction * (self.end - self.start)

    def ticks(self) -> list[tuple[object, str]]:
        if self.category:
            return [(c, str(c)) for c in self.categories]
        suffix = self.spec.get("ticksuffix", "")
        if self.spec.get("tickvals") is not None:
            return [(v, _number_label(v, suffix)) for v in self.spec["tickvals"]]
        span = self.hi - self.lo
        raw = span / 6
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
        first = math.ceil(self.lo / step) * step
        count = int(math.floor((self.hi - first) / step + 1e-9)) + 1
        return [(round(first + i * step, 10), _number_label(round(first + i * step, 10), suffix)) for i in range(count)]


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _marker(symbol: str, x: float, y: float, size: float, color: str, line_width: float = 0) -> str:
    r = size / 2
    if symbol == "diamond":
        points = f"{_fmt(x)},{_fmt(y - r)} {_fmt(x + r)},{_fmt(y)} {_fmt(x)},{_fmt(y + r)} {_fmt(x - r)},{_fmt(y)}"
        return f'<polygon points="{points}" fill="{color}"/>'
    if symbol == "square":
        return f'<rect x="{_fmt(x - r)}" y="{_fmt(y - r)}" width="{_fmt(size)}" height="{_fmt(size)}" fill="{color}"/>'
    if symbol == "line-ns":
        return (f'<line x1="{_fmt(x)}" y1="{_fmt(y - r)}" x2="{_fmt(x)}" y2="{_fmt(y + r)}" stroke="{color}" '
                f'stroke-width="{_fmt(line_width or 2)}"/>')
    if symbol == "circle-open":
        return (f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r - 1)}" fill="white" stroke="{color}" '
                f'stroke-width="{_fmt(line_width or 2)}"/>')
    if symbol not in (None, "circle"):
        raise UnsupportedFigure(f"marker symbol {symbol!r}")
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}" fill="{color}"/>'


def _text(x: float, y: float, text: str, size: float, color: str, anchor: str = "start",
          rotate: float = 0, weight: str = "normal") -> str:
    transform = f' transform="rotate({_fmt(rotate)} {_fmt(x)} {_fmt(y)})"' if rotate else ""
    lines = str(text).split("<br>")
    if len(lines) == 1:
        body = escape(lines[0])
    else:
        body = "".join(f'<tspan x="{_fmt(x)}" dy="{0 if i == 0 else _fmt(size * 1.15)}">{escape(line)}</tspan>'
                       for i, line in enumerate(lines))
    weight_attr = f' font-weight="{weight}"' if weight != "normal" else ""
    return (f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{_fmt(size)}" fill="{color}" text-anchor="{anchor}"'
            f'{weight_attr}{transform}>{body}</text>')


def _dash(line: dict) -> str:
    dash = line.get("dash")
    return {"dash": ' stroke-dasharray="6 4"', "dot": ' stroke-dasharray="2 3"', None: "", "solid": ""}.get(dash, "")


def figure_to_svg(fig, *, title: str | None = None) -> str:
    """The figure as a standalone SVG document (a string), sized by its layout width and height."""
    spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    layout = spec.get("layout", {})
    traces = spec.get("data", [])
    for trace in traces:
        if trace.get("type", "scatter") not in SUPPORTED_TRACES:
            raise UnsupportedFigure(f"trace type {trace.get('type')!r}")
    width, height = float(layout.get("width") or 700), float(layout.get("height") or 450)
    margin = {**DEFAULT_MARGIN, **(layout.get("margin") or {})}
    font = layout.get("font") or {}
    size = float(font.get("size") or 12)
    family = font.get("family") or "sans-serif"
    ink = font.get("color") or "#444"
    left, right = float(margin["l"]), width - float(margin["r"])
    top, bottom = float(margin["t"]), height - float(margin["b"])
    xspec, yspec = layout.get("xaxis") or {}, layout.get("yaxis") or {}

    xs, ys, bar_h, bar_v = [], [], False, False
    for trace in traces:
        kind = trace.get("type", "scatter")
        x, y = list(trace.get("x") or []), list(trace.get("y") or [])
        if kind == "bar":
            if trace.get("orientation") == "h":
                bar_h = True
            else:
                bar_v = True
        if kind == "box" and not x:
            x = [trace.get("name")] * max(len(y), 1)
        xs += x
        ys += y
    barmode = layout.get("barmode", "group")
    if barmode == "stack":
        xs, ys = _stacked_extent(traces, xs, ys)
    xaxis = Axis(xspec, xs, left, right, vertical=False, pad_bars=bar_h)
    yaxis = Axis(yspec, ys, top, bottom, vertical=True, pad_bars=bar_v)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(height)}" '
           f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" font-family="{escape(family)}" role="img">']
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append(f'<rect width="{_fmt(width)}" height="{_fmt(height)}" fill="{layout.get("paper_bgcolor", "white")}"/>')
    out.append(f'<rect x="{_fmt(left)}" y="{_fmt(top)}" width="{_fmt(right - left)}" height="{_fmt(bottom - top)}" '
               f'fill="{layout.get("plot_bgcolor", "white")}"/>')
    out += _grid_and_ticks(xaxis, yaxis, left, right, top, bottom, size, ink)
    out += _bars(traces, xaxis, yaxis, barmode, float(layout.get("bargap", 0.2)))
    for trace in traces:
        kind = trace.get("type", "scatter")
        if kind == "scatter":
            out += _scatter(trace, xaxis, yaxis, size, ink)
        elif kind == "box":
            out += _box(trace, xaxis, yaxis)
    for shape in layout.get("shapes") or []:
        out.append(_shape(shape, xaxis, yaxis, left, right, top, bottom))
    for note in layout.get("annotations") or []:
        out.append(_annotation(note, xaxis, yaxis, left, right, top, bottom, size, ink))
    out += _axis_titles(xspec, yspec, left, right, top, bottom, height, size, ink)
    if layout.get("showlegend", True):
        out += _legend(traces, left, top, right, size, ink)
    if layout.get("title", {}).get("text"):
        out.append(_text(left, size * 1.4, layout["title"]["text"], size * 1.2, ink, weight="bold"))
    out.append("</svg>")
    return "".join(out)


def _stacked_extent(traces, xs, ys):
    totals: dict = {}
    for trace in traces:
        if trace.get("type") != "bar":
            continue
        horizontal = trace.get("orientation") == "h"
        values, cats = (trace.get("x"), trace.get("y")) if horizontal else (trace.get("y"), trace.get("x"))
        for cat, value in zip(cats or [], values or []):
            totals[cat] = totals.get(cat, 0.0) + (value or 0.0)
    extent = list(totals.values())
    if any(t.get("orientation") == "h" for t in traces):
        return xs + extent, ys
    return xs, ys + extent


def _grid_and_ticks(xaxis: Axis, yaxis: Axis, left, right, top, bottom, size, ink) -> list[str]:
    out = []
    tick_size = size * 0.95
    for value, label in xaxis.ticks():
        px = xaxis.px(value)
        if not xaxis.category and xaxis.spec.get("showgrid", True):
            out.append(f'<line x1="{_fmt(px)}" y1="{_fmt(top)}" x2="{_fmt(px)}" y2="{_fmt(bottom)}" '
                       f'stroke="{xaxis.spec.get("gridcolor", "#eeeeee")}" stroke-width="1"/>')
        angle = float(xaxis.spec.get("tickangle") or 0)
        if angle:
            out.append(_text(px, bottom + tick_size + 4, label, tick_size, ink, anchor="end", rotate=angle))
        else:
            out.append(_text(px, bottom + tick_size + 4, label, tick_size, ink, anchor="middle"))
    for value, label in yaxis.ticks():
        py = yaxis.px(value)
        if not yaxis.category and yaxis.spec.get("showgrid", True):
            out.append(f'<line x1="{_fmt(left)}" y1="{_fmt(py)}" x2="{_fmt(right)}" y2="{_fmt(py)}" '
                       f'stroke="{yaxis.spec.get("gridcolor", "#eeeeee")}" stroke-width="1"/>')
        lifted = (str(label).count("<br>")) * tick_size * 1.15 / 2  # a wrapped label centred on its row
        out.append(_text(left - 6, py + tick_size * 0.35 - lifted, label, tick_size, ink, anchor="end"))
    out.append(f'<line x1="{_fmt(left)}" y1="{_fmt(bottom)}" x2="{_fmt(right)}" y2="{_fmt(bottom)}" stroke="#9ca3af"/>')
    out.append(f'<line x1="{_fmt(left)}" y1="{_fmt(top)}" x2="{_fmt(left)}" y2="{_fmt(bottom)}" stroke="#9ca3af"/>')
    return out


def _bars(traces, xaxis: Axis, yaxis: Axis, barmode: str, bargap: float) -> list[str]:
    bars = [t for t in traces if t.get("type") == "bar"]
    if not bars:
        return []
    out = []
    band = 1 - bargap
    stacks: dict = {}
    for j, trace in enumerate(bars):
        horizontal = trace.get("orientation") == "h"
        values, cats = (trace.get("x"), trace.get("y")) if horizontal else (trace.get("y"), trace.get("x"))
        color = (trace.get("marker") or {}).get("color", "#1f77b4")
        if barmode == "stack":
            width, offset = band, -band / 2
        elif barmode == "group":
            width = band / len(bars)
            offset = -band / 2 + j * width
        else:
            raise UnsupportedFigure(f"barmode {barmode!r}")
        value_axis, cat_axis = (xaxis, yaxis) if horizontal else (yaxis, xaxis)
        for cat, value in zip(cats or [], values or []):
            if value is None or _isnan(value):
                continue
            base = stacks.get(cat, 0.0) if barmode == "stack" else 0.0
            if barmode == "stack":
                stacks[cat] = base + value
            c = cat_axis.coordinate(cat)
            a, b = _px_coord(cat_axis, c + offset), _px_coord(cat_axis, c + offset + width)
            v0, v1 = value_axis.px(base), value_axis.px(base + value)
            if horizontal:
                x, w = min(v0, v1), abs(v1 - v0)
                y, h = min(a, b), abs(b - a)
            else:
                x, w = min(a, b), abs(b - a)
                y, h = min(v0, v1), abs(v1 - v0)
            out.append(f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" height="{_fmt(h)}" fill="{color}"/>')
    return out


def _px_coord(axis: Axis, coordinate: float) -> float:
    """Pixel of a numeric coordinate (for categories: a fractional position between categories)."""
    fraction = (coordinate - axis.lo) / (axis.hi - axis.lo)
    if axis.reversed:
        fraction = 1 - fraction
    if axis.vertical:
        return axis.end - fraction * (axis.end - axis.start)
    return axis.start + fraction * (axis.end - axis.start)


TEXT_OFFSETS = {"top": (0, -1), "bottom": (0, 1), "middle": (0, 0)}


def _scatter(trace: dict, xaxis: Axis, yaxis: Axis, size: float, ink: str) -> list[str]:
    out = []
    mode = trace.get("mode", "markers")
    marker = trace.get("marker") or {}
    color = marker.get("color", "#1f77b4")
    msize = float(marker.get("size", 6))
    symbol = marker.get("symbol", "circle")
    xs, ys = list(trace.get("x") or []), list(trace.get("y") or [])
    texts = trace.get("text") or []
    if "lines" in mode:
        points = " ".join(f"{_fmt(xaxis.px(x))},{_fmt(yaxis.px(y))}" for x, y in zip(xs, ys) if x is not None and y is not None)
        line = trace.get("line") or {}
        out.append(f'<polyline points="{points}" fill="none" stroke="{line.get("color", color)}" '
                   f'stroke-width="{_fmt(float(line.get("width", 2)))}"{_dash(line)}/>')
    for i, (x, y) in enumerate(zip(xs, ys)):
        if x is None or y is None or _isnan(x) or _isnan(y):
            continue
        px, py = xaxis.px(x), yaxis.px(y)
        for axis, spec in (("x", trace.get("error_x") or {}), ("y", trace.get("error_y") or {})):
            out += _error_bar(axis, spec, i, x, y, xaxis, yaxis, color)
        if "markers" in mode:
            out.append(_marker(symbol, px, py, msize, color, float((marker.get("line") or {}).get("width", 0))))
        if "text" in mode and i < len(texts) and texts[i]:
            vertical, horizontal = (trace.get("textposition") or "middle center").split(" ")
            dy = {"top": -(msize / 2 + 4), "bottom": msize / 2 + size, "middle": size * 0.35}[vertical]
            anchor = {"left": "end", "center": "middle", "right": "start"}[horizontal]
            dx = {"left": -(msize / 2 + 3), "center": 0, "right": msize / 2 + 3}[horizontal]
            out.append(_text(px + dx, py + dy, texts[i], size * 0.95, ink, anchor=anchor))
    return out


def _error_bar(axis: str, error: dict, i: int, x, y, xaxis: Axis, yaxis: Axis, color: str) -> list[str]:
    """One point's error bar along `axis` ("x": horizontal, "y": vertical) with caps, from the trace's
    error_x / error_y arrays (asymmetric when `arrayminus` is given); nothing where a bound is missing."""
    if error.get("array") is None:
        return []
    plus = error["array"][i]
    minus = (error.get("arrayminus") or error["array"])[i]
    if plus is None or minus is None or _isnan(plus) or _isnan(minus):
        return []
    ecolor = error.get("color", color)
    thick = _fmt(float(error.get("thickness", 1.5)))
    cap = float(error.get("width", 4))
    out = []
    if axis == "x":
        py, x0, x1 = yaxis.px(y), xaxis.px(x - minus), xaxis.px(x + plus)
        out.append(f'<line x1="{_fmt(x0)}" y1="{_fmt(py)}" x2="{_fmt(x1)}" y2="{_fmt(py)}" stroke="{ecolor}" stroke-width="{thick}"/>')
        for edge in (x0, x1):
            out.append(f'<line x1="{_fmt(edge)}" y1="{_fmt(py - cap)}" x2="{_fmt(edge)}" y2="{_fmt(py + cap)}" '
                       f'stroke="{ecolor}" stroke-width="{thick}"/>')
    else:
        px, y0, y1 = xaxis.px(x), yaxis.px(y - minus), yaxis.px(y + plus)
        out.append(f'<line x1="{_fmt(px)}" y1="{_fmt(y0)}" x2="{_fmt(px)}" y2="{_fmt(y1)}" stroke="{ecolor}" stroke-width="{thick}"/>')
        for edge in (y0, y1):
            out.append(f'<line x1="{_fmt(px - cap)}" y1="{_fmt(edge)}" x2="{_fmt(px + cap)}" y2="{_fmt(edge)}" '
                       f'stroke="{ecolor}" stroke-width="{thick}"/>')
    return out


def _box(trace: dict, xaxis: Axis, yaxis: Axis) -> list[str]:
    values = np.asarray([v for v in trace.get("y") or [] if v is not None], dtype=float)
    if values.size == 0:
        return []
    if trace.get("quartilemethod", "linear") != "linear":
        raise UnsupportedFigure("box quartilemethod other than linear")
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    iqr = q3 - q1
    low = values[values >= q1 - 1.5 * iqr].min()
    high = values[values <= q3 + 1.5 * iqr].max()
    category = (trace.get("x") or [trace.get("name")])[0]
    c = xaxis.coordinate(category)
    a, b = _px_coord(xaxis, c - 0.3), _px_coord(xaxis, c + 0.3)
    line = trace.get("line") or {}
    stroke = line.get("color", "#1f77b4")
    fill = trace.get("fillcolor", "none")
    width = _fmt(float(line.get("width", 1)))
    mid = (a + b) / 2
    out = [
        f'<line x1="{_fmt(mid)}" y1="{_fmt(yaxis.px(low))}" x2="{_fmt(mid)}" y2="{_fmt(yaxis.px(q1))}" stroke="{stroke}" stroke-width="{width}"/>',
        f'<line x1="{_fmt(mid)}" y1="{_fmt(yaxis.px(q3))}" x2="{_fmt(mid)}" y2="{_fmt(yaxis.px(high))}" stroke="{stroke}" stroke-width="{width}"/>',
        f'<rect x="{_fmt(a)}" y="{_fmt(yaxis.px(q3))}" width="{_fmt(b - a)}" height="{_fmt(yaxis.px(q1) - yaxis.px(q3))}" '
        f'fill="{_rgba_fill(fill)}"{_rgba_opacity(fill)} stroke="{stroke}" stroke-width="{width}"/>',
        f'<line x1="{_fmt(a)}" y1="{_fmt(yaxis.px(median))}" x2="{_fmt(b)}" y2="{_fmt(yaxis.px(median))}" stroke="{stroke}" stroke-width="2"/>',
    ]
    if trace.get("boxpoints", "outliers") == "outliers":
        color = (trace.get("marker") or {}).get("color", stroke)
        for value in values[(values < low) | (values > high)]:
            out.append(f'<circle cx="{_fmt(mid)}" cy="{_fmt(yaxis.px(value))}" r="2.5" fill="{color}"/>')
    return out


def _rgba_fill(color: str) -> str:
    if color.startswith("rgba("):
        r, g, b, _ = color[5:-1].split(",")
        return f"rgb({r.strip()},{g.strip()},{b.strip()})"
    return color


def _rgba_opacity(color: str) -> str:
    if color.startswith("rgba("):
        return f' fill-opacity="{color[5:-1].split(",")[3].strip()}"'
    return ""


def _ref_px(ref: str, value, axis: Axis, start: float, end: float, vertical: bool) -> float:
    if ref == "paper":
        return end - value * (end - start) if vertical else start + value * (end - start)
    return axis.px(value)


def _shape(shape: dict, xaxis, yaxis, left, right, top, bottom) -> str:
    if shape.get("type") != "line":
        raise UnsupportedFigure(f"shape type {shape.get('type')!r}")
    x0 = _ref_px(shape.get("xref", "x"), shape["x0"], xaxis, left, right, False)
    x1 = _ref_px(shape.get("xref", "x"), shape["x1"], xaxis, left, right, False)
    y0 = _ref_px(shape.get("yref", "y"), shape["y0"], yaxis, top, bottom, True)
    y1 = _ref_px(shape.get("yref", "y"), shape["y1"], yaxis, top, bottom, True)
    line = shape.get("line") or {}
    return (f'<line x1="{_fmt(x0)}" y1="{_fmt(y0)}" x2="{_fmt(x1)}" y2="{_fmt(y1)}" stroke="{line.get("color", "#444")}" '
            f'stroke-width="{_fmt(float(line.get("width", 1)))}"{_dash(line)}/>')


def _annotation(note: dict, xaxis, yaxis, left, right, top, bottom, size, ink) -> str:
    if note.get("showarrow", True):
        raise UnsupportedFigure("annotations with arrows")
    x = _ref_px(note.get("xref", "x"), note["x"], xaxis, left, right, False)
    y = _ref_px(note.get("yref", "y"), note["y"], yaxis, top, bottom, True)
    font = note.get("font") or {}
    fsize = float(font.get("size", size))
    anchor = {"left": "start", "center": "middle", "right": "end", "auto": "middle"}[note.get("xanchor", "auto")]
    pad = 4
    x += pad if anchor == "start" else -pad if anchor == "end" else 0
    yanchor = note.get("yanchor", "auto")
    y += {"top": fsize + pad, "bottom": -pad, "middle": fsize * 0.35, "auto": fsize * 0.35}[yanchor]
    return _text(x, y, note.get("text", ""), fsize, font.get("color", ink), anchor=anchor)


def _axis_titles(xspec, yspec, left, right, top, bottom, height, size, ink) -> list[str]:
    out = []
    xtitle = (xspec.get("title") or {}).get("text")
    ytitle = (yspec.get("title") or {}).get("text")
    if xtitle:
        out.append(_text((left + right) / 2, min(bottom + size * 2.9, height - 4), xtitle, size, ink, anchor="middle"))
    if ytitle:
        x = max(left - size * 3.2, size)
        out.append(_text(x, (top + bottom) / 2, ytitle, size, ink, anchor="middle", rotate=-90))
    return out


def _legend(traces, left, top, right, size, ink) -> list[str]:
    entries = []
    for trace in traces:
        if trace.get("showlegend") is False or not trace.get("name"):
            continue
        marker = trace.get("marker") or {}
        colour = marker.get("color") or (trace.get("line") or {}).get("color", "#1f77b4")
        entries.append((trace.get("type", "scatter"), trace["name"], colour, marker.get("symbol", "circle"),
                        trace.get("mode", "markers"), trace.get("line") or {}))
    if len(entries) < 2:
        return []
    out, x, line = [], left, 0
    row_height = size * 1.5
    for kind, name, color, symbol, mode, line_spec in entries:
        item_width = 16 + _text_width(name, size) + 14
        if x + item_width > right and x > left:
            x, line = left, line + 1
        y = top - 8 - (row_height * line)
        if kind == "bar":
            out.append(f'<rect x="{_fmt(x)}" y="{_fmt(y - size * 0.8)}" width="{_fmt(size)}" height="{_fmt(size)}" fill="{color}"/>')
        elif mode == "lines":
            out.append(f'<line x1="{_fmt(x)}" y1="{_fmt(y - size * 0.35)}" x2="{_fmt(x + size)}" y2="{_fmt(y - size * 0.35)}" '
                       f'stroke="{color}" stroke-width="{_fmt(float(line_spec.get("width", 2)))}"{_dash(line_spec)}/>')
        else:
            out.append(_marker(symbol, x + size / 2, y - size * 0.35, min(size, 10), color, 2))
        out.append(_text(x + size + 4, y, name, size, ink))
        x += item_width
    # rows were laid out upwards from the plot; that is fine as long as the top margin holds them
    return out
