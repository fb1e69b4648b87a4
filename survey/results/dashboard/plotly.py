"""plotly.js, served by the app itself (no outside script on a page; the CSP allows only our own)."""
from __future__ import annotations

from pathlib import Path

import plotly
from flask import send_file

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_response():
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)
