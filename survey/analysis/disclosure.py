"""The exact disclosure test behind `suppress_crossed`: how narrowly can a reader bound a hidden cell of a
two-way table from its published cells and margins? Seen as a circulation of respondents, each bound is a
maximum flow; `protect_table` hides cells until every hidden cell stays uncertain by at least k_min
respondents (METHOD.md, Anonymity: "Audit")."""
from __future__ import annotations

import numpy as np


def protect_table(n: np.ndarray, published: np.ndarray, hideable: np.ndarray, k_min: int,
                  groups: np.ndarray | None = None) -> np.ndarray:
    """Suppress further cells of one two-way table until no hidden cell can be bounded narrower than k_min.

    `n`, `published`, `hideable`: (R, C) arrays. The last column holds the row totals and the last row
    the column totals (the corner is the grand total), so every row and every column adds up: those
    are the equations a reader can subtract along. Cells not `published` are unknown to the reader
    (a cell with n = 0 holds nobody and is treated as known). `groups`: unknown cells that are not cells
    of any table but groups a reader may know when they hold at least k_min (the remainders: respondents
    in no group of the split, METHOD: "0 or >= k_min").

    The test is exact. Read the table as a circulation: every respondent flows
    total -> their row -> their column -> total, so a row's total is the flow into the row node and a
    cell the flow from its row to its column. Another table with the same published cells differs by a
    circulation through unknown cells, none of them below 0. So a hidden cell e from a to b can grow by as
    much as can flow from a to b through the other unknown cells, each carrying its n forwards (it shrinks)
    and without limit backwards (it grows), and shrink, down to 0 at most, by as much as can flow from b to
    a: its range [n - shrink, n + grow] is two maximum flows (stopped once they reach k_min together). It is
    protected when that range is at least k_min wide (a group of `groups` also when it surely holds k_min);
    as the range is at least k_min wide only if its top is at least k_min, no small group can then be
    worked out either. While some hidden cell is not protected, a published `hideable` cell across one of
    its two minimum cuts is suppressed (it widens that flow): the smallest one that protects the cell on its
    own, else the smallest; failing any, the smallest next to the cuts, and as a last resort every hideable
    cell. More unknown cells only widen every range, so each cell is settled once and the newly hidden
    cells are checked in turn.

    Returns the new `published` (a copy)."""
    published = published.copy()
    present = n > 0
    groups = np.zeros_like(published) if groups is None else groups
    pending = [tuple(cell) for cell in np.argwhere(~published & present)]
    pending.sort(key=lambda cell: (n[cell] >= k_min, n[cell]))  # the small cells first
    graph = None
    while pending:
        cell = pending.pop(0)
        for _ in range(int(hideable.sum()) + 1):
            if graph is None:
                graph = _FlowGraph(n, ~published & present)
            cuts = graph.narrow(cell, k_min, bool(groups[cell]))
            if cuts is None:
                break
            free = published & hideable & present
            fix = _across(n, free, cuts, lambda extra: graph.narrow(cell, k_min, bool(groups[cell]), extra) is None)
            graph = None  # the table changes: rebuild
            if fix is None:
                if not free.any():
                    return published
                pending += [tuple(c) for c in np.argwhere(free)]
                published &= ~free
                continue
            published[fix] = False
            pending.append(fix)
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
    table, searched twice per hidden cell."""

    def __init__(self, n: np.ndarray, unknown: np.ndarray):
        R, C = n.shape
        self.shape = (R, C)
        self.nodes = R + C
        self.head: list[int] = []
        self.capacity: list[int] = []
        self.out: list[list[int]] = [[] for _ in range(self.nodes)]
        self.arc: dict[tuple[int, int], int] = {}
        self.n = n
        for r, c in zip(*(axis.tolist() for axis in np.nonzero(unknown))):
            self.arc[(r, c)] = len(self.head)
            self._add((r, c), self.out, self.head, self.capacity)

    def _add(self, cell, out, head, capacity) -> None:
        a, b = _arc_ends(*self.shape, *cell)
        out[a].append(len(head))
        head.append(b)
        capacity.append(int(self.n[cell]))
        out[b].append(len(head))
        head.append(a)
        capacity.append(_UNLIMITED)

    def narrow(self, cell: tuple[int, int], k_min: int, group: bool = False,
               extra: tuple[int, int] | None = None) -> list[np.ndarray] | None:
        """None when the range of `cell` is at least k_min wide (for a `group`: or its bottom at least
        k_min), else the source sides of the minimum cuts that keep it narrow. `extra`: one more cell
        counted as unknown (a trial)."""
        head, capacity, out = self.head, list(self.capacity), self.out
        if extra is not None:
            head, out = list(head), [list(arcs) for arcs in out]
            self._add(extra, out, head, capacity)
        own = self.arc[cell]
        capacity[own] = capacity[own + 1] = 0  # the cell itself is what moves
        a, b = _arc_ends(*self.shape, *cell)
        size = int(self.n[cell])
        grow, grow_side = self._flow(a, b, k_min, head, list(capacity), out)
        shrink, shrink_side = self._flow(b, a, min(size, k_min - grow), head, capacity, out)
        if grow + shrink >= k_min or (group and size - shrink >= k_min):
            return None
        return [side for side in (grow_side, shrink_side) if side is not None]

    def _flow(self, source: int, sink: int, limit: int, head, capacity, out):
        """The maximum flow from source to sink, stopped at `limit`, and the source side of a minimum cut
        when it stays below `limit` (else None). Changes `capacity` (the residual network)."""
        flow = 0
        while flow < limit:
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
                return flow, side
            path, v = [], sink
            while v != source:
                arc = previous[v]
                path.append(arc)
                v = head[arc ^ 1]
            push = min(limit - flow, *(capacity[arc] for arc in path))
            for arc in path:
                capacity[arc] -= push
                capacity[arc ^ 1] += push
            flow += push
        return flow, None


_TRIALS = 32  # crossing cells tried, smallest first, for one that settles the hidden cell on its own


def _across(n: np.ndarray, free: np.ndarray, sides: list[np.ndarray], settles):
    """The cell of `free` to suppress for the cuts `sides`: among the cells crossing one of them (either
    way), the smallest for which `settles(cell)` holds (the hidden cell is protected once it is suppressed
    too), else the smallest; else the smallest touching a source side; else None."""
    R, C = n.shape
    crossing = np.zeros((R, C), dtype=bool)
    touching = np.zeros((R, C), dtype=bool)
    for r, c in zip(*(axis.tolist() for axis in np.nonzero(free))):
        a, b = _arc_ends(R, C, r, c)
        crossing[r, c] = any(side[a] != side[b] for side in sides)
        touching[r, c] = any(side[a] or side[b] for side in sides)
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
