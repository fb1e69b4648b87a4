"""The integer URL converter of every route: ids beyond what the database can hold are a 404, not a 500.

Integers in URLs are database ids (and page numbers). PostgreSQL's `integer` ends at 2^31 - 1 and refuses a
larger parameter (NumericValueOutOfRange); SQLite's driver refuses one of 2^63 or more (OverflowError). Both
surfaced as 500. Registered as `int`, this converter bounds every `<int:...>` of every blueprint at once.
"""
from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1
"""The largest value of an `integer` column on PostgreSQL, and so the largest id."""


class IdConverter(IntegerConverter):
    """Whole numbers from 0 to MAX_ID (a lower `max` if given); anything larger matches no route."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs["max"] = min(kwargs.get("max") or MAX_ID, MAX_ID)
        super().__init__(map, *args, **kwargs)
