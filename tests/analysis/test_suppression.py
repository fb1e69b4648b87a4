import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis import (
    dimension_index,
    displayed_n,
    hide_suppressed_n,
    protect_table,
    suppress_crossed,
    suppress_small_groups,
)
from tests.analysis.disclosure import derivable_small_sets


def program_cells(sizes: dict[str, int], school: str = "S", dimension: str = "teaching"):
    return pd.DataFrame({"school": school, "program": list(sizes), "dimension": dimension,
                         "n": list(sizes.values()), "mean": 50.0, "sd": 10.0,
                         "ci_low": 40.0, "ci_high": 60.0})


def suppressed_programs(result: pd.DataFrame) -> list[str]:
    return result.loc[result["suppressed"], "program"].tolist()


def school_cell(n: int, school: str = "S", dimension: str = "teaching", mean: float = 50.0):
    return pd.DataFrame({"school": [school], "dimension": dimension, "n": n, "mean": mean,
                         "suppressed": False})


def test_small_group_is_suppressed_but_keeps_n():
    result = suppress_small_groups(program_cells({"p1": 4, "p2": 5, "p3": 5, "p4": 9}), 5)
    # p1: 4 < 5 -> suppressed; suppressed total 4 < 5 -> the smallest published (p2, 5; equal
    # to p3, the first listed goes) is suppressed too: total 4 + 5 = 9 >= 5
    assert suppressed_programs(result) == ["p1", "p2"]
    hidden = result[result["suppressed"]]
    assert hidden[["mean", "sd", "ci_low", "ci_high"]].isna().all().all()
    assert hidden["n"].tolist() == [4, 5]
    assert result.loc[2, "mean"] == 50


def test_complementary_suppression_takes_the_smallest_published_group():
    result = suppress_small_groups(program_cells({"p1": 3, "p2": 10, "p3": 7}), 5)
    # p1 suppressed (3 < 5); total 3 < 5 -> smallest published is p3 (7); total 10 >= 5: stop
    assert suppressed_programs(result) == ["p1", "p3"]


def test_no_complementary_suppression_when_the_suppressed_hold_k_min():
    result = suppress_small_groups(program_cells({"p1": 2, "p2": 4, "p3": 30}), 5)
    # p1 and p2 suppressed; together 2 + 4 = 6 >= 5 -> nothing more
    assert suppressed_programs(result) == ["p1", "p2"]


def test_no_complementary_suppression_without_small_groups():
    result = suppress_small_groups(program_cells({"p1": 5, "p2": 6}), 5)
    assert not result["suppressed"].any()


def test_empty_group_does_not_trigger_complementary_suppression():
    result = suppress_small_groups(program_cells({"p1": 0, "p2": 6, "p3": 7}), 5)
    # p1 has no respondents for this cell: suppressed, but the total is 0 -> nothing to protect
    assert suppressed_programs(result) == ["p1"]


def test_suppression_is_decided_cell_by_cell():
    cells = pd.concat([program_cells({"p1": 3, "p2": 8, "p3": 9}, dimension="teaching"),
                       program_cells({"p1": 6, "p2": 8, "p3": 9}, dimension="wellbeing")],
                      ignore_index=True)
    result = suppress_small_groups(cells, 5)
    # teaching: p1 (3) and, complementarily, p2 (8); wellbeing: nothing (every n >= 5)
    assert result.loc[result["suppressed"], ["dimension", "program"]].values.tolist() == [
        ["teaching", "p1"], ["teaching", "p2"]]


def test_each_school_is_its_own_split():
    cells = pd.concat([program_cells({"p1": 3, "p2": 8}, school="A"),
                       program_cells({"p1": 8, "p2": 9}, school="B")], ignore_index=True)
    result = suppress_small_groups(cells, 5)
    assert result.loc[result["suppressed"], ["school", "program"]].values.tolist() == [
        ["A", "p1"], ["A", "p2"]]


def test_school_cells_are_a_split_of_the_network():
    cells = pd.DataFrame({"school": ["A", "B", "C"], "dimension": "teaching",
                          "n": [2, 40, 12], "mean": [10.0, 60.0, 70.0]})
    result = suppress_small_groups(cells, 5)
    # network n = 54 is published: without C, A's 2 = 54 - 40 - 12 could be derived
    assert result["suppressed"].tolist() == [True, False, True]


