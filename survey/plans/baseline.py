"""What a plan reads of its base round: the school's published index of each dimension with its interval and n,
the "Improve first" quadrant that suggests a focus, the smallest change its n can detect, and its benchmark
partners.

Everything comes from the round's frozen results as the school's staff read them (`RoundResults.for_school`,
staff view): a suppressed cell gives no index, no n and no detectable change. The one exception is resolving the
partner a school picks: the form names a row of the school's own partner list (dimension and place in it, never
a school), and the school behind it is looked up in the round's stored, unfiltered partners table, so that no
school id or code ever travels through the form of a network that does not share names.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey.analysis.detectable import detectable_change
from survey.analysis.priority import IMPROVE_FIRST
from survey.results.compute import ALL
from survey.results.service import RoundResults


@dataclass(frozen=True)
class BaseDimension:
    """One dimension of the base round as the school's staff see it. `index` None: the cell is suppressed."""

    key: str
    label: str
    index: float | None
    ci_low: float | None
    ci_high: float | None
    n_shown: str  # the published n, "–" where suppressed
    detectable: float | None  # `survey.analysis.detectable.detectable_change`
    suggested: bool  # in the "Improve first" quadrant


@dataclass(frozen=True)
class PartnerChoice:
    """A row of the school's partner list: `value` names it in forms ("<dimension>:<order>")."""

    value: str
    label: str  # as the school sees it: the anonymous label, or the name where the network shares names
    dimension: str


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def own_rows(results: RoundResults, code: str) -> pd.DataFrame:
    """The school's `all` rows of `results` (already cut for the school), by dimension key."""
    table = results.aggregates
    rows = table[((table["school"] == code) & (table["breakdown"] == ALL)).to_numpy()]
    return rows.set_index(rows["dimension"].astype(str))


def base_dimensions(results: RoundResults, code: str, labels: dict[str, str]) -> list[BaseDimension]:
    """The base round's dimensions in questionnaire order (`labels`: key -> label, in that order), each with
    the school's published numbers and its detectable change (same n, sd and population assumed next time)."""
    rows = own_rows(results, code)
    dimensions = []
    for key, label in labels.items():
        if key not in rows.index:
            continue
        row = rows.loc[key]
        hidden = bool(row["suppressed"])
        n = None if hidden or pd.isna(row["n"]) else int(row["n"])
        fpc = row["fpc"] if "fpc" in rows.columns else np.nan
        detectable = None if n is None else _number(detectable_change(n, row["sd"], fpc)[()])
        dimensions.append(BaseDimension(
            key=key, label=label, index=None if hidden else _number(row["index"]),
            ci_low=None if hidden else _number(row["ci_low"]), ci_high=None if hidden else _number(row["ci_high"]),
            n_shown=str(row["n_shown"]) if "n_shown" in rows.columns else ("–" if n is None else str(n)),
            detectable=detectable, suggested=not hidden and row["quadrant"] == IMPROVE_FIRST))
    return dimensions


def partner_choices(results: RoundResults, code: str, labels: dict[str, str]) -> list[PartnerChoice]:
    """The school's benchmark partners of the round, as its own results list them (most similar first within
    each "Improve first" dimension, in questionnaire order)."""
    table = results.partners
    table = table[(table["school"] == code).to_numpy()]
    choices = []
    for key, label in labels.items():
        for _, row in table[(table["dimension"] == key).to_numpy()].sort_values("order", kind="stable").iterrows():
            choices.append(PartnerChoice(f"{key}:{int(row['order'])}", f"{row['partner_label']} ({label})", key))
    return choices


def partner_code(unfiltered: RoundResults, code: str, value: str) -> str | None:
    """The code of the school behind the partner row `value` of school `code`'s list, read from the round's
    stored partners table (`round_results(round)`, not cut for the school); None when there is no such row."""
    dimension, _, order = value.rpartition(":")
    if not dimension or not order.isdigit():
        return None
    table = unfiltered.partners
    found = table[((table["school"] == code) & (table["dimension"] == dimension)
                   & (table["order"] == int(order))).to_numpy()]
    return None if found.empty else str(found["partner_school"].iloc[0])


def partner_label(unfiltered: RoundResults, own: RoundResults, code: str, partner: str,
                  labels: dict[str, str]) -> str | None:
    """How school `code` sees the partner school `partner` in its list: the label of the first row naming it
    (its own list's label, anonymous unless the network shares names, with the dimension). None when the
    partner is in none of its rows."""
    table = unfiltered.partners
    rows = table[((table["school"] == code) & (table["partner_school"] == partner)).to_numpy()]
    if rows.empty:
        return None
    first = rows.iloc[0]
    shown = own.partners
    seen = shown[((shown["dimension"] == first["dimension"]) & (shown["order"] == first["order"])).to_numpy()]
    label = seen["partner_label"].iloc[0] if len(seen) else first["partner_label"]
    return f"{label} ({labels.get(str(first['dimension']), first['dimension'])})"
