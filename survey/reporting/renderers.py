"""How a plotly figure becomes the static SVG in the PDF. Both renderers start from the same figure object.

- "direct" (default): `survey.reporting.svg` draws the figure in Python. Measured by bench/reports.py at
  about 0.3 ms per chart.
- "kaleido": plotly's own renderer running in one persistent headless Chromium per process (Debian's
  chromium, found through BROWSER_PATH, with MathJax off). Measured at 110-210 ms per chart. A report has
  about 18 charts, so this adds more than WeasyPrint's own time. Use it when a network's templates need
  plotly features that `svg` does not draw.

Choose with REPORT_CHARTS=direct|kaleido. The setting is read from the environment because reports are
built in worker processes that have no app context.
"""
from __future__ import annotations

import atexit
import os
import re

from survey.reporting.svg import figure_to_svg

RENDERERS = ("direct", "kaleido")
DEFAULT_BROWSER = "/usr/bin/chromium"


class RendererError(RuntimeError):
    """The chosen renderer cannot run here; the message says what is missing."""


def chart_renderer() -> str:
    name = os.environ.get("REPORT_CHARTS", "direct")
    if name not in RENDERERS:
        raise RendererError(f"REPORT_CHARTS={name!r}: choose one of {', '.join(RENDERERS)}")
    return name


def figure_svg(figure, *, title: str) -> str:
    """The figure as standalone SVG with an accessible <title>, using the configured renderer."""
    if chart_renderer() == "kaleido":
        return _with_title(_kaleido_svg(figure), title)
    return figure_to_svg(figure, title=title)


_kaleido_started = False


def _kaleido_svg(figure) -> str:
    global _kaleido_started
    import kaleido

    if not _kaleido_started:
        browser = os.environ.setdefault("BROWSER_PATH", DEFAULT_BROWSER)
        if not os.path.exists(browser):
            raise RendererError(f"REPORT_CHARTS=kaleido needs Chromium at BROWSER_PATH ({browser}): apt-get install chromium")
        kaleido.start_sync_server(mathjax=False, path=browser, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _kaleido_started = True
    return kaleido.calc_fig_sync(figure, opts={"format": "svg"}).decode("utf-8")


def _with_title(svg: str, title: str) -> str:
    from html import escape

    return re.sub(r"(<svg\b[^>]*>)", lambda m: f'{m.group(1)}<title>{escape(title)}</title>', svg, count=1)