def test_k_min_is_configurable():
    cells = program_cells({"p1": 7, "p2": 12, "p3": 30})
    assert not suppress_small_groups(cells, 5)["suppressed"].any()
    # k_min = 10: p1 (7) suppressed; 7 < 10 -> p2 (12) too; 19 >= 10
    assert suppressed_programs(suppress_small_groups(cells, 10)) == ["p1", "p2"]


def test_suppression_chains_down_the_levels():
    """network -> schools -> programs -> programs x gender: a school suppressed only to protect
    another school hides its programs, which hide their gender groups."""
    schools = suppress_small_groups(pd.DataFrame({
        "school": ["A", "B", "C"], "dimension": "d", "n": [3, 20, 30], "mean": 50.0}), 5)
    # A: 3 < 5; total 3 < 5 -> B (20), the smallest published school, too
    assert schools["suppressed"].tolist() == [True, True, False]

    programs = pd.DataFrame({"school": ["B", "B", "C", "C"], "program": ["p", "q", "p", "q"],
                             "dimension": "d", "n": [12, 8, 25, 5], "mean": 50.0})
    programs = suppress_small_groups(programs, 5, parent_cells=schools)
    # B's programs (12 and 8, both >= 5) are hidden because B is; C's are published
    assert programs["suppressed"].tolist() == [True, True, False, False]

    genders = pd.DataFrame({"school": ["B", "C", "C", "C"], "program": ["p", "p", "p", "q"],
                            "gender": ["f", "f", "m", "f"], "dimension": "d",
                            "n": [12, 22, 3, 5], "mean": 50.0})
    genders = suppress_small_groups(genders, 5, parent_cells=programs)
    # B/p hidden by its parent; C/p: m (3) small -> f (22) complementarily; C/q: f published
    assert genders["suppressed"].tolist() == [True, True, True, False]


def test_item_cells_are_split_per_item_and_keep_their_labels():
    cells = pd.DataFrame({"school": "S", "program": ["p1", "p2", "p1", "p2"],
                          "item": ["a.1", "a.1", "a.2", "a.2"], "dimension": "a",
                          "n": [2, 9, 6, 9], "mean": 50.0, "share_1": 0.5,
                          "share_positive": 0.3})
    result = suppress_small_groups(cells, 5)
    assert result["suppressed"].tolist() == [True, True, False, False]
    assert result["dimension"].tolist() == ["a"] * 4
    assert result.loc[1, ["mean", "share_1", "share_positive"]].isna().all()


def test_works_on_dimension_index_output():
    scores = pd.DataFrame({"d": np.arange(14, dtype=float)})
    groups = pd.DataFrame({"school": ["S"] * 14, "program": ["p"] * 3 + ["q"] * 5 + ["r"] * 6})
    result = suppress_small_groups(dimension_index(scores, groups), 5)
    assert result[["program", "suppressed"]].values.tolist() == [
        ["p", True], ["q", True], ["r", False]]


# --- respondents in no group of the split (an optional question left unanswered) --------------------------


def test_respondents_in_no_group_cannot_be_worked_out():
    """The audit's example: school n = 13, index 50.0; female n = 5, 50.0; male n = 5, 75.0. Published as
    they were, the 3 respondents who gave no gender have the mean (13 x 50 - 5 x 50 - 5 x 75) / 3 = 8.3.
    They are a hidden part of 3 < 5, so the smallest published group (female, the first of two equal ones)
    is suppressed too: the hidden part is then 5 + 3 = 8."""
    genders = pd.DataFrame({"school": "S", "gender": ["female", "male"], "dimension": "teaching",
                            "n": [5, 5], "mean": [50.0, 75.0]})
    result = suppress_small_groups(genders, 5, parent_cells=school_cell(13))
    assert result["suppressed"].tolist() == [True, False]
    assert np.isnan(result.loc[0, "mean"]) and result.loc[1, "mean"] == 75.0


def test_the_unlabelled_protect_a_small_group_when_they_are_enough():
    # female 3 (small) + 3 unlabelled = 6 >= 5 hidden: male can stay published
    genders = pd.DataFrame({"school": "S", "gender": ["female", "male"], "dimension": "teaching",
                            "n": [3, 14], "mean": 60.0})
    result = suppress_small_groups(genders, 5, parent_cells=school_cell(20))
    assert result["suppressed"].tolist() == [True, False]


