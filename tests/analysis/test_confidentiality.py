"""School-level confidentiality of network cells and the protection of live counts, as pure functions."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis import confidential_network_cells, protected_counts


def network_table(parts: dict[tuple[str, str], dict[str, int]]):
    """parts: (breakdown, group) -> school -> n, one dimension "d". Returns (cells, contributions)."""
    keys = list(parts)
    cells = pd.DataFrame({"breakdown": [k[0] for k in keys], "group": [k[1] for k in keys], "dimension": "d",
                          "n": [sum(p.values()) for p in parts.values()], "suppressed": False})
    contributions = pd.DataFrame([{"breakdown": k[0], "group": k[1], "dimension": "d", "school": s, "n": n}
                                  for k, p in parts.items() for s, n in p.items()])
    return cells, contributions


def test_a_cell_is_shown_when_it_pools_3_schools_and_k_min_outside_the_viewer():
    cells, contributions = network_table({
        ("all", "all"): {"A": 30, "B": 30, "C": 30},
        ("gender", "f"): {"A": 20, "B": 2, "C": 2},      # 4 outside A: withheld from A only
        ("gender", "m"): {"A": 10, "B": 28, "C": 28},
    })
    assert confidential_network_cells(cells, contributions, "A", 5).tolist() == [False, True, True]
    # A's female cell withheld alone would be the network minus the male cell: the male cell goes too
    assert confidential_network_cells(cells, contributions, "B", 5).tolist() == [False, False, False]
    assert confidential_network_cells(cells, contributions, "D", 5).tolist() == [False, False, False]


def test_two_schools_are_never_enough():
    cells, contributions = network_table({("all", "all"): {"A": 30, "B": 30}})
    for viewer in ("A", "B", "C"):
        assert confidential_network_cells(cells, contributions, viewer, 5).tolist() == [True]


@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=4), min_size=3, max_size=6),
       st.integers(3, 6))
@settings(max_examples=150, deadline=None)
def test_what_a_viewer_can_subtract_always_pools_a_crowd(table, k_min):
    """Random schools x groups: for every viewer, the network's dimension cell minus the shown group cells
    (the withheld groups pooled) is 0 or pools >= 3 schools and >= k_min respondents outside the viewer,
    and so is every shown cell."""
    schools = [f"S{i}" for i in range(len(table))]
    groups = len(table[0])
    parts = {("all", "all"): {s: sum(row[:groups]) for s, row in zip(schools, table)}}
    for g in range(groups):
        parts[("g", str(g))] = {s: row[g] if g < len(row) else 0 for s, row in zip(schools, table)}
    cells, contributions = network_table(parts)
    matrix = np.array([[p.get(s, 0) for s in schools] for p in parts.values()])
    for v, viewer in enumerate(schools):
        hidden = confidential_network_cells(cells, contributions, viewer, k_min)

        def crowd(part):
            return part.sum() == 0 or ((part > 0).sum() >= 3 and part.sum() - part[v] >= k_min)

        assert all(crowd(matrix[i]) for i in range(len(matrix)) if not hidden[i])
        if not hidden[0]:
            shown = [i for i in range(1, len(matrix)) if not hidden[i]]
            assert crowd(matrix[0] - matrix[shown].sum(axis=0))


def test_live_counts_hide_small_groups_and_what_would_give_them_away():
    assert protected_counts([3, 0], 5) == ([False, True], False)          # total 3 < 5: nothing
    assert protected_counts([4, 4, 20], 5) == ([False, False, True], True)  # 4 + 4 hidden: 8 >= 5
    assert protected_counts([3, 20], 5) == ([False, False], True)           # 23 - 20 would be 3
    assert protected_counts([3, 6, 20], 5) == ([False, False, True], True)  # 3 + 6 >= 5: 20 stays
    assert protected_counts([10, 12], 5) == ([True, True], True)
