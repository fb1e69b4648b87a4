"""The exact disclosure audit of a round's published tables (METHOD.md, Anonymity: "Audit").

What a reader can do with published numbers is linear: add and subtract cells, margins and the counts that
response rates give (rate x population, where the reader knows the population). So the audit models the tables
one reader sees as a system of linear constraints over unknown non-negative integer counts and asks, for every
quantity that is not published, the smallest and largest value consistent with everything that is.

Unknowns, per dimension (each dimension's n is counted for that dimension alone):
- `T[s]`: the respondents of school s with a score for the dimension;
- `y[s, b, g]`: those of them in group g of breakdown b (program, gender, ...), one per group the reader sees
  listed, and `y[s, b, None]`: those in no group of b (the *remainder*: no program, no answer);
  T[s] = sum over g of y[s, b, g] for every breakdown b;
- `z[s, i]`: the answers to item i of the dimension at school s;
- `r[s, g]`: the submitted responses of school s in program g (or in none); T[s], z[s, i] <= sum over g of
  r[s, g] and y[s, program, g] <= r[s, g].

Schools: every school the reader sees a row of. A school's staff see only their own school and NETWORK rows
(`viewer`): every other school is then one pooled unknown school, "other schools" (`OTHERS`). Constraints:
each published cell fixes the sum of its atoms (a NETWORK cell: over every school); a response rate fixes the
submitted responses of its row where the reader knows the populations of every school the row covers
(`populations`); a shown "< k" fixes n <= k - 1; a "complementary" mark (or "–" beside "< k" symbols) n >= k_min.

The protection level (METHOD: "no suppressed cell's n or value can be derived exactly, nor bounded to an
interval narrower than its protection level (k_min respondents for n)"): with [lo, hi] the integer range of a
hidden quantity's n over every solution,

- a hidden quantity is protected when hi - lo >= k_min: whatever the reader combines, its n stays uncertain by
  at least k_min respondents; or when hi = 0: it is known to hold nobody, so there is no one to disclose;
- a group that is not a cell of any table, the remainder of a split or the other schools pooled (`OTHERS`),
  may also be known when it holds at least k_min (lo >= k_min): like the hidden part of a split (METHOD:
  0 or >= k_min), and "the network minus my school" is what a network cell shown to staff is; whether such a
  cell pools enough schools is school-level confidentiality, checked against the true counts by
  `network_cells_shown_to_staff`.

The hidden quantities are the suppressed cells (aggregates and items), the remainders of every school and
every unknown of the other schools. For n the range is exact: two integer programs (HiGHS through
`scipy.optimize.milp`) per quantity, skipped where the equations alone fix it or two known solutions already
differ by k_min. For values, a published cell gives its atoms' count and sum of scores along the same
equations, plus one more a reader can assume for items: a dimension's sum of scores is the sum of its items'
scores / the number of items (exact when every respondent answers every item). A hidden quantity's sum of
scores is derivable exactly when its row lies in the span of the published rows (linear algebra on those
equations), and with its n, known or assumed equal to its dimension's, its value: so a hidden dimension cell
beside all its item cells, or one item beside its published dimension cell and the other items, is found.
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.linalg import qr
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

NETWORK = "NETWORK"
ALL = "all"
OTHERS = "other schools"
_BIG = 10 ** 7  # no count comes near it: a maximum at this bound is "unbounded"


@dataclass(frozen=True)
class Disclosure:
    """A hidden quantity a reader can pin down: its n (`kind` "n": the range [low, high] is narrower than the
    protection level) or its value (`kind` "value": its sum of scores is a combination of published cells).
    `cell`: (school, breakdown, group, dimension) for aggregates, (school, "item", item, dimension) for items;
    group None is a remainder (in no group)."""

    view: str
    kind: str
    cell: tuple
    low: int
    high: int
    k_min: int

    @property
    def small(self) -> bool:
        """Whether the quantity may hold fewer than k_min respondents: a small group may be what is pinned
        down. (A cell known to hold >= k_min that is pinned down breaks METHOD's audit rule but shows a
        group that could have been published.)"""
        return self.low < self.k_min

    def __str__(self) -> str:
        school, breakdown, group, dimension = self.cell
        what = f"{school} {breakdown}={group!r} {dimension}"
        if self.kind == "n":
            return f"[{self.view}] n of {what} lies in [{self.low}, {self.high}]"
        return f"[{self.view}] value of {what} is derivable (n in [{self.low}, {self.high}])"


def audit_published_tables(aggregates: pd.DataFrame, items: pd.DataFrame | None = None, *, k_min: int,
                           viewer: str | None = None, populations: pd.DataFrame | None = None,
                           every_respondent_in: Collection[str] = (),
                           organisers: Mapping[str, str] | None = None) -> list[Disclosure]:
    """Every hidden quantity of the tables one reader sees that is not protected (see the module docstring).

    `aggregates`: the long aggregates table as that reader gets it (`survey.results.compute`; columns school,
    breakdown, group, dimension, n, index, suppressed, and where present response_rate, n_shown, suppression);
    `items`: the item table likewise (school, item, dimension, n, suppressed, ...). `viewer`: the school code
    whose staff see these tables (every other school pooled as one unknown), None for a reader who sees every
    school. `populations`: (school, program, size) the reader knows. `every_respondent_in`: breakdowns in
    which the reader knows every respondent has a group (programs, when every link is a program's): no
    remainder. `organisers`: school code -> organiser code, where the tables hold organiser rows (`level`
    "organiser"): such a row covers its organiser's schools, as a NETWORK row covers them all. Returns [] when
    nothing is disclosed."""
    items = items if items is not None else pd.DataFrame(columns=["school", "item", "dimension", "n",
                                                                  "suppressed"])
    view = viewer or "all schools"
    known = {} if populations is None else {
        (str(s), str(p)): float(n) for s, p, n in populations[["school", "program", "size"]].itertuples(index=False)}
    aggregates, items, scopes = _organiser_scopes(aggregates, items, organisers or {})
    found: list[Disclosure] = []
    for dimension in pd.unique(aggregates["dimension"].astype(str)):
        rows = aggregates[aggregates["dimension"].astype(str) == dimension]
        item_rows = items[items["dimension"].astype(str) == dimension]
        model = _Model(dimension, rows, item_rows, k_min, viewer, known, set(every_respondent_in), scopes)
        found += model.audit(view, dimension)
    return found


def _organiser_scopes(aggregates: pd.DataFrame, items: pd.DataFrame, organisers: Mapping[str, str]):
    """The tables with each organiser row renamed to a key no school has, and each key's schools."""
    scopes: dict[str, list[str]] = {}
    for code in sorted(set(organisers.values())):
        scopes[f"organiser:{code}"] = sorted(school for school, o in organisers.items() if o == code)
    renamed = []
    for table in (aggregates, items):
        if "level" in table.columns:
            table = table.copy()
            rows = (table["level"] == "organiser").to_numpy()
            table.loc[rows, "school"] = "organiser:" + table.loc[rows, "school"].astype(str)
        renamed.append(table)
    return renamed[0], renamed[1], scopes


def network_cells_shown_to_staff(aggregates: pd.DataFrame, items: pd.DataFrame | None, truth: pd.DataFrame,
                                 truth_items: pd.DataFrame | None, *, viewer: str, k_min: int) -> list[tuple]:
    """School-level confidentiality of the NETWORK cells one school's staff see published: each must pool at
    least 3 schools and at least k_min respondents outside the viewer. `truth`: the true n of every school's
    cells (school, breakdown, group, dimension, n), `truth_items`: (school, item, n). Returns the offending
    cells as (breakdown, group, dimension or item, schools, respondents outside the viewer)."""
    found = _pooling(aggregates, truth, ["breakdown", "group", "dimension"], viewer, k_min)
    if items is not None and truth_items is not None:
        found += [("item", *cell) for cell in _pooling(items, truth_items, ["item", "dimension"], viewer, k_min)]
    return found


def _pooling(shown: pd.DataFrame, truth: pd.DataFrame, keys: list[str], viewer: str, k_min: int) -> list[tuple]:
    """The published NETWORK cells of `shown` that pool fewer than 3 schools or k_min respondents outside
    the viewer, as (*keys, schools, respondents outside)."""
    shown = shown[(shown["school"] == NETWORK) & ~shown["suppressed"].astype(bool)]
    counts = truth[(truth["school"] != NETWORK) & (truth["n"].fillna(0) > 0)]
    counts = counts.assign(outside=counts["n"].where(counts["school"] != viewer, 0))
    on = [k for k in keys if k in counts.columns]  # the item truth has no dimension: the item says it
    pooled = counts.groupby(on, as_index=False).agg(schools=("school", "nunique"), outside=("outside", "sum"))
    cells = shown[keys].astype(str).merge(pooled.astype({k: str for k in on}), on=on, how="left")
    cells = cells.fillna({"schools": 0, "outside": 0})
    bad = (cells["schools"] < 3) | (cells["outside"] < k_min)
    return [(*(getattr(row, k) for k in keys), int(row.schools), int(row.outside))
            for row in cells[bad].itertuples(index=False)]


class _Model:
    """One dimension's tables as linear constraints (see the module docstring)."""

    def __init__(self, dimension: str, rows: pd.DataFrame, item_rows: pd.DataFrame, k_min: int,
                 viewer: str | None, populations: dict[tuple[str, str], float], complete: set[str],
                 scopes: Mapping[str, list[str]] | None = None):
        self.k_min = k_min
        self.scopes = dict(scopes or {})
        self.index: dict[Hashable, int] = {}
        self.equal_n: list[tuple[dict[int, float], float]] = []    # published counts, response counts
        self.equal_sum: list[dict[int, float]] = []                # published cells, for values
        self.identities: list[dict[int, float]] = []               # hold for counts and sums alike
        self.bounds: list[tuple[dict[int, float], float, float]] = []
        # (cell, row, derived): derived = not a cell but a group a reader may know when it holds >= k_min
        # (a remainder, the other schools pooled), like the hidden part of a split (METHOD: 0 or >= k_min)
        self.targets: list[tuple[tuple, dict[int, float], bool]] = []

        schools = sorted((set(rows["school"].astype(str)) | set(item_rows["school"].astype(str)))
                         - {NETWORK} - set(self.scopes))
        self.schools = schools + ([OTHERS] if viewer is not None else [])
        split = rows[rows["breakdown"] != ALL]
        groups = {b: sorted(set(part["group"].astype(str))) for b, part in split.groupby("breakdown", sort=False)}
        listed = set(zip(split["school"].astype(str), split["breakdown"].astype(str), split["group"].astype(str)))
        item_keys = sorted(set(item_rows["item"].astype(str)))
        programs = groups.get("program", [])

        for s in self.schools:
            pooled = s == OTHERS
            total = self._var(("T", s))
            if pooled:
                self.targets.append(((s, ALL, ALL, dimension), {total: 1.0}, True))
            for b, labels in groups.items():
                present = [g for g in labels if pooled or (s, b, g) in listed]
                atoms = [self._var(("y", s, b, g)) for g in present] + [self._var(("y", s, b, None))]
                self.identities.append({total: 1.0} | {a: -1.0 for a in atoms})
                if b in complete:
                    self.identities.append({atoms[-1]: 1.0})
                self.targets.append(((s, b, None, dimension), {atoms[-1]: 1.0}, True))
                if pooled:
                    self.targets += [((s, b, g, dimension), {a: 1.0}, True) for g, a in zip(present, atoms)]
            answers = [self._var(("z", s, i)) for i in item_keys]
            if answers:  # a reader may assume complete answers: dimension sum = item sums / items
                self.equal_sum.append({total: float(len(answers))} | {a: -1.0 for a in answers})
                if pooled:
                    self.targets += [((s, "item", i, dimension), {a: 1.0}, True) for i, a in zip(item_keys, answers)]
            responses = [self._var(("r", s, g)) for g in programs
                         if pooled or (s, "program", g) in listed] + [self._var(("r", s, None))]
            everyone = {r: -1.0 for r in responses}
            for unknown in [total] + answers:
                self.bounds.append(({unknown: 1.0} | everyone, -np.inf, 0.0))
            for g in programs + [None]:
                if ("y", s, "program", g) in self.index and ("r", s, g) in self.index:
                    self.bounds.append(({self.index[("y", s, "program", g)]: 1.0,
                                         self.index[("r", s, g)]: -1.0}, -np.inf, 0.0))

        for row, marker in zip(rows.itertuples(index=False), _markers(rows, k_min)):
            cell = (str(row.school), str(row.breakdown), str(row.group), dimension)
            self._publish(cell, self._cell_row(cell), row, marker, populations)
        for row, marker in zip(item_rows.itertuples(index=False), _markers(item_rows, k_min)):
            cell = (str(row.school), "item", str(row.item), dimension)
            coeffs = {self.index[("z", s, cell[2])]: 1.0 for s in self._scope(cell[0])}
            self._publish(cell, coeffs, row, marker, None)

    # --- building -------------------------------------------------------------------------------------

    def _var(self, key: Hashable) -> int:
        return self.index.setdefault(key, len(self.index))

    def _scope(self, school: str) -> list[str]:
        if school in self.scopes:
            return self.scopes[school]
        return self.schools if school == NETWORK else [school]

    def _cell_row(self, cell: tuple) -> dict[int, float]:
        school, breakdown, group, _ = cell
        if breakdown == ALL:
            return {self.index[("T", s)]: 1.0 for s in self._scope(school)}
        return {self.index[key]: 1.0 for s in self._scope(school) if (key := ("y", s, breakdown, group)) in self.index}

    def _publish(self, cell, coeffs, row, marker, populations) -> None:
        hidden = bool(row.suppressed) or pd.isna(row.n)
        if hidden:
            self.targets.append((cell, coeffs, False))
            if marker is not None:
                self.bounds.append((coeffs, *marker))
        else:
            self.equal_n.append((coeffs, float(row.n)))
            self.equal_sum.append(coeffs)
        rate = getattr(row, "response_rate", np.nan)
        if populations and not pd.isna(rate) and cell[1] in (ALL, "program"):
            counted = self._responses(cell, float(rate), populations)
            if counted is not None:
                self.equal_n.append(counted)

    def _responses(self, cell, rate, populations):
        """The submitted responses a rate gives (rate x the populations it was computed over), where the
        reader knows those populations: never for a row that covers other schools of a school's staff."""
        school, breakdown, group, _ = cell
        scope = self._scope(school)
        if OTHERS in scope:
            return None
        size = sum(n for (s, program), n in populations.items()
                   if s in scope and (breakdown == ALL or program == group))
        if size <= 0:
            return None
        keys = [("r", s, group) for s in scope] if breakdown == "program" else \
            [k for k in self.index if k[0] == "r" and k[1] in scope]
        return {self.index[k]: 1.0 for k in keys if k in self.index}, float(round(rate * size))

    # --- solving --------------------------------------------------------------------------------------

    def audit(self, view: str, dimension: str) -> list[Disclosure]:
        """The unprotected hidden quantities of this dimension."""
        size = len(self.index)
        rows, lower, upper = [], [], []
        for coeffs in self.identities:
            rows.append(coeffs), lower.append(0.0), upper.append(0.0)
        for coeffs, value in self.equal_n:
            rows.append(coeffs), lower.append(value), upper.append(value)
        for coeffs, low, high in self.bounds:
            rows.append(coeffs), lower.append(low), upper.append(high)
        self.constraint = LinearConstraint(_matrix(rows, size), lower, upper)
        self.solutions: list[np.ndarray] = []
        first = self._solve(np.zeros(size))
        if first is None:
            raise ValueError(f"dimension {dimension!r}: the published tables contradict each other as modelled "
                             "(a cell that is not the sum of its parts?)")
        counts = _Span(self.identities + [c for c, _ in self.equal_n])
        sums = _Span(self.identities + self.equal_sum)
        found, seen = [], set()
        for cell, coeffs, derived in self.targets:
            key = tuple(sorted(coeffs.items()))
            if key in seen or not coeffs:
                continue
            seen.add(key)
            vector = np.zeros(size)
            vector[list(coeffs)] = list(coeffs.values())
            if counts.determines(coeffs):  # fixed by the equations: one solution tells its value
                low = high = int(round(vector @ first))
            else:
                low, high = self._range(vector)
            if high == 0 or (derived and low >= self.k_min):
                continue
            if high - low < self.k_min:
                found.append(Disclosure(view, "n", cell, low, high, self.k_min))
            elif sums.determines(coeffs):
                found.append(Disclosure(view, "value", cell, low, high, self.k_min))
        return found

    def _range(self, vector: np.ndarray) -> tuple[int, int]:
        """[lo, hi] of the quantity, or a range of width >= k_min as soon as known solutions span one (each
        search adds its solution to those known)."""
        for objective in (None, -vector, vector):
            if objective is not None:
                self._solve(objective)
            values = vector @ np.array(self.solutions).T
            low, high = int(round(values.min())), int(round(values.max()))
            if high - low >= self.k_min:
                break
        return low, high

    def _solve(self, objective: np.ndarray) -> np.ndarray | None:
        result = milp(objective, constraints=self.constraint, integrality=np.ones(len(objective)),
                      bounds=Bounds(0, _BIG))
        if result.x is None:
            return None
        solution = np.round(result.x)
        self.solutions.append(solution)
        return solution


def _markers(rows: pd.DataFrame, k_min: int) -> list[tuple[float, float] | None]:
    """What a shown symbol tells of a hidden cell's n: "< k" gives n <= k - 1; "complementary" (or "–" in a
    table that also shows "< k", so the two symbols differ) n >= k_min."""
    if not len(rows):
        return []
    shown = rows["n_shown"].astype(str).tolist() if "n_shown" in rows.columns else [""] * len(rows)
    reason = rows["suppression"].astype(str).tolist() if "suppression" in rows.columns else [""] * len(rows)
    two_symbols = any(text.startswith("<") for text in shown)
    marks = []
    for text, why in zip(shown, reason):
        if text.startswith("<"):
            marks.append((0.0, float(int(text.lstrip("< ")) - 1)))
        elif why == "complementary" or (two_symbols and text == "–"):
            marks.append((float(k_min), np.inf))
        else:
            marks.append(None)
    return marks


def _matrix(rows: list[dict[int, float]], size: int) -> csr_array:
    data, columns, pointers = [], [], [0]
    for coeffs in rows:
        columns += list(coeffs)
        data += list(coeffs.values())
        pointers.append(len(columns))
    return csr_array((np.asarray(data, dtype=np.float64), np.asarray(columns, dtype=np.int64),
                      np.asarray(pointers, dtype=np.int64)), shape=(len(rows), size))


class _Span:
    """Which linear combinations of the unknowns a set of equations determines. Equations left with one
    unknown fix it and are peeled off first (most published cells are single atoms), so the linear algebra
    runs on the few unknowns that remain: a combination is determined when its part on them lies in the row
    space of what remains of the equations."""

    def __init__(self, equations: list[dict[int, float]]):
        remaining = [dict(equation) for equation in equations]
        holding: dict[int, list[int]] = {}
        for position, equation in enumerate(remaining):
            for unknown in equation:
                holding.setdefault(unknown, []).append(position)
        self.known: set[int] = set()
        queue = [position for position, equation in enumerate(remaining) if len(equation) == 1]
        while queue:
            equation = remaining[queue.pop()]
            if len(equation) != 1:
                continue
            (unknown,) = equation
            self.known.add(unknown)
            for position in holding[unknown]:
                remaining[position].pop(unknown, None)
                if len(remaining[position]) == 1:
                    queue.append(position)
        remaining = [equation for equation in remaining if equation]
        self.position = {u: i for i, u in enumerate(sorted({u for e in remaining for u in e}))}
        matrix = np.zeros((len(remaining), len(self.position)))
        for row, equation in enumerate(remaining):
            for unknown, coefficient in equation.items():
                matrix[row, self.position[unknown]] = coefficient
        self.basis = _row_space(matrix)

    def determines(self, combination: dict[int, float]) -> bool:
        rest = {u: c for u, c in combination.items() if u not in self.known}
        if not rest:
            return True
        if any(u not in self.position for u in rest):
            return False
        vector = np.zeros(len(self.position))
        for unknown, coefficient in rest.items():
            vector[self.position[unknown]] = coefficient
        return bool(np.abs(vector - self.basis.T @ (self.basis @ vector)).max() < 1e-7)


def _row_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis (as rows) of the matrix's row space (QR with column pivoting of its transpose,
    several times faster than an SVD at the same rank decision)."""
    if not matrix.size:
        return np.zeros((0, matrix.shape[1]))
    q, r, _ = qr(matrix.T, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int((diagonal > 1e-9 * max(1.0, diagonal.max(initial=0.0))).sum())
    return q[:, :rank].T
