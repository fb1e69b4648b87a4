"""Group dimension indices: n, mean, sd and 95% interval per group and dimension."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis._stats import group_moments, t_interval
from survey.analysis.groups import GroupCodes, GroupsLike, group_codes

STAT_COLUMNS = ("n", "mean", "sd", "ci_low", "ci_high")


def aligned_codes(groups: GroupsLike, index: pd.Index) -> GroupCodes:
    """Group codes for rows in `index` order (pandas groups are aligned on the index)."""
    if isinstance(groups, (pd.Series, pd.DataFrame)) and not groups.index.equals(index):
        groups = groups.reindex(index)
    elif isinstance(groups, (list, tuple)):
        groups = [g.reindex(index) if isinstance(g, pd.Series) and not g.index.equals(index)
                  else g for g in groups]
    codes = group_codes(groups, length=len(index))
    if len(codes.codes) != len(index):
        raise ValueError("groups and scores differ in length")
    return codes


def dimension_index(scores: pd.DataFrame, groups: GroupsLike = None) -> pd.DataFrame:
    """The dimension index of each group: one row per group and dimension.

    `scores` is `respondent_dimension_scores` (any subset of its columns). `groups` gives each
    respondent's group: a Series, a DataFrame (its columns crossed, e.g. school and program),
    a `GroupCodes`, or None for the network (all respondents pooled). Respondents with a missing
    label are left out of that breakdown's groups.

    Columns: the group label columns, `dimension`, `n` (defined respondent scores), `mean` (the
    index), `sd` (ddof=1), `ci_low`/`ci_high` (mean +/- t(0.975, n - 1) * sd / sqrt(n)). sd and the
    interval are NaN for n < 2, mean for n = 0. Rows: groups in label order, dimensions in
    `scores` column order.
    """
    codes = aligned_codes(groups, scores.index)
    values = scores.to_numpy(dtype=np.float64)
    dimensions = list(scores.columns)
    count, width = codes.count, len(dimensions)
    n = np.empty((count, width), dtype=np.int64)
    mean = np.empty((count, width))
    sd = np.empty((count, width))
    for d in range(width):
        n[:, d], mean[:, d], sd[:, d] = group_moments(values[:, d], codes.codes, count)
    return _long_frame(codes.labels, dimensions, "dimension", n, mean, sd)


def _long_frame(labels: pd.DataFrame, keys: list[str], key_name: str,
                n: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> pd.DataFrame:
    """Stack (groups x keys) arrays into one row per group and key."""
    count, width = n.shape
    n, mean, sd = n.ravel(), mean.ravel(), sd.ravel()
    low, high = t_interval(n, mean, sd)
    frame = labels.iloc[np.repeat(np.arange(count), width)].reset_index(drop=True)
    frame[key_name] = pd.Series(np.tile(np.asarray(keys, dtype=object), count), dtype="str")
    frame["n"] = n
    frame["mean"] = mean
    frame["sd"] = sd
    frame["ci_low"] = low
    frame["ci_high"] = high
    return frame
