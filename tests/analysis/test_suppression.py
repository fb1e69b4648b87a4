import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis import dimension_index, displayed_n, suppress_small_groups


def program_cells(sizes: dict[str, int], school: str = "S", dimension: str = "teaching"):
    return pd.DataFrame({"school": school, "program": list(sizes), "dimension": dimension,
                         "n": list(sizes.values()), "mean": 50.0, "sd": 10.0,
                         "ci_low": 40.0, "ci_high": 60.0})


def suppressed_programs(result: pd.DataFrame) -> list[str]:
    return result.loc[result["suppressed"], "program"].tolist()


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


def test_displayed_n():
    # published: the number; small: "< k_min"; complementary (n >= k_min): a dash, since its
    # exact n would give away the small group's n by subtraction
    assert displayed_n(12, False, 5) == "12"
    assert displayed_n(3, True, 5) == "< 5"
    assert displayed_n(12, True, 5) == "–"
    assert displayed_n(0, True, 10) == "< 10"
    shown = displayed_n(pd.Series([3, 8, 9], index=[4, 5, 6]), pd.Series([True, True, False],
                                                                         index=[4, 5, 6]), 5)
    assert shown.to_dict() == {4: "< 5", 5: "–", 6: "9"}
    assert displayed_n(np.array([1, 7]), np.array([True, False])).tolist() == ["< 5", "7"]


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
