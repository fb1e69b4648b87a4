"""The PDF: a report's view model (`survey.reporting.layout`) through the Jinja2 templates of reports/ and
WeasyPrint. Report builders: data in, bytes out.

`html_to_pdf` hands the HTML to WeasyPrint with a URL fetcher that serves only the project's own assets
(reports/, survey/static/ and the system's DejaVu/Liberation font files the stylesheet names). The only module
of survey.reporting that imports WeasyPrint; the dashboards never import it.
"""
from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from survey.reporting.figures import network_figures, school_figures
from survey.reporting.inputs import NetworkReportInputs, OrganiserReportInputs, SchoolReportInputs
from survey.reporting.labels import REPORTS_DIR, words
from survey.reporting.layout import network_context, school_context
from survey.reporting.layout.organiser import organiser_context
from survey.reporting.renderers import figure_svg

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"  # package data, wherever the code is installed
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
REPORT_FORMAT = "5"  # bump when the code that fills the templates changes what a report shows
PDF_VARIANT = "pdf/ua-1"


class AssetRefused(PermissionError):
    """The report asked for something outside the project's own assets."""


def chart_uri(svg: str) -> str:
    """An SVG chart as a data: URL for an <img>: WeasyPrint parses it as SVG, not as HTML to be styled,
    which makes a report with a dozen charts about a third faster to lay out than inline <svg>."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_uris(figures: dict[str, object]) -> dict[str, str]:
    """Each figure drawn as SVG (with its name as the accessible title), as an <img> URL."""
    return {name: chart_uri(figure_svg(figure, title=name)) for name, figure in figures.items()}


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
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_reports_dir), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def templates_digest() -> str:
    """Digest of every file in reports/ and of the report format: a restyle rebuilds the reports."""
    digest = hashlib.sha256(REPORT_FORMAT.encode())
    for path in sorted(p for p in REPORTS_DIR.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(REPORTS_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def school_report_html(inputs: SchoolReportInputs, svgs: dict[str, str] | None = None) -> str:
    """The school report's final HTML; `svgs` (chart name -> image URL) drawn from its figures when not given."""
    svgs = chart_uris(school_figures(inputs)) if svgs is None else svgs
    return _environment(str(REPORTS_DIR)).get_template("school.html").render(**school_context(inputs, svgs))


def network_report_html(inputs: NetworkReportInputs, svgs: dict[str, str] | None = None) -> str:
    svgs = chart_uris(network_figures(inputs)) if svgs is None else svgs
    return _environment(str(REPORTS_DIR)).get_template("network.html").render(**network_context(inputs, svgs))


def organiser_report_html(inputs: OrganiserReportInputs) -> str:
    """The organiser report (reports/organiser.html): the organiser beside the network, its schools side by side."""
    return _environment(str(REPORTS_DIR)).get_template("organiser.html").render(**organiser_context(inputs))


def learning_report_html(inputs) -> str:
    """The network learning report (reports/learning.html) from `survey.learning.view.LearningInputs`: the
    network's changes, practices, plan groups and learning activity, for the annual meeting."""
    from survey.learning.layout import learning_context

    return _environment(str(REPORTS_DIR)).get_template("learning.html").render(**learning_context(inputs))


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


def render_organiser_report(inputs: OrganiserReportInputs) -> bytes:
    return html_to_pdf(organiser_report_html(inputs))


def render_learning_report(inputs) -> bytes:
    return html_to_pdf(learning_report_html(inputs))
