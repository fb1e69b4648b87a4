import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.analysis import comparable_dimensions, compare_rounds, dimension_index, trend

PREVIOUS = [40.0, 45.0, 50.0, 55.0, 60.0]
CURRENT = [60.0, 65.0, 70.0, 75.0, 80.0]


@pytest.fixture
def specs(make_spec):
    previous = make_spec({"teaching": 2, "wellbeing": 2, "overall": 1})
    current = make_spec({"teaching": 2, "wellbeing": 2, "overall": 1},
                        lineage={"wellbeing.2": "wellbeing.new"})  # a new item in wellbeing
    return previous, current


def test_only_dimensions_whose_items_keep_their_lineage_are_comparable(specs):
    previous, current = specs
    assert comparable_dimensions(previous, current) == {
        "teaching": "teaching", "wellbeing": None, "overall": "overall"}


def test_a_renamed_or_reordered_dimension_is_found_by_lineage(make_spec):
    previous = make_spec({"teaching": 2, "overall": 1})
    current = make_spec({"lessons": 2, "overall": 1},
                        lineage={"lessons.1": "teaching.2", "lessons.2": "teaching.1"})
    assert comparable_dimensions(previous, current)["lessons"] == "teaching"


@pytest.mark.parametrize("change", [
    dict(points=7),                          # another scale
    dict(reverse={"teaching.1"}),            # worded the other way round
    dict(dimensions={"teaching": 3, "overall": 1}),  # an item added
])
def test_scale_direction_and_item_set_changes_break_comparability(make_spec, change):
    previous = make_spec({"teaching": 2, "overall": 1})
    arguments = {"dimensions": {"teaching": 2, "overall": 1}} | change
    current = make_spec(arguments.pop("dimensions"), **arguments)
    assert comparable_dimensions(previous, current)["teaching"] is None


def test_trend_with_welch_by_hand(specs):
    previous, current = specs
    before = pd.DataFrame({"teaching": PREVIOUS, "wellbeing": PREVIOUS, "overall": PREVIOUS})
    after = pd.DataFrame({"teaching": CURRENT, "wellbeing": CURRENT, "overall": PREVIOUS})
    result = trend(before, after, previous, current).set_index("dimension")

    teaching = result.loc["teaching"]
    # means 50 and 70; both sd = sqrt((100 + 25 + 0 + 25 + 100) / 4) = sqrt(62.5)
    # se = sqrt(62.5 / 5 + 62.5 / 5) = 5; t = (70 - 50) / 5 = 4
    # Welch df = (12.5 + 12.5)^2 / (12.5^2 / 4 + 12.5^2 / 4) = 625 / 78.125 = 8
    assert (teaching["previous_mean"], teaching["current_mean"]) == (50, 70)
    assert teaching["change"] == 20
    welch = stats.ttest_ind(CURRENT, PREVIOUS, equal_var=False).confidence_interval(0.95)
    assert (teaching["change_low"], teaching["change_high"]) == pytest.approx((welch.low, welch.high))
    assert teaching["p_value"] == pytest.approx(2 * stats.t.sf(4, 8))  # = 0.00395
    assert teaching["p_value"] == pytest.approx(
        stats.ttest_ind(PREVIOUS, CURRENT, equal_var=False).pvalue)
    # tested with overall: q of the smaller p = p x 2 / 1
    assert teaching["q_value"] == pytest.approx(2 * teaching["p_value"])
    assert teaching["flag"] == "up" and teaching["comparable"]

    overall = result.loc["overall"]
    assert overall["change"] == 0 and overall["flag"] == ""

    wellbeing = result.loc["wellbeing"]
    # not comparable: no numbers at all
    assert not wellbeing["comparable"] and wellbeing["flag"] == ""
    assert wellbeing[["previous_mean", "current_mean", "change", "change_low", "p_value", "q_value"]].isna().all()
    assert pd.isna(wellbeing["previous_n"]) and pd.isna(wellbeing["previous_dimension"])


