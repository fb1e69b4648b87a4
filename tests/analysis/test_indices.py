import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis import dimension_index, group_codes

T_975_DF2 = 4.302652729749462  # t(0.975, 2) from tables: 4.3027
T_975_DF1 = 12.706204736174694  # t(0.975, 1): 12.706


def test_index_n_sd_and_t_interval_by_hand():
    scores = pd.DataFrame({"teaching": [50.0, 75.0, 100.0]})
    row = dimension_index(scores).iloc[0]
    # mean (50 + 75 + 100) / 3 = 75; sd = sqrt((25^2 + 0 + 25^2) / (3 - 1)) = sqrt(625) = 25
    # half width = t(0.975, 2) * 25 / sqrt(3) = 4.3027 * 14.4338 = 62.104
    half = T_975_DF2 * 25 / np.sqrt(3)
    assert (row["n"], row["mean"], row["sd"]) == (3, 75, 25)
    assert row["ci_low"] == pytest.approx(75 - half)
    assert row["ci_high"] == pytest.approx(75 + half)
    assert row["ci_high"] == pytest.approx(137.104, abs=1e-3)


def test_two_respondents_use_t_with_one_degree_of_freedom():
    scores = pd.DataFrame({"teaching": [40.0, 60.0]})
    row = dimension_index(scores).iloc[0]
    # mean 50, sd = sqrt((100 + 100) / 1) = 14.142; half = 12.706 * 14.142 / sqrt(2) = 127.06
    assert row["ci_low"] == pytest.approx(50 - T_975_DF1 * 10)
    assert row["ci_high"] == pytest.approx(50 + T_975_DF1 * 10)


def test_one_respondent_has_no_sd_or_interval_and_none_no_mean():
    scores = pd.DataFrame({"a": [80.0, np.nan, np.nan], "b": [np.nan, np.nan, np.nan]})
    result = dimension_index(scores).set_index("dimension")
    assert result.loc["a", "n"] == 1 and result.loc["a", "mean"] == 80
    assert result.loc["a", ["sd", "ci_low", "ci_high"]].isna().all()
    assert result.loc["b", "n"] == 0 and np.isnan(result.loc["b", "mean"])


def test_missing_respondent_scores_are_not_counted():
    scores = pd.DataFrame({"teaching": [100.0, np.nan, 50.0]})
    groups = pd.Series(["S1", "S1", "S1"], name="school")
    row = dimension_index(scores, groups).iloc[0]
    # n counts defined scores only: 2; mean (100 + 50) / 2 = 75
    assert (row["school"], row["n"], row["mean"]) == ("S1", 2, 75)


def test_pooled_network_mean_is_not_the_mean_of_school_means():
    scores = pd.DataFrame({"teaching": [100.0, 100.0, 100.0, 0.0]})
    school = pd.Series(["A", "A", "A", "B"], name="school")
    by_school = dimension_index(scores, school).set_index("school")["mean"]
    network = dimension_index(scores).iloc[0]
    # schools: A = 100, B = 0; mean of school means = 50
    # pooled: (100 + 100 + 100 + 0) / 4 = 75
    assert by_school.to_dict() == {"A": 100, "B": 0}
    assert network["mean"] == 75 and network["n"] == 4
    assert list(dimension_index(scores).columns) == ["dimension", "n", "mean", "sd",
                                                     "ci_low", "ci_high"]


def test_groups_cross_several_columns_and_skip_missing_labels():
    scores = pd.DataFrame({"teaching": [10.0, 20.0, 30.0, 40.0, 50.0]})
    groups = pd.DataFrame({"school": ["B", "A", "A", "A", "B"],
                           "program": ["p1", "p2", "p1", None, "p1"]})
    result = dimension_index(scores, groups)
    # A/p1: 30; A/p2: 20; B/p1: (10 + 50) / 2 = 30; the respondent without program is left out
    assert result[["school", "program", "n", "mean"]].values.tolist() == [
        ["A", "p1", 1, 30], ["A", "p2", 1, 20], ["B", "p1", 2, 30]]


def test_group_codes_can_be_built_once_and_reused():
    scores = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 2.0, np.nan]})
    school = pd.Series(["x", "y", "x", "y"], name="school")
    program = pd.Series(["p", "p", "q", "q"], name="program")
    direct = dimension_index(scores, pd.concat([school, program], axis=1))
    reused = dimension_index(scores, [group_codes(school), group_codes(program)])
    pd.testing.assert_frame_equal(direct, reused)


def test_groups_align_on_the_scores_index():
    scores = pd.DataFrame({"a": [10.0, 20.0]}, index=[7, 3])
    school = pd.Series(["late", "early"], index=[3, 7], name="school")
    result = dimension_index(scores, school).set_index("school")["mean"]
    assert result.to_dict() == {"early": 10, "late": 20}


def test_equal_scores_have_zero_sd():
    scores = pd.DataFrame({"a": [70.0] * 4})
    row = dimension_index(scores, pd.Series(["s"] * 4, name="school")).iloc[0]
    assert row["sd"] == 0 and row["ci_low"] == row["ci_high"] == 70


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_dimension_index_does_not_depend_on_row_order(data):
    size = data.draw(st.integers(1, 40))
    value = st.one_of(st.floats(0, 100), st.just(float("nan")))
    scores = pd.DataFrame({"a": data.draw(st.lists(value, min_size=size, max_size=size)),
                           "b": data.draw(st.lists(value, min_size=size, max_size=size))})
    groups = pd.DataFrame({
        "school": data.draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=size,
                                     max_size=size)),
        "program": data.draw(st.lists(st.sampled_from(["p", "q", None]), min_size=size,
                                      max_size=size))})
    order = data.draw(st.permutations(range(size)))
    expected = dimension_index(scores, groups)
    shuffled = dimension_index(scores.iloc[order].reset_index(drop=True),
                               groups.iloc[order].reset_index(drop=True))
    pd.testing.assert_frame_equal(shuffled, expected, check_exact=False, rtol=1e-9, atol=1e-9)
    network = dimension_index(scores.iloc[order])
    pd.testing.assert_frame_equal(network, dimension_index(scores), check_exact=False,
                                  rtol=1e-9, atol=1e-9)
