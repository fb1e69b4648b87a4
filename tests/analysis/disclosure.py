"""An exact disclosure audit for tests: which small sets of respondents can a reader work out?

Respondents fall into disjoint *atoms* (e.g. one school's respondents of one program, or of no program).
A published cell covers a set of atoms and gives their count and their sum of scores. A set T of atoms
can be worked out (count and sum, hence its mean) exactly when its indicator vector lies in the span
of the published cells' indicator vectors. Anonymity fails when some such T holds 0 < n < k_min.

Brute force over the subsets of small atoms, for the small tables of property tests only.
"""
from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping

import numpy as np


def derivable_small_sets(atoms: Mapping[Hashable, int], published: Iterable[Iterable[Hashable]],
                         k_min: int) -> list[tuple[tuple, int]]:
    """Every set of atoms holding 0 < n < k_min that the published cells determine, with its n."""
    atoms = {atom: int(n) for atom, n in atoms.items() if n > 0}  # an empty atom hides nobody
    names = list(atoms)
    position = {atom: i for i, atom in enumerate(names)}
    rows = []
    for cell in published:
        vector = np.zeros(len(names))
        for atom in cell:
            if atom in position:
                vector[position[atom]] = 1.0
        if vector.any():
            rows.append(vector)
    if not rows or not names:
        return []
    _, singular, basis = np.linalg.svd(np.array(rows), full_matrices=False)
    basis = basis[singular > 1e-9]
    small = [atom for atom in names if atoms[atom] < k_min]
    found = []
    for size in range(1, len(small) + 1):
        for subset in itertools.combinations(small, size):
            total = sum(atoms[atom] for atom in subset)
            if total >= k_min:
                continue
            vector = np.zeros(len(names))
            vector[[position[atom] for atom in subset]] = 1.0
            if np.abs(vector - basis.T @ (basis @ vector)).max() < 1e-7:
                found.append((subset, total))
    return found

