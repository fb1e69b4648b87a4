"""The WSGI app for `bench/intake.py`: the product app from the environment, plus a bench-only `/hello`.

    DATABASE_URL=... SECRET_KEY=... BENCHLEARN_ENV=production gunicorn -w 2 bench.intake_app:app

`/hello` returns "hello" and touches nothing else (no database, no template): it is the ceiling the survey
pages are compared with, served by the same workers in the same run. It exists only here, not in the product.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCHLEARN_ENV", "production")

from survey import create_app  # noqa: E402
from survey.extensions import csrf  # noqa: E402

app = create_app()


@app.get("/hello")
@csrf.exempt
def hello():
    return "hello"
