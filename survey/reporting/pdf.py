"""Report builders: data in, bytes out.

`school_report_html` / `network_report_html` fill the Jinja2 templates of reports/ (content, restylable
without code); `html_to_pdf` hands the HTML to WeasyPrint with a URL fetcher that serves only the project's
own assets (reports/, survey/static/ and the system's DejaVu/Liberation font files the stylesheet names).
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import pandas as pd

from survey.config import PROJECT_ROOT
from survey.reporting import charts
from survey.reporting.format import format_index, format_interval, format_n, format_number, format_percent
from survey.reporting.inputs import NETWORK, NetworkReportInputs, SchoolReportInputs
from survey.reporting.renderers import figure_svg

REPORTS_DIR = PROJECT_ROOT / "reports"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"  # package data, wherever the code is installed
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
REPORT_FORMAT = "4"  # bump when the code that fills the templates changes what a report shows
PDF_VARIANT = "pdf/ua-1"


class AssetRefused(PermissionError):
    """The report asked for something outside the project's own assets."""


def chart_uri(svg: str) -> str:
    """An SVG chart as a data: URL for an <img>: WeasyPrint parses it as SVG, not as HTML to be styled,
    which makes a report with a dozen charts about a third faster to lay out than inline <svg>."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _asset_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise AssetRefused(f"reports may only load the project's own files, not {url!r}")
    path = Path(unquote(parts.path)).resolve()
    if any(path.is_relative_to(root.resolve()) for root in (REPORTS_DIR, STATIC_DIR)):
        return path
    if path.suffix.lower() in (".ttf", ".otf") and any(path.is_relative_to(d) for d in FONT_DIRS):
        return path
    raise AssetRefused(f"{path} is outside the report assets")


CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".ttf": "font/ttf",
                 ".otf": "font/otf", ".woff2": "font/woff2", ".woff": "font/woff", ".jpg": "image/jpeg"}


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves files under reports/ and survey/static/ (and the named system fonts); refuses the rest.
        `fail_on_errors` makes a refusal stop the rendering instead of a skipped image."""

        def __init__(self):
            super().__init__(fail_on_errors=True)

        def fetch(self, url, headers=None):
            if url.startswith("data:image/svg+xml;base64,"):  # our own charts, inlined by chart_uri
                return URLFetcherResponse(url, base64.b64decode(url.split(",", 1)[1]),
                                          {"Content-Type": "image/svg+xml"})
            path = _asset_path(url)
            if not path.is_file():
                raise AssetRefused(f"{path} does not exist")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")})

    return AssetFetcher


def asset_fetcher():
    return _fetcher_class()()


