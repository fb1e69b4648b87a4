"""The words a report prints, in its language: reports/labels.json (content a network may reword without code).

Kept apart from the PDF rendering so that the view model and the portal's dashboards read the same words
without importing WeasyPrint."""
from __future__ import annotations

import json
from functools import lru_cache

from survey.config import PROJECT_ROOT

REPORTS_DIR = PROJECT_ROOT / "reports"
LABELS_FILE = REPORTS_DIR / "labels.json"


@lru_cache(maxsize=4)
def _labels_for(language: str, stamp: float) -> dict[str, str]:
    labels = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    return labels.get(language, labels["da"])


def words(language: str) -> dict[str, str]:
    """The labels of `language` (Danish for a language the file lacks); re-read when the file changes."""
    return _labels_for(language, LABELS_FILE.stat().st_mtime)
