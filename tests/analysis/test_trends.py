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
    assert teaching["difference"] == 20
    assert teaching["p_value"] == pytest.approx(2 * stats.t.sf(4, 8))  # = 0.00395
    assert teaching["p_value"] == pytest.approx(
        stats.ttest_ind(PREVIOUS, CURRENT, equal_var=False).pvalue)
    assert teaching["significant"] and teaching["comparable"]

    overall = result.loc["overall"]
    assert overall["difference"] == 0 and not overall["significant"]

    wellbeing = result.loc["wellbeing"]
    # not comparable: no numbers at all
    assert not wellbeing["comparable"] and not wellbeing["significant"]
    assert wellbeing[["previous_mean", "current_mean", "difference", "p_value"]].isna().all()
    assert pd.isna(wellbeing["previous_n"]) and pd.isna(wellbeing["previous_dimension"])


def test_a_small_change_is_not_significant(make_spec):
    spec = make_spec({"overall": 1})
    before = pd.DataFrame({"overall": [40.0, 60.0, 45.0, 55.0, 50.0]})
    after = pd.DataFrame({"overall": [42.0, 62.0, 47.0, 57.0, 52.0]})
    row = trend(before, after, spec, spec).iloc[0]
    # difference 2 with se 5 (as above): t = 0.4, df = 8 -> p = 0.70
    assert row["difference"] == pytest.approx(2)
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(0.4, 8))
    assert not row["significant"]


def test_small_groups_show_no_trend(make_spec):
    spec = make_spec({"overall": 1})
    before = pd.DataFrame({"overall": [40.0, 60.0, 45.0, 55.0]})  # n = 4 < 5
    after = pd.DataFrame({"overall": CURRENT})
    row = trend(before, after, spec, spec, k_min=5).iloc[0]
    assert row["comparable"] and np.isnan(row["difference"]) and not row["significant"]
    assert trend(before, after, spec, spec, k_min=4).iloc[0]["difference"] == pytest.approx(20)


def test_compare_rounds_per_school(make_spec):
    spec = make_spec({"overall": 1})
    previous = pd.DataFrame({"overall": PREVIOUS * 2})
    current = pd.DataFrame({"overall": CURRENT + PREVIOUS})
    school = pd.Series(["A"] * 5 + ["B"] * 5, name="school")
    result = compare_rounds(dimension_index(previous, school), dimension_index(current, school),
                            spec, spec)
    assert result[["school", "difference", "significant"]].values.tolist() == [
        ["A", 20.0, True], ["B", 0.0, False]]


def test_school_new_this_round_has_no_trend(make_spec):
    spec = make_spec({"overall": 1})
    previous = dimension_index(pd.DataFrame({"overall": PREVIOUS}),
                               pd.Series(["A"] * 5, name="school"))
    current = dimension_index(pd.DataFrame({"overall": CURRENT}),
                              pd.Series(["B"] * 5, name="school"))
    row = compare_rounds(previous, current, spec, spec).iloc[0]
    assert row["school"] == "B" and np.isnan(row["difference"])
