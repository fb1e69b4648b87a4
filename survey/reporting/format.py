"""How numbers are written. One function per kind of number, used by the PDF, the dashboard and the exports,
so that the PDF read back holds the same numbers as the aggregates export."""
from __future__ import annotations

import pandas as pd

from survey.analysis.suppression import HIDDEN, displayed_n

DECIMAL_COMMA = {"da", "sv"}


def _missing(value) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def format_number(value, language: str = "da", decimals: int = 1) -> str:
    """72.44 -> "72,4" in Danish and Swedish, "72.4" in English; missing -> "–"."""
    if _missing(value):
        return "–"
    text = f"{float(value):.{decimals}f}"
    if text in ("-0.0", "-0"):
        text = text[1:]
    return text.replace(".", ",") if language in DECIMAL_COMMA else text


def format_index(value, language: str = "da") -> str:
    """An index 0-100 as displayed everywhere: one decimal."""
    return format_number(value, language, 1)


def format_interval(low, high, language: str = "da") -> str:
    if _missing(low) or _missing(high):
        return "–"
    return f"{format_index(low, language)}–{format_index(high, language)}"


def format_percent(share, language: str = "da") -> str:
    """A share 0-1 as a whole percent: 0.634 -> "63 %" (Danish/Swedish spacing) or "63%"."""
    if _missing(share):
        return "–"
    number = f"{round(float(share) * 100):d}"
    return f"{number} %" if language in DECIMAL_COMMA else f"{number}%"


def format_n(n, suppressed: bool = False) -> str:
    """A cell's n as shown everywhere (METHOD.md, Anonymity; `survey.analysis.displayed_n`): the number when
    published, "–" for every suppressed cell whatever the reason (one symbol, never a number or a bound) and
    for an n the results do not carry. An n the results already write as text is shown as it is."""
    if isinstance(n, str):
        return n
    if suppressed or _missing(n):
        return HIDDEN
    return displayed_n(int(n), False)


MINUS = "−"  # U+2212: a signed number's minus, distinct from the en dash of an interval and of "–" (suppressed)


def format_signed(value, language: str = "da", decimals: int = 1) -> str:
    """A difference with its sign: "+3,2", "−1,5", "0,0"; missing -> "–"."""
    if _missing(value):
        return "–"
    text = format_number(value, language, decimals)
    if text.startswith("-"):
        return MINUS + text[1:]
    return text if set(text) <= set("0,.") else f"+{text}"


def format_signed_interval(low, high, language: str = "da") -> str:
    """The interval of a difference, "[−1,2; 4,0]": brackets and a semicolon, because the bounds carry signs
    and (in Danish and Swedish) decimal commas, which a dash or a comma between them would blur."""
    if _missing(low) or _missing(high):
        return "–"
    return f"[{format_signed(low, language)}; {format_signed(high, language)}]"


def format_rank(rank, low, high, of, words: dict[str, str]) -> str:
    """A rank always with its 95% interval (METHOD.md, Benchmark): "3 (2–6) af 20"; "–" when not ranked."""
    if _missing(rank) or _missing(of):
        return "–"
    interval = f" ({int(low)}–{int(high)})" if not (_missing(low) or _missing(high)) else ""
    return f"{int(rank)}{interval} {words['of']} {int(of)}"