def test_enough_unlabelled_respondents_hide_nothing_more():
    genders = pd.DataFrame({"school": "S", "gender": ["female", "male"], "dimension": "teaching",
                            "n": [5, 9], "mean": 60.0})
    assert not suppress_small_groups(genders, 5, parent_cells=school_cell(20))["suppressed"].any()


def test_the_remainder_is_counted_per_dimension():
    # teaching: 13 - 10 = 3 unlabelled -> female hidden too; wellbeing: 15 - 10 = 5 -> nothing
    genders = pd.DataFrame({"school": "S", "gender": ["female", "male"] * 2,
                            "dimension": ["teaching"] * 2 + ["wellbeing"] * 2,
                            "n": [5, 5, 5, 5], "mean": 50.0})
    parent = pd.concat([school_cell(13), school_cell(15, dimension="wellbeing")], ignore_index=True)
    result = suppress_small_groups(genders, 5, parent_cells=parent)
    assert result["suppressed"].tolist() == [True, False, False, False]


def test_network_groups_count_the_unlabelled_of_the_network():
    network = pd.DataFrame({"dimension": ["teaching"], "n": [104], "mean": [50.0], "suppressed": False})
    genders = pd.DataFrame({"gender": ["female", "male"], "dimension": "teaching", "n": [50, 52],
                            "mean": 50.0})
    # 2 of the network's 104 gave no gender: the smallest gender is suppressed to hide them
    result = suppress_small_groups(genders, 5, parent_cells=network)
    assert result["suppressed"].tolist() == [True, False]


def test_a_lone_hidden_cell_is_not_left_to_subtraction():
    # B is hidden beforehand (say its dimension index is): alone in the split it would be
    # network - A - C, so the smallest published school goes with it
    items = pd.DataFrame({"school": ["A", "B", "C"], "item": "i", "dimension": "d", "n": [30, 20, 12],
                          "mean": 50.0, "suppressed": [False, True, False]})
    result = suppress_small_groups(items, 5)
    assert result["suppressed"].tolist() == [False, True, True]


# --- both directions of a two-way breakdown ---------------------------------------------------------------


def two_way(n: dict[tuple[str, str], int], remainder: dict[str, int] | None = None, k_min: int = 5,
            dimension: str = "d"):
    """Tables of a school x program breakdown with these cell sizes (mean 50 everywhere), suppressed the way
    the results are: network, schools as its split, then `suppress_crossed`."""
    remainder = remainder or {}
    cells = pd.DataFrame([{"school": s, "program": g, "dimension": dimension, "n": v, "mean": 50.0}
                          for (s, g), v in n.items()])
    schools = sorted({s for s, _ in n} | set(remainder))
    school_n = [sum(v for (s2, _), v in n.items() if s2 == s) + remainder.get(s, 0) for s in schools]
    programs = cells.groupby("program", as_index=False, sort=True)["n"].sum()
    network = suppress_small_groups(pd.DataFrame({"dimension": [dimension], "n": [sum(school_n)],
                                                  "mean": [50.0]}), k_min)
    school_cells = suppress_small_groups(pd.DataFrame({"school": schools, "dimension": dimension,
                                                       "n": school_n, "mean": 50.0}),
                                         k_min, parent_cells=network)
    program_cells = pd.DataFrame({"program": programs["program"], "dimension": dimension,
                                  "n": programs["n"], "mean": 50.0})
    crossed, network_programs = suppress_crossed(cells, k_min, rows=["school"], row_cells=school_cells,
                                                 column_cells=program_cells, total_cells=network)
    return crossed, network_programs, school_cells, network


def hidden_cells(crossed: pd.DataFrame) -> set[tuple[str, str]]:
    return set(map(tuple, crossed.loc[crossed["suppressed"], ["school", "program"]].to_numpy()))


def test_a_small_cell_cannot_be_rebuilt_from_the_network_cell_of_its_group():
    """A has 3 in program x. Within A, y (20) is suppressed with it. Along x, the network's x (25) minus
    B's x (10) and C's x (12) would give A's 3 back: B's x, the smallest published x of a school, is
    suppressed. B's x alone would be B (25) - B's y (15), so B's y goes too: the four hidden cells form a
    cycle and none of them can be worked out; C and the network's programs stay published."""
    crossed, network_programs, _, _ = two_way({("A", "x"): 3, ("A", "y"): 20, ("B", "x"): 10,
                                               ("B", "y"): 15, ("C", "x"): 12, ("C", "y"): 30})
    assert hidden_cells(crossed) == {("A", "x"), ("A", "y"), ("B", "x"), ("B", "y")}
    assert not network_programs["suppressed"].any()
    assert crossed.loc[crossed["suppressed"], "mean"].isna().all()


