"""The exact disclosure test behind `suppress_crossed`: can a reader work out a group of fewer than k_min
respondents from a two-way table's published cells and margins? Seen as a circulation of respondents, that
is a minimum cut, found as a maximum flow; `protect_table` hides cells until no small group can be derived."""
from __future__ import annotations

import numpy as np


def protect_table(n: np.ndarray, published: np.ndarray, hideable: np.ndarray,
                  k_min: int) -> np.ndarray:
    """Suppress further cells of one two-way table until no group of 0 < n < k_min can be worked out.

    `n`, `published`, `hideable`: (R, C) arrays. The last column holds the row totals and the last row
    the column totals (the corner is the grand total), so every row and every column adds up: those
    are the equations a reader can subtract along. Cells not `published` are unknown to the reader
    (a cell with n = 0 holds nobody and is treated as known).

    The test is exact. Read the table as a circulation: every respondent flows
    total -> their row -> their column -> total, so a row's total is the flow into the row node and a
    cell the flow from its row to its column. Adding up the equations of a set X of lines gives
    "what flows out of X = what flows in"; its unknown part can be worked out, as a count and a sum,
    exactly when all unknown cells crossing X go the same way, and it then covers the respondents of
    those cells. So a small unknown cell e (0 < n < k_min) is safe iff every such set of lines that e
    leaves holds at least k_min respondents in its unknown crossing cells: a minimum cut, found as a
    maximum flow (unknown cells carry their n forwards and without limit backwards, known cells
    nothing). While some small cell is not safe, a published `hideable` cell across its minimum cut is
    suppressed (it adds >= k_min to that cut, or makes it unusable): the smallest one that makes the
    small cell safe on its own, else the smallest one; failing any, the smallest next to the cut, and as
    a last resort every hideable cell.

    Returns the new `published` (a copy)."""
    published = published.copy()
    present = n > 0
    graph = None
    for cell in map(tuple, np.argwhere(~published & present & (n < k_min))):
        for _ in range(int(hideable.sum()) + 1):
            if graph is None:
                graph = _FlowGraph(n, ~published & present)
            cut = graph.small_cut(cell, k_min)
            if cut is None:
                break
            free = published & hideable & present
            fix = _across(n, free, cut, lambda extra: graph.small_cut(cell, k_min, extra) is None)
            graph = None  # the table changes: rebuild
            if fix is None:
                if not free.any():
                    return published
                published &= ~free
                continue
            published[fix] = False
    return published


_UNLIMITED = 1 << 60


def _arc_ends(R: int, C: int, r: int, c: int) -> tuple[int, int]:
    """The direction respondents flow through cell (r, c): nodes 0..R-1 are the rows, R..R+C-1 the
    columns; the last row and the last column are the totals."""
    total_row, total_column = R - 1, R + C - 1
    if r < R - 1 and c < C - 1:
        return r, R + c                    # row -> column
    if c == C - 1 and r < R - 1:
        return total_column, r             # total -> row (the row's total)
    if r == R - 1 and c < C - 1:
        return R + c, total_row            # column -> total (the column's total)
    return total_row, total_column         # the grand total closes the circle


class _FlowGraph:
    """The unknown cells of a table as a flow network: a cell carries its n forwards (along the flow of
    respondents) and without limit backwards; known cells carry nothing. Built once per state of the
    table, searched once per small cell."""

    def __init__(self, n: np.ndarray, unknown: np.ndarray):
        R, C = n.shape
        self.shape = (R, C)
        self.nodes = R + C
        self.head: list[int] = []
        self.capacity: list[int] = []
        self.out: list[list[int]] = [[] for _ in range(self.nodes)]
        self.ends: dict[tuple[int, int], tuple[int, int]] = {}
        self.n = n
        for r, c in zip(*(axis.tolist() for axis in np.nonzero(unknown))):
            self._add((r, c), self.out, self.head, self.capacity)

    def _add(self, cell, out, head, capacity) -> None:
        a, b = _arc_ends(*self.shape, *cell)
        self.ends[cell] = (a, b)
        out[a].append(len(head))
        head.append(b)
        capacity.append(int(self.n[cell]))
        out[b].append(len(head))
        head.append(a)
        capacity.append(_UNLIMITED)

    def small_cut(self, cell: tuple[int, int], k_min: int, extra: tuple[int, int] | None = None):
        """The nodes on the source side of a cut that isolates fewer than k_min respondents including
        `cell`, or None when every such cut holds at least k_min (maximum flow, stopped at k_min). `extra`:
        one more cell counted as unknown (a trial)."""
        head, capacity, out = self.head, list(self.capacity), self.out
        if extra is not None:
            head, out = list(head), [list(arcs) for arcs in out]
            self._add(extra, out, head, capacity)
        source, sink = _arc_ends(*self.shape, *cell)
        flow = 0
        while flow < k_min:
            previous = [-1] * self.nodes
            previous[source] = -2
            queue = [source]
            for v in queue:
                if v == sink:
                    break
                for arc in out[v]:
                    w = head[arc]
                    if capacity[arc] > 0 and previous[w] == -1:
                        previous[w] = arc
                        queue.append(w)
            if previous[sink] == -1:
                side = np.zeros(self.nodes, dtype=bool)
                side[[v for v in range(self.nodes) if previous[v] != -1]] = True
                return side
            path, v = [], sink
            while v != source:
                arc = previous[v]
                path.append(arc)
                v = head[arc ^ 1]
            push = min(k_min - flow, *(capacity[arc] for arc in path))
            for arc in path:
                capacity[arc] -= push
                capacity[arc ^ 1] += push
            flow += push
        return None


_TRIALS = 32  # crossing cells tried, smallest first, for one that settles the small cell on its own


def _across(n: np.ndarray, free: np.ndarray, side: np.ndarray, settles):
    """The cell of `free` to suppress for the cut `side`: among the cells crossing it (either way), the
    smallest for which `settles(cell)` holds (the small cell is safe once it is suppressed too), else the
    smallest; else the smallest touching the source side; else None."""
    R, C = n.shape
    crossing = np.zeros((R, C), dtype=bool)
    touching = np.zeros((R, C), dtype=bool)
    for r, c in zip(*(axis.tolist() for axis in np.nonzero(free))):
        a, b = _arc_ends(R, C, r, c)
        crossing[r, c] = side[a] != side[b]
        touching[r, c] = side[a] or side[b]
    for mask in (crossing, touching):
        if not mask.any():
            continue
        cells = np.argwhere(mask)
        order = np.lexsort((cells[:, 1], cells[:, 0], n[mask]))  # smallest n, then row-major
        ranked = [tuple(int(i) for i in cells[j]) for j in order]
        if mask is crossing:
            for cell in ranked[:_TRIALS]:
                if settles(cell):
                    return cell
        return ranked[0]
    return None


# --- showing n -------------------------------------------------------------------------------------
