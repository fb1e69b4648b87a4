"""Anonymity: small-group and complementary suppression, cell by cell (METHOD.md, Anonymity).

A cell is one group and one dimension (or item), with its own n. A *published* cell shows n and its
statistics; a *suppressed* cell shows neither. What must never happen is that a reader can work out,
from published numbers only, the n and the mean of fewer than k_min respondents (0 < n < k_min). Three
ways to do so are closed here:

- a small cell itself (primary suppression: n < k_min);
- subtraction within a split: a published parent (a school, the network) minus its published groups
  leaves the *hidden part* of the split, i.e. the suppressed groups plus the respondents who are in the
  parent but in no group (no answer to an optional background question, no program: the *remainder*,
  parent n minus the sum of the groups' n). The hidden part must hold 0 or >= k_min respondents;
- in a two-way breakdown (schools x programs, schools x genders, ...) the same subtraction along the
  other direction: the network's cell of a group minus that group's published school cells
  (`suppress_crossed`), and chains of such subtractions: a complementary cell that can itself be
  worked out (for instance it is the only hidden school cell of its group) protects nothing. METHOD's
  audit asks more, and `suppress_crossed` gives it: no suppressed cell, small or not, may be bounded to a
  range narrower than k_min respondents (`protect_table`).

`displayed_n` and `hide_suppressed_n` say how a suppressed cell's n is shown: "–", never a number and never a
bound, whatever the reason (one symbol, footnoted `SUPPRESSION_NOTE`).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_float_dtype

from survey.analysis.disclosure import protect_table

K_MIN = 5
HIDDEN = "–"
SUPPRESSED = "suppressed"  # the one value of `suppression`: too few respondents, or protecting a small group
SUPPRESSION_NOTE = "fewer than k_min respondents, or protected so that a small group cannot be derived"


def suppress_small_groups(cells: pd.DataFrame, k_min: int = K_MIN, *,
                          parent: Sequence[str] | None = None,
                          parent_cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mark and blank the cells that must not be published.

    `cells` is a result table of `dimension_index` or `item_results`: group label columns first,
    then the cell key (`item` when present, else `dimension`), then `n` and the statistics. A cell
    is one group and one dimension (or item); its n is counted for that cell only.

    1. A cell with n < k_min is suppressed.
    2. With `parent_cells` (the parent table, already suppressed), every cell whose parent cell is
       suppressed is suppressed as well, so a complementary-suppressed parent cannot be rebuilt
       from its children. This is applied before step 3.
    3. Complementary suppression, per split: a split is the cells of one parent and one cell key,
       the parent being given by the `parent` columns (default: every group column but the last,
       e.g. `school` for school x program cells; none for school cells, the parent then being the
       network). The split's *hidden part* is its suppressed cells plus its *remainder*: the
       respondents of the parent cell in no group of the split (parent n minus the sum of the
       cells' n; known only with `parent_cells`, else 0). While the hidden part holds
       0 < n < k_min, the smallest published cell of the split is suppressed too (equal n: the one
       listed first). A hidden part made of one single cell (no remainder) is that cell's exact
       numbers by subtraction, so the smallest published cell is suppressed with it as well (this
       only happens to a cell suppressed beforehand, e.g. by an existing `suppressed` column).
       Splits whose parent cell is suppressed publish nothing to subtract from and are left alone.

    Why the network counts as a published parent of the school split: the network's pooled index
    and n are published, so with every school but one published, that school's mean is
    (network n x network mean - the published schools' sums) / its n. School cells are therefore
    one split of the network, like the programs of a school (`test_school_cells_are_a_split_of_the_network`).

    Returns a copy with `suppressed` (bool) added; a suppressed cell keeps `n` (presenters show it
    with `displayed_n`, or blank it with `hide_suppressed_n`) and has every other float column
    (mean, sd, interval, shares) blanked to NaN. An existing `suppressed` column counts as already
    suppressed.
    """
    return _suppress_split(cells, k_min, parent=parent, parent_cells=parent_cells)