def test_a_program_of_one_school_is_its_network_cell():
    # VVS exists at A only: the network's VVS cell is A's VVS cell. A's EL (27) hides A's VVS (3) from
    # A's total; the network's VVS (3) is small and suppressed itself
    crossed, network_programs, _, _ = two_way({("A", "EL"): 27, ("A", "VVS"): 3, ("B", "EL"): 12,
                                               ("D", "EL"): 12})
    assert ("A", "VVS") in hidden_cells(crossed)
    assert network_programs.set_index("program")["suppressed"].to_dict()["VVS"]
    atoms = {("A", "EL"): 27, ("A", "VVS"): 3, ("B", "EL"): 12, ("D", "EL"): 12}
    assert derivable_small_sets(atoms, published_sets(*two_way(atoms)), 5) == []


def test_a_hidden_school_cannot_be_rebuilt_from_its_programs_across_schools():
    """A (3, all in program r, which only A has) is hidden, so B (the smallest school, 20) is hidden with
    it, and so are B's programs. C has 5 respondents in no program, so the network's programs (r 3 + 5
    unlabelled hidden) all stay published. Then B's p could be read off as the network's p minus C's p
    and B's q as the network's q minus C's q: B = 12 + 8, and A = network - B - C = 3. So C's q (6, the
    smallest published cell that spoils this) is suppressed too; C's row still hides it, behind C's 5
    unlabelled respondents. And C's p (25) as well: else B's p, a hidden cell, would still be the network's
    p minus C's p exactly (METHOD's audit: no hidden cell, however large, may be worked out)."""
    n = {("A", "r"): 3, ("B", "p"): 12, ("B", "q"): 8, ("C", "p"): 25, ("C", "q"): 6}
    crossed, network_programs, schools, network = two_way(n, {"C": 5})
    assert schools["suppressed"].tolist() == [True, True, False]
    assert hidden_cells(crossed) == {("A", "r"), ("B", "p"), ("B", "q"), ("C", "q"), ("C", "p")}
    assert network_programs.set_index("program")["suppressed"].to_dict() == {"p": False, "q": False, "r": True}
    atoms = n | {("C", None): 5}
    assert derivable_small_sets(atoms, published_sets(crossed, network_programs, schools, network), 5) == []


def test_a_large_complementary_cell_is_not_left_to_be_worked_out():
    """A (2) is hidden, and B (40, the smallest school) with it, so both of B's programs are hidden. A's x
    is then safe, but B's y is the only hidden y: the network's y (90) minus C's and D's y gives it exactly,
    and B's x follows within 2 (METHOD's audit: no suppressed cell, however large, bounded narrower than
    k_min). C's two programs, the cheapest cycle that keeps B's cells uncertain, are hidden as well."""
    n = {("A", "x"): 2, ("B", "x"): 20, ("B", "y"): 20, ("C", "x"): 30, ("C", "y"): 30, ("D", "x"): 40,
         ("D", "y"): 40}
    crossed, network_programs, schools, _ = two_way(n)
    assert schools["suppressed"].tolist() == [True, True, False, False]
    assert hidden_cells(crossed) == {("A", "x"), ("B", "x"), ("B", "y"), ("C", "x"), ("C", "y")}
    assert not network_programs["suppressed"].any()


def test_crossed_suppression_is_decided_per_dimension():
    cells = {("A", "x"): 3, ("A", "y"): 20, ("B", "x"): 10, ("B", "y"): 15, ("C", "x"): 12, ("C", "y"): 30}
    teaching, _, _, _ = two_way(cells, dimension="teaching")
    wellbeing, _, _, _ = two_way({key: max(value, 6) for key, value in cells.items()}, dimension="wellbeing")
    assert hidden_cells(teaching) and not hidden_cells(wellbeing)


