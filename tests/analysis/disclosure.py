"""An exact disclosure audit for tests: which small sets of respondents can a reader work out?

Respondents fall into disjoint *atoms* (e.g. one school's respondents of one program, or of no program).
A published cell covers a set of atoms and gives their count and their sum of scores. A set T of atoms
can be worked out (count and sum, hence its mean) exactly when its indicator vector lies in the span
of the published cells' indicator vectors. Anonymity fails when some such T holds 0 < n < k_min.

Brute force over the subsets of small atoms, for the small tables of property tests only. Below it, what the
exact audit (`survey.analysis.audit`) needs to read a round's results as each reader does: the true counts,
each school's view, and every finding of a round.
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



# --- what each reader of a round's results sees, and what is true -------------------------------------------


def true_counts(frame, raw_answers, spec, breakdowns) -> tuple:
    """The true n of every school's cells, suppressed or not: (school, breakdown, group, dimension, n) for
    "all" and every breakdown, and (school, item, n) for items; for school-level confidentiality."""
    import pandas as pd

    from survey.analysis import dimension_scores_from_answers

    scores = pd.DataFrame(dimension_scores_from_answers(raw_answers, spec), columns=list(spec.dimension_keys))
    defined = scores.notna().astype(int)
    school = frame["school"].astype(str).to_numpy()
    parts = [defined.assign(school=school, breakdown="all", group="all")]
    for breakdown in breakdowns:
        labels = frame[breakdown].astype(object)
        keep = labels.notna().to_numpy()
        parts.append(defined[keep].assign(school=school[keep], breakdown=breakdown,
                                          group=labels[keep].astype(str).to_numpy()))
    long = pd.concat(parts, ignore_index=True).melt(id_vars=["school", "breakdown", "group"],
                                                     var_name="dimension", value_name="n")
    truth = long.groupby(["school", "breakdown", "group", "dimension"], as_index=False)["n"].sum()
    answered = pd.DataFrame((raw_answers > 0) & (raw_answers != 255), columns=list(spec.item_keys)).astype(int)
    truth_items = answered.assign(school=school).melt(id_vars="school", var_name="item", value_name="n")
    truth_items = truth_items.groupby(["school", "item"], as_index=False)["n"].sum()
    return truth, truth_items


def staff_view(results, code: str, k_min: int):
    """What a school's staff get of computed results: `RoundResults.for_school`, the one place that says so."""
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from survey.results.service import RoundResults

    round_ = SimpleNamespace(network=SimpleNamespace(share_school_names=False, k_min=k_min), id=0)
    whole = RoundResults(round_, results.aggregates, results.items, results.content_hash, True,
                         datetime.now(timezone.utc), results.responses, results.partners)
    return whole.for_school(code)


def audit_round(results, truth, truth_items, populations, k_min: int, *, every_respondent_in=(),
                view_of=None) -> list[tuple[bool, str]]:
    """Every disclosure in the round's published tables, as (whether it may expose a group of fewer than k_min
    respondents or another school, what it is): as a reader of every school's results (the network report; no
    populations) and as each school's staff (their own rows, the NETWORK rows, their own populations,
    school-level confidentiality of the NETWORK rows). `view_of(code)`: what that school's staff get (default
    `staff_view`)."""
    from survey.analysis.audit import audit_published_tables, network_cells_shown_to_staff

    options = {"k_min": k_min, "every_respondent_in": every_respondent_in}
    found = audit_published_tables(results.aggregates, results.items, **options)
    breaches = []
    for code in sorted(set(results.aggregates["school"]) - {"NETWORK"}):
        view = view_of(code) if view_of else staff_view(results, code, k_min)
        own = populations[populations["school"].astype(str) == code]
        found += audit_published_tables(view.aggregates, view.items, viewer=code, populations=own, **options)
        breaches += [(True, f"[{code}] network cell shown to staff: {cell}")
                     for cell in network_cells_shown_to_staff(view.aggregates, view.items, truth, truth_items,
                                                              viewer=code, k_min=k_min)]
    return [(d.small, str(d)) for d in found] + breaches


def small_and_all(found: list[tuple[bool, str]]) -> tuple[list[str], list[str]]:
    """What may expose a small group or another school, and everything METHOD's audit rule forbids."""
    return [text for small, text in found if small], [text for _, text in found]