def _suppress_split(cells: pd.DataFrame, k_min: int, *, parent: Sequence[str] | None = None,
                    parent_cells: pd.DataFrame | None = None, follow_parent: bool = True,
                    single: bool = True, blank: bool = True) -> pd.DataFrame:
    key = _key_of(cells)
    group_columns = list(cells.columns[: cells.columns.get_loc(key)])
    parent = list(group_columns[:-1] if parent is None else parent)
    if not set(parent) <= set(group_columns) or (group_columns and parent == group_columns):
        raise ValueError(f"parent {parent} must be a proper subset of the groups {group_columns}")

    n = _n_values(cells)
    suppressed = n < k_min
    if "suppressed" in cells.columns:
        suppressed |= cells["suppressed"].to_numpy(dtype=bool)
    if group_columns:
        split = _split_codes(cells[parent + [key]])
        count = int(split.max()) + 1 if len(split) else 0
        remainder = np.zeros(count)
        active = np.ones(count, dtype=bool)
        if parent_cells is not None:
            parent_n, parent_hidden = _parent_lookup(cells, parent_cells, parent + [key], k_min)
            if follow_parent:
                suppressed |= parent_hidden
            first = np.zeros(count, dtype=np.int64)
            first[split[::-1]] = np.arange(len(split))[::-1]
            children = np.bincount(split, weights=n, minlength=count)
            known = ~np.isnan(parent_n[first])  # a split without a parent cell: no remainder known
            remainder = np.where(known, np.clip(np.nan_to_num(parent_n[first]) - children, 0, None), 0)
            active = ~parent_hidden[first]
        suppressed = _complementary(n, suppressed, split, k_min, remainder, active, single)

    result = cells.copy()
    result["suppressed"] = suppressed
    if blank:
        _blank(result)
    return result


def _key_of(cells: pd.DataFrame) -> str:
    return "item" if "item" in cells.columns else "dimension"


def _n_values(cells: pd.DataFrame) -> np.ndarray:
    return cells["n"].to_numpy(dtype=np.float64, na_value=0).astype(np.int64)


def _blank(result: pd.DataFrame) -> None:
    suppressed = result["suppressed"].to_numpy(dtype=bool)
    blank = [c for c in result.columns if c != "n" and is_float_dtype(result[c].dtype)]
    if blank and suppressed.any():
        result.loc[suppressed, blank] = np.nan


def _label_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Label columns as plain objects, so tables built apart (categoricals with other categories) match."""
    return pd.DataFrame({c: frame[c].astype(object).to_numpy() for c in frame.columns})


def _split_codes(columns: pd.DataFrame) -> np.ndarray:
    codes = np.zeros(len(columns), dtype=np.int64)
    for name in columns.columns:
        part, uniques = pd.factorize(columns[name], use_na_sentinel=False)
        codes = codes * len(uniques) + part
    return pd.factorize(codes)[0]


def _parent_lookup(cells: pd.DataFrame, parent_cells: pd.DataFrame, keys: list[str], k_min: int):
    """Per row of `cells`: its parent cell's n (NaN when the parent table has no such cell) and whether
    the parent cell is suppressed."""
    parent_n = _n_values(parent_cells)
    hidden = parent_n < k_min
    if "suppressed" in parent_cells.columns:
        hidden |= parent_cells["suppressed"].to_numpy(dtype=bool)
    if not keys:  # pragma: no cover - a split always has its cell key
        raise ValueError("no keys")
    right = _label_frame(parent_cells[keys]).assign(_n=parent_n.astype(np.float64), _hidden=hidden)
    right = right.drop_duplicates(keys)
    marked = _label_frame(cells[keys]).merge(right, on=keys, how="left", sort=False)
    return marked["_n"].to_numpy(dtype=np.float64), marked["_hidden"].eq(True).to_numpy()


def _complementary(n: np.ndarray, suppressed: np.ndarray, split: np.ndarray, k_min: int,
                   remainder: np.ndarray, active: np.ndarray, single: bool) -> np.ndarray:
    """Vectorised 'suppress the smallest published cell until the split's hidden part is 0 or
    >= k_min (and not one single cell)' over every split at once."""
    count = len(remainder)
    held = np.bincount(split, weights=np.where(suppressed, n, 0), minlength=count) + remainder
    lone = (np.bincount(split, weights=suppressed & (n > 0), minlength=count) == 1) & (remainder == 0)
    order = np.lexsort((np.arange(len(n)), n, split))  # by split, then n, then position
    in_split = split[order]
    published = ~suppressed[order]
    published_n = np.where(published, n[order], 0)
    running = np.cumsum(published_n)
    start = np.searchsorted(in_split, in_split)  # first position of each row's split
    before = running - published_n - np.where(start > 0, running[start - 1], 0)
    published_count = np.cumsum(published)
    rank = published_count - published - np.where(start > 0, published_count[start - 1], 0)
    total = held[in_split]
    needed = total + before < k_min
    if single:
        needed |= lone[in_split] & (rank == 0)
    more = published & active[in_split] & (total > 0) & needed
    result = suppressed.copy()
    result[order[more]] = True
    return result


