"""Outcome correlation across schools (survey/analysis/outcome_correlation.py) against scipy: r and its 95%
interval by Fisher's z as scipy.stats.pearsonr(...).confidence_interval() computes them; the pairing of a round's
year with each school's value of that year or the latest before; suppressed schools left out; fewer than 5
schools give no r; the network median only where 3 other schools have a value."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr

from survey.analysis.outcome_correlation import (network_medians, outcome_correlations, outcome_points,
                                                 pearson_interval)


@pytest.mark.parametrize("n", [4, 5, 12, 60])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_r_and_interval_equal_scipy(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(40, 90, n)
    y = 0.4 * x + rng.normal(0, 8, n)
    expected = pearsonr(x, y)
    interval = expected.confidence_interval(confidence_level=0.95)
    r, low, high = pearson_interval(x, y)
    assert r == pytest.approx(expected.statistic, abs=1e-12)
    assert (low, high) == (pytest.approx(interval.low, abs=1e-12), pytest.approx(interval.high, abs=1e-12))


def test_constant_values_and_too_few_pairs_give_no_r():
    assert np.isnan(pearson_interval([50, 60, 70, 80], [3, 3, 3, 3])[0])
    assert np.isnan(pearson_interval([50, 60, 70], [1, 2, 4])[0])


def indices(rows):
    return pd.DataFrame(rows, columns=["school", "dimension", "index", "suppressed"])


def outcomes(rows):
    return pd.DataFrame(rows, columns=["indicator", "school", "year", "value"])


def test_each_school_is_paired_with_the_rounds_year_or_the_latest_before():
    points = outcome_points(
        indices([("A", "teach", 70.0, False), ("B", "teach", 60.0, False), ("C", "teach", 55.0, False),
                 ("D", "teach", None, True)]),
        outcomes([("done", "A", 2025, 80.0), ("done", "A", 2026, 82.0), ("done", "A", 2027, 99.0),
                  ("done", "B", 2024, 70.0), ("done", "B", 2025, 71.0),
                  ("done", "C", 2027, 60.0),  # only after the round's year: left out
                  ("done", "D", 2026, 50.0)]),  # suppressed index: left out
        2026)
    assert points[["school", "index", "value", "year"]].values.tolist() == [["A", 70.0, 82.0, 2026],
                                                                           ["B", 60.0, 71.0, 2025]]


def test_correlations_need_5_schools_and_leave_suppressed_schools_out():
    rng = np.random.default_rng(7)
    schools = [f"S{i}" for i in range(8)]
    index = rng.uniform(50, 80, 8)
    value = index * 0.5 + rng.normal(0, 3, 8)
    rows = [(s, "teach", i, False) for s, i in zip(schools, index)]
    rows += [(s, "wellbeing", i, k >= 4) for k, (s, i) in enumerate(zip(schools, index))]  # 4 published
    values = [("done", s, 2026, v) for s, v in zip(schools, value)]
    result = outcome_correlations(outcome_points(indices(rows), outcomes(values), 2026)).set_index("dimension")
    expected = pearsonr(index, value)
    assert result.at["teach", "n"] == 8
    assert result.at["teach", "r"] == pytest.approx(expected.statistic)
    assert result.at["teach", "ci_low"] == pytest.approx(expected.confidence_interval().low)
    assert result.at["wellbeing", "n"] == 4 and np.isnan(result.at["wellbeing", "r"])
    # the same 8 schools with the suppressed ones' values changed: the published schools' r does not move
    shifted = [(i, s, y, v + (500 if s in schools[4:] else 0)) for i, s, y, v in values]
    again = outcome_correlations(outcome_points(indices(rows), outcomes(shifted), 2026), min_schools=3)
    assert again.set_index("dimension").at["wellbeing", "r"] == pytest.approx(pearsonr(index[:4], value[:4]).statistic)


def test_network_median_only_where_3_other_schools_have_a_value():
    values = outcomes([("done", "A", 2025, 80.0), ("done", "B", 2025, 60.0), ("done", "C", 2025, 70.0),
                       ("done", "D", 2025, 90.0),
                       ("done", "A", 2026, 81.0), ("done", "B", 2026, 61.0), ("done", "C", 2026, 71.0)])
    medians = network_medians(values, "A")
    assert medians.values.tolist() == [["done", 2025, 75.0]]  # 2026: only 2 other schools
    assert network_medians(values, "Z").values.tolist() == [["done", 2025, 75.0], ["done", 2026, 71.0]]
