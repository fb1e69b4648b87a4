"""Group labels as integer codes, so group statistics are array operations, not loops."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Above this many possible label combinations, combined codes are compressed by hashing
# instead of by a dense table.
_DENSE_LIMIT = 1 << 24


@dataclass(frozen=True)
class GroupCodes:
    """Respondent -> group mapping.

    `codes[i]` is respondent i's group (0 .. len(labels) - 1), or -1 when one of their labels is
    missing: such respondents belong to no group of this breakdown (they still count in the
    parent and the network). `labels` has one row per observed group, one column per grouping
    variable, sorted by the labels (categoricals: in category order).
    """

    codes: np.ndarray
    labels: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.labels)


GroupsLike = pd.Series | pd.DataFrame | GroupCodes | Sequence["pd.Series | GroupCodes"] | None


def group_codes(groups: GroupsLike, length: int | None = None) -> GroupCodes:
    """Encode group labels: a Series, a DataFrame (one column per variable, crossed), a
    GroupCodes, a list of those (crossed), or None (everyone in one group, no label columns;
    `length` is then required)."""
    if isinstance(groups, GroupCodes):
        return groups
    if groups is None:
        if length is None:
            raise ValueError("length is required when groups is None")
        return GroupCodes(np.zeros(length, dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1)))
    if isinstance(groups, pd.Series):
        return _from_series(groups)
    if isinstance(groups, pd.DataFrame):
        parts = [_from_series(groups[column]) for column in groups.columns]
    else:
        parts = [group_codes(part) for part in groups]
    if not parts:
        raise ValueError("no grouping variables given")
    result = parts[0]
    for part in parts[1:]:
        result = _cross(result, part)
    return result


def _from_series(series: pd.Series) -> GroupCodes:
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    name = series.name if series.name is not None else "group"
    labels = pd.DataFrame({name: pd.Series(uniques, copy=False)}).reset_index(drop=True)
    return GroupCodes(codes.astype(np.int64, copy=False), labels)


def _cross(a: GroupCodes, b: GroupCodes) -> GroupCodes:
    """Groups of every observed combination of a's and b's labels, sorted like the labels."""
    if len(a.codes) != len(b.codes):
        raise ValueError("grouping variables differ in length")
    if set(a.labels.columns) & set(b.labels.columns):
        raise ValueError("a grouping variable is used twice")
    missing = (a.codes < 0) | (b.codes < 0)
    combined = a.codes * b.count + b.codes
    combined[missing] = -1
    present = combined[~missing]
    codes = np.full(len(combined), -1, dtype=np.int64)
    if a.count * b.count <= _DENSE_LIMIT:
        observed = np.flatnonzero(np.bincount(present, minlength=a.count * b.count))
        lookup = np.full(a.count * b.count, -1, dtype=np.int64)
        lookup[observed] = np.arange(len(observed))
        codes[~missing] = lookup[present]
    else:
        observed, inverse = np.unique(present, return_inverse=True)
        codes[~missing] = inverse
    left = a.labels.iloc[observed // b.count].reset_index(drop=True)
    right = b.labels.iloc[observed % b.count].reset_index(drop=True)
    return GroupCodes(codes, pd.concat([left, right], axis=1))
