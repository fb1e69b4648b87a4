"""School-level confidentiality and live counts (METHOD.md, Anonymity).

A network-level cell (the network's value for a program, a background group, an item, a dimension) pools the
respondents of several schools. A school's staff know their own school's part of it, so they may see it only
when what is left after taking their own part away is still a crowd: the cell pools at least 3 schools (the
viewer's own included, the usual threshold rule: a contributor subtracting their own part is left with at least
two others pooled) and at least k_min respondents outside the viewing school. Otherwise the cell is withheld
from that school ("–"); admins see it.

Withholding one cell of a split is not enough when the split's parent is shown: the network's dimension cell
minus its shown program cells gives the withheld programs (and the respondents in no program) pooled. So within
each split the withheld part must itself pass the same test, else the smallest shown cell of the split is
withheld too, until it does (the complementary rule, applied per viewer).

Live response counts follow the small-group rule (`protected_counts`): a group of fewer than k_min shows "–",
and the groups hidden in a shown total hold 0 or at least k_min respondents.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MIN_SCHOOLS = 3  # a network-level cell is shown to a school only when it pools at least this many schools
ALL = "all"


class NetworkCells:
    """The network-level cells of one table with each school's part of them, arranged once so that the cells
    withheld from any viewer are found quickly (a report build asks for every school of the round).

    `cells`: the network's rows, label columns `labels` (e.g. breakdown, group, dimension) and `suppressed`.
    `contributions`: the schools' parts, the same label columns plus `school` and `n` (exact, never
    published). A split is the cells sharing every label but `group` (e.g. one breakdown and one dimension);
    its parent is the cell with breakdown and group "all" and the same last label."""

    def __init__(self, cells: pd.DataFrame, contributions: pd.DataFrame, labels: Sequence[str]):
        self.labels = list(labels)
        keys = _keys(cells, self.labels)
        self.index = pd.Index(keys)
        self.schools = pd.Index(sorted(contributions["school"].astype(str).unique()))
        matrix = np.zeros((len(self.index), len(self.schools)), dtype=np.int64)
        if len(contributions):
            row = self.index.get_indexer(_keys(contributions, self.labels))
            column = self.schools.get_indexer(contributions["school"].astype(str))
            n = pd.to_numeric(contributions["n"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
            keep = row >= 0
            np.add.at(matrix, (row[keep], column[keep]), n[keep])
        self.matrix = matrix
        self.suppressed = cells["suppressed"].to_numpy(dtype=bool) if "suppressed" in cells else \
            np.zeros(len(cells), dtype=bool)
        self.splits = self._splits(cells)

    def _splits(self, cells: pd.DataFrame) -> list[tuple[int, np.ndarray]]:
        if not {"breakdown", "group"} <= set(self.labels):
            return []
        key = self.labels[-1]
        frame = pd.DataFrame({"breakdown": cells["breakdown"].astype(str).to_numpy(),
                              "group": cells["group"].astype(str).to_numpy(),
                              "key": cells[key].astype(str).to_numpy(), "row": np.arange(len(cells))})
        parents = frame[(frame["breakdown"] == ALL)].set_index("key")["row"]
        splits = []
        children = frame[frame["breakdown"] != ALL]
        for (_, key_value), rows in children.groupby(["breakdown", "key"], sort=False)["row"]:
            if key_value in parents.index:
                splits.append((int(parents[key_value]), rows.to_numpy()))
        return splits

    @property
    def n(self) -> np.ndarray:
        return self.matrix.sum(axis=1)

    @property
    def school_counts(self) -> np.ndarray:
        """How many schools contribute respondents to each cell."""
        return (self.matrix > 0).sum(axis=1)

    def withheld(self, viewer: str, k_min: int) -> np.ndarray:
        """The cells (a bool per row of `cells`) that the staff of school `viewer` must see as "–", besides
        the cells suppressed for everyone."""
        column = self.schools.get_indexer([viewer])[0]
        own = self.matrix[:, column] if column >= 0 else np.zeros(len(self.index), dtype=np.int64)
        n = self.n
        withheld = (n > 0) & ~self.suppressed & ~_pools_a_crowd(self.matrix, own, k_min)
        for parent, rows in self.splits:
            if self.suppressed[parent] or withheld[parent]:
                continue
            while True:
                shown = rows[~self.suppressed[rows] & ~withheld[rows] & (n[rows] > 0)]
                hidden = self.matrix[parent] - self.matrix[shown].sum(axis=0)
                own_hidden = hidden[column] if column >= 0 else 0
                if hidden.sum() == 0 or _pools_a_crowd(hidden[None, :], np.array([own_hidden]), k_min)[0]:
                    break
                if not len(shown):
                    break
                withheld[shown[np.argmin(n[shown])]] = True  # the smallest (the first of equals)
        return withheld


def _keys(frame: pd.DataFrame, labels: list[str]) -> list[tuple]:
    return list(zip(*(frame[label].astype(str).to_numpy() for label in labels)))


def _pools_a_crowd(matrix: np.ndarray, own: np.ndarray, k_min: int) -> np.ndarray:
    """Per row: at least MIN_SCHOOLS schools and at least k_min respondents outside the viewer."""
    return ((matrix > 0).sum(axis=1) >= MIN_SCHOOLS) & (matrix.sum(axis=1) - own >= k_min)


def confidential_network_cells(cells: pd.DataFrame, contributions: pd.DataFrame, viewer: str, k_min: int,
                               labels: Sequence[str] = ("breakdown", "group", "dimension")) -> np.ndarray:
    """Which of the network-level `cells` the staff of school `viewer` must see as "–" (a bool per row): those
    that pool fewer than 3 schools or fewer than k_min respondents outside `viewer`, and within each split
    (the groups of one breakdown and dimension, under the network's dimension cell) the smallest shown cells
    until the withheld part passes the same test. Cells already `suppressed` stay as they are (not marked).
    See `NetworkCells` for the arguments."""
    return NetworkCells(cells, contributions, labels).withheld(viewer, k_min)


def protected_counts(counts: Sequence[int], k_min: int) -> tuple[list[bool], bool]:
    """Which live counts a school's staff may see: (one flag per group, the flag of the total).

    A group of 0 < n < k_min is hidden; the total (the sum of the groups, respondents without a group being
    a group of their own) is hidden when below k_min. When the total is shown, the hidden groups together
    must hold 0 or at least k_min respondents: else the smallest shown group is hidden as well, until they do
    (otherwise the total minus the shown groups gives the small group's count)."""
    n = np.asarray(counts, dtype=np.int64)
    total = int(n.sum())
    shown = ~((n > 0) & (n < k_min))
    total_shown = total >= k_min
    if total_shown:
        while True:
            hidden = ~shown & (n > 0)
            held = int(n[hidden].sum())
            if held == 0 or held >= k_min:
                break
            candidates = np.flatnonzero(shown & (n > 0))
            if not len(candidates):
                break
            shown[candidates[np.argmin(n[candidates])]] = False
    return shown.tolist(), total_shown
