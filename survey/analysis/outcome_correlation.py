"""Outcomes beside satisfaction across schools: how a dimension's school index and an outcome indicator (completion,
drop-out, employment, ...) go together over the network's schools, schools as the units.

For a round of year Y, each school is paired with its own school-level value of the indicator for Y, or, when
it has none, for the latest year before Y (`outcome_points`). A school whose index of the dimension is suppressed
(METHOD.md, Anonymity) is left out of that dimension's pairs, as is a school without a value.

Pearson's r over the pairs with its 95% interval by Fisher's z transformation (Fisher 1921):
z = atanh(r), se = 1 / sqrt(n - 3), interval tanh(z -/+ z_0.975 se), z_0.975 the normal quantile: the
interval scipy.stats.pearsonr(x, y).confidence_interval() gives. Computed only with at least `MIN_SCHOOLS`
schools (an interval on fewer means little and a handful of points is nearly a list of schools), and only
where both variables vary. An association across schools, never an effect of one on the other.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

MIN_SCHOOLS = 5
LEVEL = 0.95
POINT_COLUMNS = ("dimension", "indicator", "school", "index", "value", "year")
CORRELATION_COLUMNS = ("dimension", "indicator", "n", "r", "ci_low", "ci_high")


def outcome_points(indices: pd.DataFrame, outcomes: pd.DataFrame, year: int) -> pd.DataFrame:
    """The school-level pairs (index, outcome value) of every dimension and indicator.

    `indices`: columns school, dimension, index, suppressed (a round's school `all` rows; NETWORK rows are not
    schools and must not be given). `outcomes`: columns indicator, school, year, value (school-level values,
    not a program's). `year`: the round's year; a value of a later year is never used. Returns `POINT_COLUMNS`,
    `year` being the year of the value used, sorted by dimension, indicator and school."""
    published = indices[~indices["suppressed"].astype(bool) & indices["index"].notna()]
    published = published[["school", "dimension", "index"]].astype({"index": float})
    usable = outcomes[(outcomes["year"] <= year) & outcomes["value"].notna()]
    latest = (usable.sort_values("year").groupby(["indicator", "school"], as_index=False, sort=True).last()
              [["indicator", "school", "year", "value"]].astype({"value": float, "year": int}))
    points = published.merge(latest, on="school", how="inner")
    return (points[list(POINT_COLUMNS)].sort_values(["dimension", "indicator", "school"], kind="stable")
            .reset_index(drop=True))


def pearson_interval(x: np.ndarray, y: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """r and its `level` interval by Fisher's z (see the module); NaN for fewer than 4 pairs or a constant
    variable. r = +-1 gives the degenerate interval [r, r]."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    if n < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.nan, np.nan, np.nan
    dx, dy = x - x.mean(), y - y.mean()
    r = float(np.clip((dx @ dy) / np.sqrt((dx @ dx) * (dy @ dy)), -1.0, 1.0))
    if abs(r) == 1.0:
        return r, r, r
    z, half = np.arctanh(r), norm.ppf(0.5 + level / 2) / np.sqrt(n - 3)
    return r, float(np.tanh(z - half)), float(np.tanh(z + half))


def outcome_correlations(points: pd.DataFrame, *, min_schools: int = MIN_SCHOOLS) -> pd.DataFrame:
    """One row per (dimension, indicator) present in `points` (`outcome_points`): n schools, r and its 95%
    interval; r and the interval are NaN where fewer than `min_schools` schools have both, or a variable is
    constant. Returns `CORRELATION_COLUMNS`."""
    rows = []
    for (dimension, indicator), pairs in points.groupby(["dimension", "indicator"], sort=False):
        n = len(pairs)
        r, low, high = (pearson_interval(pairs["index"].to_numpy(), pairs["value"].to_numpy())
                        if n >= min_schools else (np.nan, np.nan, np.nan))
        rows.append((dimension, indicator, n, r, low, high))
    return pd.DataFrame(rows, columns=list(CORRELATION_COLUMNS)).astype({"n": int, "r": float, "ci_low": float,
                                                                        "ci_high": float})


def network_medians(values: pd.DataFrame, school: str, *, min_others: int = 3) -> pd.DataFrame:
    """What a school may read of the network's outcome values: per (indicator, year) the median over the
    schools' values (its own included), only where at least `min_others` other schools have a value of that
    indicator and year (the school-level confidentiality of METHOD.md, with schools as the units); never a
    count or any other school's value. `values`: columns indicator, school, year, value (school-level values).
    Returns columns indicator, year, median for the (indicator, year) cells that pass."""
    others = values[values["school"] != school].groupby(["indicator", "year"])["school"].nunique()
    passing = others[others >= min_others].index
    medians = values.groupby(["indicator", "year"])["value"].median()
    kept = medians[medians.index.isin(passing)]
    return kept.rename("median").reset_index()[["indicator", "year", "median"]]