def published_sets(crossed, network_programs, schools, network):
    """The atom sets of the published cells of `two_way`'s tables (atoms: (school, program or None))."""
    sets = []
    atoms_of = {}
    for row in crossed.itertuples():
        atoms_of.setdefault(("school", row.school), set()).add((row.school, row.program))
        atoms_of.setdefault(("program", row.program), set()).add((row.school, row.program))
    for row in schools.itertuples():
        atoms_of.setdefault(("school", row.school), set()).add((row.school, None))
    everyone = set().union(*atoms_of.values())
    if not network["suppressed"].iloc[0]:
        sets.append(everyone)
    sets += [atoms_of[("school", row.school)] for row in schools.itertuples() if not row.suppressed]
    sets += [atoms_of[("program", row.program)] for row in network_programs.itertuples() if not row.suppressed]
    sets += [{(row.school, row.program)} for row in crossed.itertuples() if not row.suppressed]
    return sets


def test_protect_table_by_hand():
    # rows A, B; columns x, y; last row/column the totals. A's x (2) is hidden; its row and column
    # each hold another hidden cell, but those two (A's y, B's x) can each be worked out from B's row
    # and y's column: B's y, the cell that closes the cycle, is suppressed as well
    n = np.array([[2, 20, 22], [10, 15, 25], [12, 35, 47]])
    published = np.array([[False, False, True], [False, True, True], [True, True, True]])
    hideable = np.zeros_like(published)
    hideable[:2, :2] = True
    result = protect_table(n, published, hideable, 5)
    assert result.tolist() == [[False, False, True], [False, False, True], [True, True, True]]


def test_hide_suppressed_n():
    table = pd.DataFrame({"school": ["A", "B", "C"], "dimension": "d", "n": [3, 12, 40],
                          "mean": [np.nan, np.nan, 61.0], "suppressed": [True, True, False]})
    shown = hide_suppressed_n(table, 5)
    assert shown["n"].isna().tolist() == [True, True, False] and shown.loc[2, "n"] == 40
    assert shown["n"].dtype == "Int64"
    # one symbol: the small cell and the one protecting it look the same
    assert shown["suppression"].tolist()[:2] == ["suppressed", "suppressed"]
    assert pd.isna(shown.loc[2, "suppression"])
    assert shown["n_shown"].tolist() == ["–", "–", "40"]
    # idempotent, and a table written with the reasons of earlier versions loses them
    again = hide_suppressed_n(shown.assign(suppression=["primary", "complementary", None],
                                           n_shown=["< 5", "–", "40"]), 5)
    assert again["n_shown"].tolist() == ["–", "–", "40"] and again["n"].isna().sum() == 2
    assert again["suppression"].tolist()[:2] == ["suppressed", "suppressed"]
    assert table["n"].tolist() == [3, 12, 40]  # the input is left as it was


def test_displayed_n():
    # published: the number; suppressed, small or not: a dash (one symbol, METHOD.md v2)
    assert displayed_n(12, False) == "12"
    assert displayed_n(3, True) == "–" and displayed_n(12, True) == "–" and displayed_n(0, True) == "–"
    shown = displayed_n(pd.Series([3, 8, 9], index=[4, 5, 6]), pd.Series([True, True, False], index=[4, 5, 6]))
    assert shown.to_dict() == {4: "–", 5: "–", 6: "9"}
    assert displayed_n(np.array([1, 7]), np.array([True, False])).tolist() == ["–", "7"]


# Property: after suppression no split leaves a suppressed remainder of 0 < n < k_min next to
# something published, so no suppressed group can be derived by subtracting the published
# children from the published parent.

@st.composite
def split_tables(draw):
    k_min = draw(st.integers(2, 10))
    rows = []
    for school in range(draw(st.integers(1, 3))):
        programs = draw(st.integers(1, 5))
        for dimension in ("teaching", "wellbeing")[: draw(st.integers(1, 2))]:
            for program in range(programs):
                rows.append({"school": f"S{school}", "program": f"p{program}",
                             "dimension": dimension, "n": draw(st.integers(0, 25)),
                             "mean": 50.0})
    return pd.DataFrame(rows), k_min