def test_a_small_change_is_not_significant(make_spec):
    spec = make_spec({"overall": 1})
    before = pd.DataFrame({"overall": [40.0, 60.0, 45.0, 55.0, 50.0]})
    after = pd.DataFrame({"overall": [42.0, 62.0, 47.0, 57.0, 52.0]})
    row = trend(before, after, spec, spec).iloc[0]
    # difference 2 with se 5 (as above): t = 0.4, df = 8 -> p = 0.70
    assert row["change"] == pytest.approx(2)
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(0.4, 8))
    assert row["flag"] == ""


def test_small_groups_show_no_trend(make_spec):
    spec = make_spec({"overall": 1})
    before = pd.DataFrame({"overall": [40.0, 60.0, 45.0, 55.0]})  # n = 4 < 5
    after = pd.DataFrame({"overall": CURRENT})
    row = trend(before, after, spec, spec, k_min=5).iloc[0]
    assert row["comparable"] and np.isnan(row["change"]) and row["flag"] == "" and pd.isna(row["previous_n"])
    assert trend(before, after, spec, spec, k_min=4).iloc[0]["change"] == pytest.approx(20)


def test_compare_rounds_per_school(make_spec):
    spec = make_spec({"overall": 1})
    previous = pd.DataFrame({"overall": PREVIOUS * 2})
    current = pd.DataFrame({"overall": CURRENT + PREVIOUS})
    school = pd.Series(["A"] * 5 + ["B"] * 5, name="school")
    result = compare_rounds(dimension_index(previous, school), dimension_index(current, school),
                            spec, spec)
    assert result[["school", "change", "flag"]].values.tolist() == [["A", 20.0, "up"], ["B", 0.0, ""]]


def test_school_new_this_round_has_no_trend(make_spec):
    spec = make_spec({"overall": 1})
    previous = dimension_index(pd.DataFrame({"overall": PREVIOUS}),
                               pd.Series(["A"] * 5, name="school"))
    current = dimension_index(pd.DataFrame({"overall": CURRENT}),
                              pd.Series(["B"] * 5, name="school"))
    row = compare_rounds(previous, current, spec, spec).iloc[0]
    assert row["school"] == "B" and np.isnan(row["change"])


def test_q_values_are_benjamini_hochberg_within_each_school():
    from statsmodels.stats.multitest import multipletests

    from survey.analysis import benjamini_hochberg

    rng = np.random.default_rng(3)
    p = rng.uniform(0, 0.2, 17)
    p[[2, 9]] = np.nan  # not tested: no q, and not counted among the tests
    family = np.array([0] * 8 + [1] * 9)
    q = benjamini_hochberg(p, family)
    for code in (0, 1):
        tested = (family == code) & ~np.isnan(p)
        assert q[tested] == pytest.approx(multipletests(p[tested], method="fdr_bh")[1])
    assert np.isnan(q[[2, 9]]).all()


def test_a_change_is_flagged_only_from_the_minimal_difference(make_spec):
    """Two schools, each with one dimension clearly changed by 2.5 points over many respondents: q < 0.05, yet
    only a minimal important difference of 2.5 or less flags it; the sign gives the direction."""
    spec = make_spec({"overall": 1})
    rng = np.random.default_rng(8)
    base = rng.normal(60, 5, 400)
    previous = pd.DataFrame({"overall": np.concatenate([base, base])})
    current = pd.DataFrame({"overall": np.concatenate([base + 2.5, base - 2.5])})
    school = pd.Series(["A"] * 400 + ["B"] * 400, name="school")
    cells = dimension_index(previous, school), dimension_index(current, school)
    strict = compare_rounds(*cells, spec, spec, minimal_difference=3.0)
    assert (strict["q_value"] < 0.05).all() and strict["flag"].tolist() == ["", ""]
    lenient = compare_rounds(*cells, spec, spec, minimal_difference=2.5)
    assert lenient["flag"].tolist() == ["up", "down"]
