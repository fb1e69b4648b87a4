import numpy as np
import pandas as pd
import pytest

from survey.analysis import (
    dimension_index,
    network_benchmark,
    respondent_dimension_scores,
    suppress_small_groups,
)


def school_cells(means: dict[str, float], n: int = 20, suppressed=()) -> pd.DataFrame:
    return pd.DataFrame({"school": list(means), "dimension": "teaching", "n": n,
                         "mean": list(means.values()),
                         "suppressed": [school in suppressed for school in means]})


def network_cells(n: int, mean: float) -> pd.DataFrame:
    return pd.DataFrame({"dimension": ["teaching"], "n": [n], "mean": [mean]})


def test_quartiles_use_linear_interpolation():
    cells = school_cells({"A": 10, "B": 20, "C": 40, "D": 80})
    row = network_benchmark(cells, network_cells(80, 37.5)).dimensions.iloc[0]
    # sorted 10, 20, 40, 80; position = q * (4 - 1)
    # lower: 0.75 -> 10 + 0.75 * (20 - 10) = 17.5; median: 1.5 -> 30;
    # upper: 2.25 -> 40 + 0.25 * (80 - 40) = 50
    assert (row["lower_quartile"], row["median"], row["upper_quartile"]) == (17.5, 30, 50)
    assert row["of"] == 4 and row["network_mean"] == 37.5 and row["network_n"] == 80


def test_tied_schools_share_the_better_rank():
    cells = school_cells({"A": 60, "B": 70, "C": 80, "D": 70})
    ranks = network_benchmark(cells, network_cells(80, 70)).schools.set_index("school")["rank"]
    # 80 -> 1; 70, 70 -> both 2; 60 -> 4 (not 3)
    assert ranks.to_dict() == {"A": 4, "B": 2, "C": 1, "D": 2}


def test_indices_equal_up_to_rounding_noise_are_tied():
    cells = school_cells({"A": 0.1 + 0.2, "B": 0.3})  # 0.30000000000000004 vs 0.3
    ranks = network_benchmark(cells, network_cells(40, 0.3)).schools["rank"]
    assert ranks.tolist() == [1, 1]


def test_suppressed_schools_are_neither_ranked_nor_in_the_distribution():
    cells = school_cells({"A": 10, "B": 20, "C": 99, "D": 40}, suppressed={"C"})
    result = network_benchmark(cells, network_cells(80, 30))
    schools = result.schools.set_index("school")
    assert pd.isna(schools.loc["C", "rank"])
    assert schools["rank"].dropna().to_dict() == {"A": 3, "B": 2, "D": 1}
    assert (schools["of"] == 3).all()
    # median of 10, 20, 40 is 20 (C's 99 is left out)
    assert result.dimensions.loc[0, "median"] == 20


def test_network_mean_is_pooled_over_respondents():
    scores = pd.DataFrame({"teaching": [100.0] * 6 + [0.0] * 2})
    school = pd.Series(["A"] * 6 + ["B"] * 2, name="school")
    schools = dimension_index(scores, school)
    result = network_benchmark(schools, dimension_index(scores)).dimensions.iloc[0]
    # pooled: 600 / 8 = 75, while the mean of the school indices is (100 + 0) / 2 = 50
    assert result["network_mean"] == 75
    # school B (n = 2 < 5) is suppressed, and so is A: network n 8 - A's 6 would give B's 2
    ranked = network_benchmark(suppress_small_groups(schools, 5), dimension_index(scores))
    assert ranked.dimensions.loc[0, "of"] == 0
    assert ranked.dimensions.loc[0, "network_mean"] == 75


def test_each_dimension_is_ranked_separately():
    cells = pd.DataFrame({"school": ["A", "B", "A", "B"], "dimension": ["x", "x", "y", "y"],
                          "n": 10, "mean": [50.0, 60.0, 70.0, 40.0]})
    network = pd.DataFrame({"dimension": ["x", "y"], "n": [20, 20], "mean": [55.0, 55.0]})
    result = network_benchmark(cells, network)
    assert result.schools["rank"].tolist() == [2, 1, 1, 2]
    assert result.dimensions["dimension"].tolist() == ["x", "y"]


def test_dimension_without_published_schools_has_no_distribution():
    cells = school_cells({"A": 50}, suppressed={"A"})
    row = network_benchmark(cells, network_cells(3, 50)).dimensions.iloc[0]
    assert row["of"] == 0 and np.isnan(row["median"])


def test_rows_keep_their_own_index():
    cells = school_cells({"A": 60, "B": 70, "C": 80}).set_axis([30, 10, 20])
    schools = network_benchmark(cells, network_cells(60, 70)).schools
    assert schools.loc[[30, 10, 20], "rank"].tolist() == [3, 2, 1]


def test_schools_tied_on_a_four_point_scale_share_the_better_rank(make_spec, make_responses):
    """k = 4: the item scores are 0, 33.3.., 66.6.., 100. Five respondents at S1 answer (4, 1) and five at
    S2 answer (2, 3): each respondent's score is 50, so both schools' index is exactly 50. In float32,
    33.333332 + 66.666664 falls short of 100, S2 came out at 49.999998 and ranked 2nd."""
    spec = make_spec({"wellbeing": 2, "overall": 1}, points=4)
    frame = make_responses(school=["S1"] * 5 + ["S2"] * 5 + ["S3"] * 5,
                           **{"wellbeing.1": [4] * 5 + [2] * 5 + [1] * 5,
                              "wellbeing.2": [1] * 5 + [3] * 5 + [2] * 5,
                              "overall.1": [3] * 15})
    scores = respondent_dimension_scores(frame, spec)
    assert scores["wellbeing"].dtype == np.float64
    cells = suppress_small_groups(dimension_index(scores, frame["school"]), 5)
    schools = network_benchmark(cells, dimension_index(scores)).schools
    wellbeing = schools[schools["dimension"] == "wellbeing"].set_index("school")
    assert wellbeing["rank"].to_dict() == {"S1": 1, "S2": 1, "S3": 3}
    assert wellbeing.loc["S2", "mean"] == pytest.approx(50, abs=1e-12)