@settings(max_examples=150, deadline=None)
@given(split_tables())
def test_no_suppressed_remainder_can_be_derived_by_subtraction(table):
    cells, k_min = table
    result = suppress_small_groups(cells, k_min)
    assert result.loc[result["n"] < k_min, "suppressed"].all()
    assert result.loc[result["suppressed"], "mean"].isna().all()
    for _, split in result.groupby(["school", "dimension"]):
        hidden = split.loc[split["suppressed"], "n"].sum()
        published = (~split["suppressed"]).any()
        assert hidden == 0 or hidden >= k_min or not published
        # and no more than needed: at most one group of n >= k_min is hidden per split
        complementary = split["suppressed"] & (split["n"] >= k_min)
        assert complementary.sum() <= 1
        small = split.loc[split["n"] < k_min, "n"].sum()
        assert complementary.sum() == (0 < small < k_min and (split["n"] >= k_min).any())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=8), st.integers(2, 10))
def test_school_split_of_the_network_leaves_nothing_to_subtract(sizes, k_min):
    cells = pd.DataFrame({"school": [f"S{i}" for i in range(len(sizes))], "dimension": "d",
                          "n": sizes, "mean": 1.0})
    result = suppress_small_groups(cells, k_min)
    hidden = result.loc[result["suppressed"], "n"].sum()
    assert hidden == 0 or hidden >= k_min or result["suppressed"].all()


# Property, with the unlabelled: every split of a published parent leaves a hidden part (suppressed
# groups plus the respondents in no group) of 0 or >= k_min.

@st.composite
def splits_with_remainder(draw):
    k_min = draw(st.integers(2, 10))
    rows, parents = [], []
    for school in range(draw(st.integers(1, 3))):
        for dimension in ("teaching", "wellbeing")[: draw(st.integers(1, 2))]:
            sizes = draw(st.lists(st.integers(0, 25), min_size=1, max_size=5))
            remainder = draw(st.integers(0, 8))
            rows += [{"school": f"S{school}", "gender": f"g{g}", "dimension": dimension, "n": size,
                      "mean": 50.0} for g, size in enumerate(sizes)]
            parents.append({"school": f"S{school}", "dimension": dimension,
                            "n": sum(sizes) + remainder, "mean": 50.0})
    parents = pd.DataFrame(parents)
    parents["suppressed"] = parents["n"] < k_min
    return pd.DataFrame(rows), parents, k_min


@settings(max_examples=150, deadline=None)
@given(splits_with_remainder())
def test_no_hidden_part_with_the_unlabelled_can_be_derived(table):
    cells, parents, k_min = table
    result = suppress_small_groups(cells, k_min, parent_cells=parents)
    for (school, dimension), split in result.groupby(["school", "dimension"]):
        parent = parents[(parents["school"] == school) & (parents["dimension"] == dimension)].iloc[0]
        if parent["suppressed"]:
            assert split["suppressed"].all()
            continue
        atoms = {g: n for g, n in zip(split["gender"], split["n"])}
        atoms[None] = parent["n"] - split["n"].sum()
        published = [set(atoms)] + [{g} for g, hidden in zip(split["gender"], split["suppressed"])
                                    if not hidden]
        assert derivable_small_sets(atoms, published, k_min) == []


# Property, in both directions: schools x programs with some respondents in no program, suppressed as the
# results are; whatever a reader adds up or subtracts from what is published, no set of fewer than k_min
# respondents (a small cell, or small cells together with unlabelled respondents) comes out.

@st.composite
def two_way_tables(draw):
    k_min = draw(st.integers(2, 6))
    schools = draw(st.integers(1, 4))
    programs = draw(st.integers(1, 3))
    n = {}
    for s in range(schools):
        for p in range(programs):
            size = draw(st.one_of(st.integers(0, 4), st.integers(0, 25)))
            if size:
                n[(f"S{s}", f"p{p}")] = size
    remainder = {f"S{s}": draw(st.sampled_from([0, 0, 1, 2, 3, 6])) for s in range(schools)}
    return n, remainder, k_min


@settings(max_examples=200, deadline=None)
@given(two_way_tables())
def test_no_small_set_of_respondents_can_be_worked_out_of_a_two_way_breakdown(table):
    n, remainder, k_min = table
    if not n:
        return
    crossed, network_programs, schools, network = two_way(n, remainder, k_min)
    assert crossed.loc[crossed["n"] < k_min, "suppressed"].all()
    assert crossed.loc[crossed["suppressed"], "mean"].isna().all()
    atoms = dict(n) | {(s, None): r for s, r in remainder.items()}
    sets = published_sets(crossed, network_programs, schools, network)
    assert derivable_small_sets(atoms, sets, k_min) == []