# --- two-way breakdowns ------------------------------------------------------------------------------


def suppress_crossed(cells: pd.DataFrame, k_min: int = K_MIN, *, rows: Sequence[str],
                     row_cells: pd.DataFrame, column_cells: pd.DataFrame,
                     total_cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppression of a two-way breakdown, e.g. school x program, in both directions.

    `cells`: the crossed table (`dimension_index` by `rows` and the breakdown's group columns, e.g.
    school x program). `row_cells`: the table by `rows` alone (the schools), already suppressed.
    `column_cells`: the table by the group columns alone (the network's programs), suppressed or not.
    `total_cells`: the table without groups (the network), already suppressed.

    Seen per dimension, these are one table: schools x groups, with the school cells as row totals,
    the network's group cells as column totals and the network cell as the grand total, plus an
    unpublished remainder column (respondents of a school in no group) and row (respondents in a
    group but without a school). Every line of it is an equation a reader can subtract along:

    1. the network's group cells as a split of the network (remainder included);
    2. each school's split into groups, remainder included, and every group of a suppressed school
       suppressed (`suppress_small_groups` with the school as parent);
    3. each group's split across schools: the suppressed school cells of a group must hold 0 or
       >= k_min respondents, else the group's smallest published school cell is suppressed;
       2 and 3 are repeated until nothing changes;
    4. then every combination of such subtractions (`protect_table`, an exact test): every suppressed
       cell (small or complementary, school totals and the network's group cells included) must stay
       uncertain by at least k_min respondents given the published cells, and a remainder either so or
       surely >= k_min. Where one is not, the smallest published cell that widens its range enough is
       suppressed, else the cheapest cycle of four cells around it (school cells of a group, or the
       network's group cells; school and network totals are never touched here, they are decided as a
       split of the network), and the test runs again.

    Returns (cells, column_cells), each with `suppressed` and blanked statistics like
    `suppress_small_groups`.
    """
    key = _key_of(cells)
    group_columns = list(cells.columns[: cells.columns.get_loc(key)])
    rows = list(rows)
    columns = [c for c in group_columns if c not in rows]
    if not rows or not columns or set(rows) - set(group_columns):
        raise ValueError(f"rows {rows} must be some, not all, of the groups {group_columns}")

    column_cells = _suppress_split(column_cells, k_min, parent=[], parent_cells=total_cells,
                                   blank=False)
    flags, previous = cells, None
    while True:
        flags = _suppress_split(flags, k_min, parent=rows, parent_cells=row_cells, single=False,
                                blank=False)
        flags = _suppress_split(flags, k_min, parent=columns, parent_cells=column_cells,
                                follow_parent=False, single=False, blank=False)
        current = flags["suppressed"].to_numpy(dtype=bool)
        if previous is not None and np.array_equal(current, previous):
            break
        previous = current.copy()

    cell_hidden, column_hidden = _protect_tables(flags, column_cells, row_cells, total_cells,
                                                 rows, columns, key, k_min)
    flags["suppressed"] = cell_hidden
    column_cells["suppressed"] = column_hidden
    _blank(flags)
    _blank(column_cells)
    return flags, column_cells


def _published(table: pd.DataFrame, k_min: int) -> np.ndarray:
    n = _n_values(table)
    hidden = n < k_min
    if "suppressed" in table.columns:
        hidden |= table["suppressed"].to_numpy(dtype=bool)
    return ~hidden


def _index_of(frame: pd.DataFrame, columns: list[str], index: pd.Index) -> np.ndarray:
    labels = _label_frame(frame[columns])
    keys = pd.MultiIndex.from_frame(labels) if len(columns) > 1 else pd.Index(labels[columns[0]])
    return index.get_indexer(keys)


def _union_index(frames: list[pd.DataFrame], columns: list[str]) -> pd.Index:
    labels = pd.concat([_label_frame(f[columns]) for f in frames], ignore_index=True).drop_duplicates()
    if len(columns) > 1:
        return pd.MultiIndex.from_frame(labels)
    return pd.Index(labels[columns[0]])


def _protect_tables(cells, column_cells, row_cells, total_cells, rows, columns, key, k_min):
    """Step 4 of `suppress_crossed`, per cell key: build each key's table and protect it."""
    row_index = _union_index([row_cells, cells], rows)
    column_index = _union_index([column_cells, cells], columns)
    key_index = _union_index([total_cells, cells], [key])
    S, G, D = len(row_index), len(column_index), len(key_index)
    n = np.zeros((D, S + 2, G + 2), dtype=np.int64)
    published = np.zeros((D, S + 2, G + 2), dtype=bool)

    def place(table, r, c):
        k = _index_of(table, [key], key_index)
        r, c = np.broadcast_to(r, k.shape), np.broadcast_to(c, k.shape)
        keep = (k >= 0) & (r >= 0) & (c >= 0)
        n[k[keep], r[keep], c[keep]] = _n_values(table)[keep]
        published[k[keep], r[keep], c[keep]] = _published(table, k_min)[keep]

    cell_r, cell_c = _index_of(cells, rows, row_index), _index_of(cells, columns, column_index)
    place(cells, cell_r, cell_c)
    place(row_cells, _index_of(row_cells, rows, row_index), G + 1)
    col_c = _index_of(column_cells, columns, column_index)
    place(column_cells, S + 1, col_c)
    place(total_cells, S + 1, G + 1)
    # the unpublished remainders: row S = in a group but no row label, column G = in no group
    n[:, :S, G] = np.clip(n[:, :S, G + 1] - n[:, :S, :G].sum(axis=2), 0, None)
    n[:, S, :G] = np.clip(n[:, S + 1, :G] - n[:, :S, :G].sum(axis=1), 0, None)
    n[:, S, G + 1] = np.clip(n[:, S + 1, G + 1] - n[:, :S, G + 1].sum(axis=1), 0, None)
    n[:, S + 1, G] = np.clip(n[:, S + 1, G + 1] - n[:, S + 1, :G].sum(axis=1), 0, None)
    n[:, S, G] = np.clip(n[:, S, G + 1] - n[:, S, :G].sum(axis=1), 0, None)
    hideable = np.zeros((S + 2, G + 2), dtype=bool)
    hideable[:S, :G] = True
    hideable[S + 1, :G] = True

    remainders = np.zeros((S + 2, G + 2), dtype=bool)
    remainders[S, :] = remainders[:, G] = True
    for d in range(D):
        published[d] = protect_table(n[d], published[d], hideable, k_min, remainders)

    k = _index_of(cells, [key], key_index)
    cell_hidden = ~published[k, cell_r, cell_c]
    k = _index_of(column_cells, [key], key_index)
    column_hidden = ~published[k, S + 1, col_c]
    return cell_hidden, column_hidden


def displayed_n(n, suppressed):
    """How to show a cell's n: the number when published, "–" when suppressed, whatever the reason
    (METHOD.md, Anonymity: one symbol; "< k_min" would tell the small cells from those hidden to protect them).

    Scalars give a str; arrays give an object array; a Series gives a Series (same index)."""
    if np.isscalar(n) and np.isscalar(suppressed):
        return HIDDEN if suppressed else str(int(n))
    hidden = np.asarray(suppressed, dtype=bool)
    values = n.to_numpy(dtype=np.float64, na_value=0) if isinstance(n, pd.Series) else np.asarray(n, np.float64)
    n_values = np.where(hidden, 0, np.nan_to_num(values))
    shown = np.where(hidden, HIDDEN, n_values.astype(np.int64).astype(str).astype(object)).astype(object)
    if isinstance(n, pd.Series):
        return pd.Series(shown, index=n.index, dtype=object, name=n.name)
    return shown


def hide_suppressed_n(table: pd.DataFrame, k_min: int = K_MIN) -> pd.DataFrame:
    """A result table as it may be published: a suppressed cell carries no exact n and no reason.

    `n` becomes a nullable integer (Int64), <NA> where `suppressed`; two columns are (re)written, in place
    when the table has them, else at the end:
    `suppression`: `SUPPRESSED` for every suppressed cell, <NA> when published (one value: no primary or
    complementary); `n_shown`: the n as every presenter shows it (`displayed_n`: the number, or "–").
    Idempotent, and results frozen with the reasons of earlier versions come out the same way. A table
    without `suppressed` is returned unchanged. `k_min` is kept for callers; no output depends on it."""
    if "suppressed" not in table.columns or "n" not in table.columns:
        return table
    table = table.copy()
    suppressed = table["suppressed"].to_numpy(dtype=bool)
    values = table["n"].to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.where(suppressed | np.isnan(values), np.nan, values)
    table["n"] = pd.array(values, dtype="Int64")
    table["suppression"] = pd.Series(np.where(suppressed, SUPPRESSED, None), index=table.index, dtype="str")
    table["n_shown"] = pd.Series(displayed_n(np.nan_to_num(values), suppressed), index=table.index, dtype="str")
    return table