@lru_cache(maxsize=1)
def _environment(_reports_dir: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_reports_dir), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def templates_digest() -> str:
    """Digest of every file in reports/ and of the report format: a restyle rebuilds the reports."""
    digest = hashlib.sha256(REPORT_FORMAT.encode())
    for path in sorted(p for p in REPORTS_DIR.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(REPORTS_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _labels_for(language: str, stamp: float) -> dict[str, str]:
    labels = json.loads((REPORTS_DIR / "labels.json").read_text(encoding="utf-8"))
    return labels.get(language, labels["da"])


def words(language: str) -> dict[str, str]:
    return _labels_for(language, (REPORTS_DIR / "labels.json").stat().st_mtime)


def _first(rows: pd.DataFrame, column: str) -> float | None:
    """The one value a column holds on every row (the priority map's lines), None when not carried."""
    if column not in rows.columns:
        return None
    values = pd.to_numeric(rows[column], errors="coerce").dropna()
    return float(values.iloc[0]) if len(values) else None


def _shown_n(row, suppressed: bool) -> str:
    """A cell's n as shown: "–" when suppressed (whatever an earlier version of the results wrote in
    `n_shown`), else the number."""
    return format_n(_value(row, "n"), suppressed)


def _value(row, column, default=None):
    if row is None or column not in row.index:
        return default
    value = row[column]
    if isinstance(value, float) and math.isnan(value):
        return default
    return value


def _row(table: pd.DataFrame, key: str):
    return table.loc[key] if key in table.index else None


def _trend(row, language: str) -> str:
    diff = _value(row, "change")
    if diff is None:
        return "–"
    text = format_number(diff, language)
    text = text if text.startswith("-") else f"+{text}"
    if _value(row, "trend_flag", "") in ("up", "down"):
        return f"{'▲' if diff > 0 else '▼'} {text}"
    return text


# --- the school report ------------------------------------------------------------------------------------


def school_figures(inputs: SchoolReportInputs) -> dict[str, object]:
    """Every chart of the school report as a plotly figure (the portal shows the same figures)."""
    w = words(inputs.language)
    labels = {d.key: d.label for d in inputs.dimensions}
    agg = inputs.aggregates
    own = agg[(agg["school"] == inputs.school_code) & (agg["breakdown"] == "all")]
    own = own.set_index("dimension").reindex([d.key for d in inputs.dimensions]).reset_index().dropna(subset=["school"])
    network = agg[(agg["school"] == NETWORK) & (agg["breakdown"] == "all")]
    figures: dict[str, object] = {"summary": charts.summary_figure(own, labels, w)}
    if "importance" in own.columns and own["importance"].notna().any():
        # the lines of the quadrants (METHOD.md): 100 / number of predictors, whichever of them are shown
        non_overall = [d.key for d in inputs.dimensions if not d.is_overall]
        rows = own[own["dimension"].isin(non_overall)]
        importance_line = _first(rows, "importance_line") or 100 / len(non_overall)
        level = _first(rows, "index_line") or network[network["dimension"].isin(non_overall)]["index"].astype(float).mean()
        figures["priority"] = charts.priority_figure(rows, labels, w, float(level), float(importance_line))
    for dimension, rows in _item_rows(inputs).items():
        if not rows:
            continue
        numbers = [r["number"] for r in rows]
        figures[f"items:{dimension}"] = charts.item_figure(
            numbers, [r["mean_value"] for r in rows], [r["network_value"] for r in rows], w)
        # one distribution per scale: items of one dimension may answer on different scales
        published = [r for r in rows if r["shares"] is not None and r["scale"]]
        for position, scale in enumerate(dict.fromkeys(tuple(r["scale"]) for r in published)):
            same = [r for r in published if tuple(r["scale"]) == scale]
            name = f"distribution:{dimension}" + (f":{position}" if position else "")
            figures[name] = charts.distribution_figure(
                [r["number"] for r in same], [r["shares"] for r in same], list(scale), inputs.language)
    return figures


def _non_substantive_keys(inputs: SchoolReportInputs, dimension: str) -> list[tuple[str, str]]:
    """The non-substantive options of a dimension's items' scales, (key, label) in order of appearance."""
    found: dict[str, str] = {}
    for key, (of, _) in inputs.items.items():
        if of == dimension:
            for option, label in inputs.non_substantive.get(key, []):
                found.setdefault(option, label)
    return list(found.items())


def _item_rows(inputs: SchoolReportInputs) -> dict[str, list[dict]]:
    table = inputs.item_results
    own = table[table["school"] == inputs.school_code].set_index("item")
    net = table[table["school"] == NETWORK].set_index("item")
    lang = inputs.language
    result: dict[str, list[dict]] = {d.key: [] for d in inputs.dimensions}
    for key, (dimension, text) in inputs.items.items():
        if dimension not in result:
            continue
        scale = inputs.item_scales.get(key) or inputs.scale_labels
        share_columns = [f"share_{i}" for i in range(1, len(scale) + 1)]
        row = own.loc[key] if key in own.index else None
        network_row = net.loc[key] if key in net.index else None
        suppressed = row is None or bool(_value(row, "suppressed", False))
        mean = None if suppressed else _value(row, "mean")
        shares = None
        if not suppressed and share_columns and all(c in row.index for c in share_columns):
            shares = [_value(row, c, 0.0) for c in share_columns]
        # each non-substantive option's share over all who saw the item ("–" where the item's scale lacks it)
        offered = {option for option, _ in inputs.non_substantive.get(key, [])}
        non_substantive = [
            format_percent(None if suppressed or option not in offered else _value(row, f"share_ns_{option}"), lang)
            for option, _ in _non_substantive_keys(inputs, dimension)]
        rows = result[dimension]
        rows.append({
            "number": str(len(rows) + 1), "text": text,
            "n": _shown_n(row, suppressed) if row is not None else "–",
            "mean": format_index(mean, lang), "mean_value": mean,
            "network": format_index(_value(network_row, "mean"), lang), "network_value": _value(network_row, "mean"),
            "positive": format_percent(None if suppressed else _value(row, "share_positive"), lang),
            "network_positive": format_percent(_value(network_row, "share_positive"), lang),
            "shares": shares, "scale": scale, "non_substantive": non_substantive,
        })
    return result


def _svg(figure, title: str) -> str:
    return chart_uri(figure_svg(figure, title=title))


def school_context(inputs: SchoolReportInputs, svgs: dict[str, str] | None = None) -> dict:
    """Everything the school template prints, as formatted strings (the numbers as `format_index` writes them)."""
    lang = inputs.language
    w = words(lang)
    k_min = inputs.round.k_min
    agg = inputs.aggregates
    own_all = agg[(agg["school"] == inputs.school_code) & (agg["breakdown"] == "all")].set_index("dimension")
    network_all = agg[(agg["school"] == NETWORK) & (agg["breakdown"] == "all")].set_index("dimension")
    if svgs is None:
        svgs = {name: _svg(fig, name) for name, fig in school_figures(inputs).items()}

    summary = []
    for dim in inputs.dimensions:
        row = own_all.loc[dim.key] if dim.key in own_all.index else None
        if row is None:
            continue
        suppressed = bool(_value(row, "suppressed", False))
        rank, of = _value(row, "rank"), _value(row, "of")
        summary.append({
            "key": dim.key, "label": dim.label, "overall": dim.is_overall,
            "n": _shown_n(row, suppressed),
            "index": format_index(None if suppressed else _value(row, "index"), lang),
            "interval": format_interval(_value(row, "ci_low"), _value(row, "ci_high"), lang) if not suppressed else "–",
            "network": format_index(_value(row, "network_mean"), lang),
            "top": format_index(_value(row, "top_quartile"), lang),
            "rank": f"{int(rank)} {w['of']} {int(of)}" if rank is not None and of is not None and not suppressed else "–",
            "trend": _trend(row, lang) if not suppressed else "–",
            "quadrant": w.get(_value(row, "quadrant", ""), "") if _value(row, "quadrant") else "",
            "importance": format_number(_value(row, "importance"), lang),
            # Cronbach's alpha is the network's (METHOD.md): on the NETWORK rows of the results
            "alpha": format_number(inputs.alpha.get(dim.key, _value(row, "alpha",
                                                           _value(_row(network_all, dim.key), "alpha"))), lang, 2),
        })
    published_n = own_all.loc[~own_all["suppressed"].astype(bool), "n"].dropna()
    respondents = inputs.respondents if inputs.respondents is not None else (
        int(published_n.max()) if len(published_n) else None)
    rate = inputs.response_rate
    if rate is None and "response_rate" in own_all.columns and own_all["response_rate"].notna().any():
        rate = float(own_all["response_rate"].dropna().iloc[0])
    importance_source = None
    if "importance_source" in own_all.columns and own_all["importance_source"].notna().any():
        importance_source = str(own_all["importance_source"].dropna().iloc[0])

    item_rows = _item_rows(inputs)
    dimension_pages = []
    for dim in inputs.dimensions:
        rows = item_rows.get(dim.key) or []
        summary_row = next((s for s in summary if s["key"] == dim.key), None)
        distributions = [svg for name, svg in svgs.items()
                         if name == f"distribution:{dim.key}" or name.startswith(f"distribution:{dim.key}:")]
        dimension_pages.append({
            "key": dim.key, "label": dim.label, "summary": summary_row, "items": rows,
            "items_svg": svgs.get(f"items:{dim.key}"), "distribution_svgs": distributions,
            "non_substantive": [label for _, label in _non_substantive_keys(inputs, dim.key)],
        })

    breakdowns = _breakdowns(inputs)
    partners = _partner_sections(inputs, own_all)
    school_published = respondents is not None and respondents >= k_min
    return {
        "lang": lang, "w": w, "round": inputs.round, "school_name": inputs.school_name,
        "school_code": inputs.school_code,
        # a school of fewer than k_min responses is suppressed: its n is "–", on its own report too
        "respondents": format_n(respondents, not school_published),
        "response_rate": format_percent(rate, lang), "k_min": k_min,
        "summary": summary, "summary_svg": svgs.get("summary"), "priority_svg": svgs.get("priority"),
        "priority_rows": [s for s in summary if s["quadrant"]],
        "importance_is_network": importance_source == "network",
        "dimensions": dimension_pages, "breakdowns": breakdowns, "partners": partners,
        "comments": [{"question": question, "texts": list(texts)} for question, texts in inputs.comments]
                    if school_published else [],
        "scale_labels": inputs.scale_labels,
        "results_hash": inputs.round.results_hash,
        "questions": _question_sections(inputs),
        "equivalent_scales": [{"item": item, "reason": reason} for item, reason in inputs.equivalent_scales],
        "structural": inputs.structural,
    }


def _question_sections(inputs: SchoolReportInputs) -> list[dict]:
    """The background questions' results, the school beside the network: each option's share (a multiple
    choice: the share of respondents choosing it), or a numeric question's n, mean, median and quartiles.
    Suppressed cells show "–" like every other."""
    table = inputs.question_results
    if table is None or table.empty:
        return []
    lang = inputs.language
    sections = []
    for question in inputs.questions:
        rows = table[table["question"] == question.key]
        if rows.empty:
            continue
        own = rows[rows["school"] == inputs.school_code].set_index("option")
        net = rows[rows["school"] == NETWORK].set_index("option")

        def cell(frame, option, column):
            row = _row(frame, option)
            hidden = row is None or bool(_value(row, "suppressed", False))
            return None if hidden else _value(row, column)

        def shown_n(frame, option):
            row = _row(frame, option)
            return _shown_n(row, row is None or bool(_value(row, "suppressed", False))) if row is not None else "–"

        if question.type == "numeric":
            stats = []
            for frame in (own, net):
                stats.append({"n": shown_n(frame, ""),
                              "mean": format_number(cell(frame, "", "mean"), lang),
                              "median": format_number(cell(frame, "", "median"), lang),
                              "quartiles": format_interval(cell(frame, "", "q1"), cell(frame, "", "q3"), lang)
                              if cell(frame, "", "q1") is not None else "–"})
            sections.append({"text": question.text, "numeric": True, "unit": question.unit, "multiple": False,
                             "school": stats[0], "network": stats[1]})
        else:
            first = own.index[0] if len(own) else None
            sections.append({"text": question.text, "numeric": False, "unit": "", "multiple": question.type == "multiple",
                             "n": shown_n(own, first) if first is not None else "–",
                             "options": [{"label": label,
                                          "school": format_percent(cell(own, option, "share"), lang),
                                          "network": format_percent(cell(net, option, "share"), lang)}
                                         for option, label in question.options]})
    return sections


def _partner_sections(inputs: SchoolReportInputs, own_all: pd.DataFrame) -> list[dict]:
    """One section per "Improve first" dimension of the school (questionnaire order): its partners, most
    similar first, each with its index and the difference to the school's; an empty list when none was found."""
    from survey.analysis import IMPROVE_FIRST

    lang = inputs.language
    table = inputs.partners
    sections = []
    for dim in inputs.dimensions:
        row = own_all.loc[dim.key] if dim.key in own_all.index else None
        if row is None or _value(row, "quadrant") != IMPROVE_FIRST or bool(_value(row, "suppressed", False)):
            continue
        rows = []
        if table is not None and not table.empty:
            found = table[table["dimension"] == dim.key].sort_values("order", kind="stable")
            for _, p in found.iterrows():
                own = _value(p, "school_index", _value(row, "index"))
                rows.append({"partner": p["partner_label"], "index": format_index(_value(p, "partner_index"), lang),
                             "difference": format_number(_value(p, "partner_index") - own, lang)
                             if own is not None and _value(p, "partner_index") is not None else "–"})
        sections.append({"key": dim.key, "label": dim.label,
                         "index": format_index(_value(row, "index"), lang), "partners": rows})
    return sections


def _breakdowns(inputs: SchoolReportInputs) -> list[dict]:
    """Program and background breakdowns: published groups only, by their names in the report's language
    (programs by name, options by the questionnaire's label); suppressed groups are counted, never named.

    A group with a suppressed cell is left out whole and counted in `hidden`, with one note for every reason
    (fewer than k_min, or protected so that a small group cannot be derived): which of the two applies is
    never told (METHOD.md, Anonymity: one symbol)."""
    agg = inputs.aggregates
    own = agg[(agg["school"] == inputs.school_code) & (agg["breakdown"] != "all")]
    lang = inputs.language
    result = []
    for breakdown, cells in own.groupby("breakdown", sort=False):
        names = inputs.group_names.get(breakdown, {})
        hidden = cells["suppressed"].astype(bool).groupby(cells["group"], sort=False).transform("any")
        hidden_groups = cells.loc[hidden, "group"].nunique()
        rows = []
        for group, group_cells in cells[~hidden].groupby("group", sort=False):
            group_cells = group_cells.set_index("dimension")
            values = [format_index(_value(_row(group_cells, dim.key), "index"), lang) for dim in inputs.dimensions]
            rows.append({"group": names.get(group, group), "n": format_n(group_cells["n"].max()), "values": values})
        title = inputs.group_labels.get(breakdown) or words(lang).get(breakdown, breakdown)
        result.append({"key": breakdown, "title": title, "rows": rows, "hidden": hidden_groups})
    return result


def school_report_html(inputs: SchoolReportInputs, svgs: dict[str, str] | None = None) -> str:
    env = _environment(str(REPORTS_DIR))
    return env.get_template("school.html").render(**school_context(inputs, svgs))


# --- the network report -----------------------------------------------------------------------------------


def anonymised_labels(codes: list[str], salt: str) -> dict[str, str]:
    """Stable labels that do not follow the codes' order: "School A", ... by a salted hash of the code."""
    from survey.analysis.partners import anonymous_label

    order = sorted(codes, key=lambda c: hashlib.sha256(f"{salt}:{c}".encode()).hexdigest())
    return {code: anonymous_label(i) for i, code in enumerate(order)}


def network_figures(inputs: NetworkReportInputs) -> dict[str, object]:
    w = words(inputs.language)
    rows = inputs.aggregates[(inputs.aggregates["school"] != NETWORK) & (inputs.aggregates["breakdown"] == "all")]
    return {"spread": charts.spread_figure(rows, [(d.key, d.label) for d in inputs.dimensions], w)}


def network_context(inputs: NetworkReportInputs, svgs: dict[str, str] | None = None) -> dict:
    lang = inputs.language
    w = words(lang)
    agg = inputs.aggregates[inputs.aggregates["breakdown"] == "all"]
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
        rows.append({"name": names[code], "n": _school_n(agg[agg["school"] == code], inputs),
                     "values": [("–" if bool(suppressed.at[code, k]) else format_index(table.at[code, k], lang))
                                if k in table.columns else "–" for k in keys]})
    network = [format_index(table.at[NETWORK, k], lang) if NETWORK in table.index and k in table.columns else "–"
               for k in keys]
    spread = []
    for dim in inputs.dimensions:
        values = agg[(agg["school"] != NETWORK) & (agg["dimension"] == dim.key) & ~agg["suppressed"].astype(bool)]["index"]
        values = values.dropna().astype(float)
        quartiles = values.quantile([0, 0.25, 0.5, 0.75, 1]).tolist() if len(values) else [None] * 5
        spread.append({"label": dim.label, "schools": len(values),
                       "values": [format_index(v, lang) for v in quartiles]})
    if svgs is None:
        svgs = {name: chart_uri(figure_svg(fig, title=name)) for name, fig in network_figures(inputs).items()}
    return {"lang": lang, "w": w, "round": inputs.round, "network_name": inputs.network_name,
            "dimensions": inputs.dimensions, "rows": rows, "network": network, "spread": spread,
            "spread_svg": svgs.get("spread"), "named": inputs.round.share_names,
            "results_hash": inputs.round.results_hash}


def _school_n(cells: pd.DataFrame, inputs: NetworkReportInputs) -> str:
    """A school's n in the network table: its largest published cell's n; "–" when every cell is suppressed
    (never its exact n, nor whether it is small or hidden to protect a smaller school)."""
    hidden = cells["suppressed"].astype(bool)
    n = pd.to_numeric(cells["n"], errors="coerce")
    if not hidden.all():
        return format_n(n[~hidden].max())
    return format_n(None, True)


def network_report_html(inputs: NetworkReportInputs, svgs: dict[str, str] | None = None) -> str:
    env = _environment(str(REPORTS_DIR))
    return env.get_template("network.html").render(**network_context(inputs, svgs))


# --- HTML to PDF ------------------------------------------------------------------------------------------


def html_to_pdf(html: str) -> bytes:
    """The final HTML as a tagged PDF/UA-1 document (fonts embedded, bookmarks from h1/h2)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=REPORTS_DIR.as_uri() + "/", url_fetcher=asset_fetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def warm_up() -> None:
    """Load once what every report needs: WeasyPrint, the templates, the labels and the fonts (a one-line
    document with the report stylesheet)."""
    env = _environment(str(REPORTS_DIR))
    env.get_template("school.html")
    env.get_template("network.html")
    for language in ("da", "en", "sv"):
        words(language)
    html_to_pdf('<html lang="da"><head><title>.</title><link rel="stylesheet" href="report.css"></head>'
                '<body><p>Æøå</p></body></html>')


def render_school_report(inputs: SchoolReportInputs) -> bytes:
    return html_to_pdf(school_report_html(inputs))


def render_network_report(inputs: NetworkReportInputs) -> bytes:
    return html_to_pdf(network_report_html(inputs))


def aggregates_for_export(aggregates: pd.DataFrame, school_code: str) -> pd.DataFrame:
    """A school's published aggregates as they are exported (suppressed cells blank)."""
    rows = aggregates[aggregates["school"] == school_code].copy()
    numeric = [c for c in ("index", "sd", "ci_low", "ci_high") if c in rows.columns]
    rows.loc[rows["suppressed"].astype(bool), numeric] = float("nan")
    return rows.reset_index(drop=True)
