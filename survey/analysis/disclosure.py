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
    cells are checked in turn. Most hidden cells lie on a cycle of four hidden cells that alone keeps them
    uncertain enough (`_in_wide_cycles`): those need no flow.

    Returns the new `published` (a copy)."""
    published = published.copy()
    present = n > 0
    groups = np.zeros_like(published) if groups is None else groups
    settled = _in_wide_cycles(n, ~published & present, k_min)
    pending = [tuple(cell) for cell in np.argwhere(~published & present & ~settled)]
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
            fix, settles = _across(n, free, cuts,
                                   lambda extra: graph.narrow(cell, k_min, bool(groups[cell]), extra) is None)
            graph = None  # the table changes: rebuild
            if not settles:
                fix = _rectangle(n, cell, ~published & present, free, k_min) or fix
            if fix is None:
                if not free.any():
                    return published
                pending += [tuple(c) for c in np.argwhere(free)]
                published &= ~free
                continue
            for one in (fix if isinstance(fix, list) else [fix]):
                published[one] = False
                pending.append(one)
    return published


def _rectangle(n: np.ndarray, cell: tuple[int, int], unknown: np.ndarray, free: np.ndarray, k_min: int):
    """For a body cell no single suppression protects: the published cells of the cheapest cycle of four
    body cells (cell, (r, c2), (r2, c2), (r2, c)), each unknown or `free`, around which the cell alone is
    uncertain by k_min (see `_in_wide_cycles`), as a list; None when there is none. Cheapest: the fewest
    respondents newly hidden, then the fewest cells. This keeps one hard cell from a cascade of small
    suppressions in rows that each need protecting in turn."""
    R, C = n.shape
    r, c = cell
    if r >= R - 1 or c >= C - 1:
        return None
    body_n = n[:-1, :-1].astype(np.int64)
    usable = (unknown | free)[:-1, :-1]
    cost_of = np.where(unknown[:-1, :-1], 0, body_n)
    corner = usable & usable[[r], :] & usable[:, [c]]  # (r2, c2) with all three other corners usable
    corner[r, :] = corner[:, c] = False
    grow = np.minimum(body_n[[r], :], body_n[:, [c]])
    shrink = np.minimum(body_n[r, c], body_n)
    corner &= np.minimum(grow, k_min) + np.minimum(shrink, k_min) >= k_min
    if not corner.any():
        return None
    cost = cost_of[[r], :] + cost_of[:, [c]] + cost_of
    count = (~unknown[:-1, :-1]).astype(int)
    count = count[[r], :] + count[:, [c]] + count
    cells = np.argwhere(corner)
    first = np.lexsort((cells[:, 1], cells[:, 0], count[corner], cost[corner]))[0]
    r2, c2 = int(cells[first, 0]), int(cells[first, 1])
    return [one for one in ((r, c2), (r2, c2), (r2, c)) if not unknown[one]] or None


def _in_wide_cycles(n: np.ndarray, unknown: np.ndarray, k_min: int) -> np.ndarray:
    """The unknown cells (r, c) of the table's body whose range a single cycle of four unknown cells
    (r, c), (r, c2), (r2, c2), (r2, c) already makes k_min wide: around one such cycle (r, c) grows by up
    to min(n[r, c2], n[r2, c]) and shrinks by up to min(n[r, c], n[r2, c2]); the best cycle each way
    gives a lower bound of each flow of `_FlowGraph.narrow`. A cheap sufficient test, vectorised."""
    body = unknown[:-1, :-1]
    size = np.where(body, n[:-1, :-1], 0)
    rows = np.arange(body.shape[0])[:, None]
    grow = np.zeros(body.shape, dtype=np.int64)
    shrink = np.zeros(body.shape, dtype=np.int64)
    for c2 in range(body.shape[1]):
        partner = body & body[:, [c2]]  # rows r2 where both (r2, c) and (r2, c2) are unknown
        for values, best in ((np.where(partner, size, 0), grow),
                             (np.where(partner, size[:, [c2]], 0), shrink)):
            top = values.argmax(axis=0)
            first = values.max(axis=0)
            second = np.where(np.arange(len(values))[:, None] == top, 0, values).max(axis=0)
            other = np.where(rows == top, second, first)  # the best r2 other than r
            if best is grow:
                gain = np.minimum(size[:, [c2]], other)
            else:
                gain = np.minimum(size, other)
            gain = np.where(body & body[:, [c2]], gain, 0)
            gain[:, c2] = 0
            np.maximum(best, gain, out=best)
    wide = np.zeros(n.shape, dtype=bool)
    wide[:-1, :-1] = body & (np.minimum(grow, k_min) + np.minimum(shrink, k_min) >= k_min)
    return wide


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


def _all_arc_ends(R: int, C: int) -> tuple[np.ndarray, np.ndarray]:
    """`_arc_ends` of every cell, as two (R, C) arrays."""
    a = np.repeat(np.arange(R)[:, None], C, axis=1)
    b = np.repeat(R + np.arange(C)[None, :], R, axis=0)
    a[:-1, -1], b[:-1, -1] = R + C - 1, np.arange(R - 1)
    a[-1, :-1], b[-1, :-1] = R + np.arange(C - 1), R - 1
    a[-1, -1], b[-1, -1] = R - 1, R + C - 1
    return a, b


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
    too), else the smallest; else the smallest touching a source side; else None. With whether it settles."""
    a, b = _all_arc_ends(*n.shape)
    crossing = free & np.any([side[a] != side[b] for side in sides], axis=0)
    touching = free & np.any([side[a] | side[b] for side in sides], axis=0)
    for mask in (crossing, touching):
        if not mask.any():
            continue
        cells = np.argwhere(mask)
        order = np.lexsort((cells[:, 1], cells[:, 0], n[mask]))  # smallest n, then row-major
        ranked = [tuple(int(i) for i in cells[j]) for j in order]
        if mask is crossing:
            for cell in ranked[:_TRIALS]:
                if settles(cell):
                    return cell, True
        return ranked[0], False
    return None, False
