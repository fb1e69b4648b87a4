"""Schools with and without an action plan on a dimension, and how their indices changed: a description of the
network, never an effect (the schools chose to plan; schools that planned may differ in every other way).

The unit is the school: each school's change of the dimension's index against the previous comparable round
(METHOD.md v2, Trends: published cells only) counts once, whatever its number of respondents. Per dimension and
group ("with" a plan focusing on it, "without"): n = the number of schools with a published change,
mean change, sd (ddof = 1) and the 95% interval mean +/- t(0.975, n - 1) x sd / sqrt(n) (NaN for n < 2;
scipy.stats.t.interval(0.95, n - 1, mean, sd / sqrt(n)) computes the same).

Where who planned is not the admins' to read (`Network.admins_read_plans` off), a group of fewer than
`min_schools` schools is hidden, and so is the other group of the same dimension: the admins know every
school's change, so one group's n and mean beside the dimension's total would give the other's by subtraction.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis._stats import group_moments, t_interval

WITH_PLAN, WITHOUT_PLAN = "with", "without"
GROUPS = (WITH_PLAN, WITHOUT_PLAN)
MIN_SCHOOLS = 3  # the smallest group shown where plans are the schools' own (METHOD.md: at least 3 schools)
GROUP_COLUMNS = ("dimension", "group", "n", "mean", "sd", "low", "high", "hidden")


def changes_by_plan_group(changes: pd.DataFrame, planned: pd.DataFrame, dimensions: list[str], *,
                          hide_small: bool, min_schools: int = MIN_SCHOOLS) -> pd.DataFrame:
    """One row per (dimension, group) in `dimensions` order, "with" before "without".

    `changes`: columns school, dimension, change (NaN where the school has no published change: such a school
    is in neither group). `planned`: columns school, dimension: the schools whose plan focuses on the dimension.
    `hide_small`: hide both groups of a dimension where either holds fewer than `min_schools` schools
    (`hidden` True, every statistic NaN and n <NA>). Columns: `GROUP_COLUMNS`.
    """
    known = changes[changes["change"].notna().to_numpy()]
    known = known[known["dimension"].isin(dimensions).to_numpy()]
    with_plan = np.isin(_pairs(known), _pairs(planned))
    position = {dimension: i for i, dimension in enumerate(dimensions)}
    codes = known["dimension"].map(position).to_numpy(dtype=np.int64) * 2 + np.where(with_plan, 0, 1)
    n, mean, sd = group_moments(known["change"].to_numpy(dtype=np.float64), codes, 2 * len(dimensions))
    low, high = t_interval(n, mean, sd)
    too_small = (n < min_schools).reshape(-1, 2).any(axis=1).repeat(2) if hide_small else np.zeros(len(n), bool)
    table = pd.DataFrame({
        "dimension": pd.Series(np.repeat(dimensions, 2), dtype="str"),
        "group": pd.Series(np.tile(GROUPS, len(dimensions)), dtype="str"),
        "n": pd.array(np.where(too_small, np.nan, n), dtype="Int64"),
        "mean": np.where(too_small, np.nan, mean), "sd": np.where(too_small, np.nan, sd),
        "low": np.where(too_small, np.nan, low), "high": np.where(too_small, np.nan, high),
        "hidden": too_small})
    return table[list(GROUP_COLUMNS)]


def _pairs(table: pd.DataFrame) -> np.ndarray:
    """(school, dimension) of each row as one string, for a set lookup."""
    return (table["school"].astype(str) + "\x1f" + table["dimension"].astype(str)).to_numpy(dtype=object)
