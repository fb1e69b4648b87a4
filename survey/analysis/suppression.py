"""Anonymity: small-group and complementary suppression, cell by cell (METHOD.md, Anonymity)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_float_dtype

K_MIN = 5
HIDDEN = "–"


def suppress_small_groups(cells: pd.DataFrame, k_min: int = K_MIN, *,
                          parent: Sequence[str] | None = None,
                          parent_cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mark and blank the cells that must not be published.

    `cells` is a result table of `dimension_index` or `item_results`: group label columns first,
    then the cell key (`item` when present, else `dimension`), then `n` and the statistics. A cell
    is one group and one dimension (or item); its n is counted for that cell only.

    1. A cell with n < k_min is suppressed.
    2. Complementary suppression, per split: a split is the cells of one parent and one cell key,
       the parent being given by the `parent` columns (default: every group column but the last,
       e.g. `school` for school x program cells; none for school cells, the parent then being the
       network). While the suppressed cells of a split hold together 0 < total n < k_min, the
       smallest published cell of the split is suppressed too (equal n: the one listed first).
    3. With `parent_cells` (the parent table, already suppressed), every cell whose parent cell is
       suppressed is suppressed as well, so a complementary-suppressed parent cannot be rebuilt
       from its children. This is applied before step 2.

    Returns a copy with `suppressed` (bool) added; a suppressed cell keeps `n` (presenters show it
    with `displayed_n`) and has every other float column (mean, sd, interval, shares) blanked to
    NaN. An existing `suppressed` column counts as already suppressed.
    """
    key = "item" if "item" in cells.columns else "dimension"
    group_columns = list(cells.columns[: cells.columns.get_loc(key)])
    parent = list(group_columns[:-1] if parent is None else parent)
    if not set(parent) <= set(group_columns) or (group_columns and parent == group_columns):
        raise ValueError(f"parent {parent} must be a proper subset of the groups {group_columns}")

    n = cells["n"].to_numpy(dtype=np.int64)
    suppressed = n < k_min
    if "suppressed" in cells.columns:
        suppressed |= cells["suppressed"].to_numpy(dtype=bool)
    if parent_cells is not None:
        suppressed |= _parent_suppressed(cells, parent_cells, parent + [key])
    if group_columns:
        split = _split_codes(cells[parent + [key]])
        suppressed = _complementary(n, suppressed, split, k_min)

    result = cells.copy()
    result["suppressed"] = suppressed
    blank = [c for c in result.columns if c != "n" and is_float_dtype(result[c].dtype)]
    result.loc[suppressed, blank] = np.nan
    return result


def _split_codes(columns: pd.DataFrame) -> np.ndarray:
    codes = np.zeros(len(columns), dtype=np.int64)
    for name in columns.columns:
        part, uniques = pd.factorize(columns[name], use_na_sentinel=False)
        codes = codes * len(uniques) + part
    return pd.factorize(codes)[0]


def _complementary(n: np.ndarray, suppressed: np.ndarray, split: np.ndarray,
                   k_min: int) -> np.ndarray:
    """Vectorised 'suppress the smallest published cell until the split's suppressed total is
    0 or >= k_min' over every split at once."""
    held = np.bincount(split, weights=np.where(suppressed, n, 0))
    order = np.lexsort((np.arange(len(n)), n, split))  # by split, then n, then position
    in_split = split[order]
    published = ~suppressed[order]
    published_n = np.where(published, n[order], 0)
    running = np.cumsum(published_n)
    start = np.searchsorted(in_split, in_split)  # first position of each row's split
    before = running - published_n - np.where(start > 0, running[start - 1], 0)
    total = held[in_split]
    more = published & (total > 0) & (total + before < k_min)
    result = suppressed.copy()
    result[order[more]] = True
    return result


def _parent_suppressed(cells: pd.DataFrame, parent_cells: pd.DataFrame,
                       keys: list[str]) -> np.ndarray:
    hidden = parent_cells.loc[parent_cells["suppressed"].to_numpy(dtype=bool), keys]
    if hidden.empty:
        return np.zeros(len(cells), dtype=bool)
    marked = cells[keys].merge(hidden.drop_duplicates().assign(_hidden=True), on=keys,
                               how="left", sort=False)
    return marked["_hidden"].notna().to_numpy()


def displayed_n(n, suppressed, k_min: int = K_MIN):
    """How to show a cell's n: the number when published; "< k_min" when suppressed for being
    small; "–" when suppressed complementarily (n >= k_min): showing its true n would let a
    reader subtract their way to the small cell's exact n, and "< k_min" would be untrue.

    Scalars give a str; arrays give an object array; a Series gives a Series (same index)."""
    if np.isscalar(n) and np.isscalar(suppressed):
        if not suppressed:
            return str(int(n))
        return f"< {k_min}" if n < k_min else HIDDEN
    n_values = np.asarray(n, dtype=np.int64)
    hidden = np.asarray(suppressed, dtype=bool)
    shown = np.where(~hidden, n_values.astype(str).astype(object),
                     np.where(n_values < k_min, f"< {k_min}", HIDDEN))
    if isinstance(n, pd.Series):
        return pd.Series(shown, index=n.index, dtype=object, name=n.name)
    return shown
