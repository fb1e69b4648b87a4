import itertools
from math import factorial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis import (
    driver_importance,
    lmg_shares,
    school_driver_importance,
    subset_r_squared,
)


def least_squares_r_squared(y: np.ndarray, x: np.ndarray) -> float:
    """R^2 of an OLS fit of y on the columns of x with an intercept (numpy lstsq)."""
    design = np.column_stack([np.ones(len(y)), x])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    return 1 - residual @ residual / np.sum((y - y.mean()) ** 2)


def brute_force_shapley(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Average, over all p! orderings, of each predictor's R^2 gain when it enters the model."""
    p = x.shape[1]
    gains = np.zeros(p)
    for ordering in itertools.permutations(range(p)):
        entered: list[int] = []
        previous = 0.0
        for j in ordering:
            entered.append(j)
            current = least_squares_r_squared(y, x[:, entered])
            gains[j] += current - previous
            previous = current
    return gains / factorial(p)


def random_regression(seed: int, n: int, p: int):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(p, p))
    x = rng.normal(size=(n, p)) @ mixing  # correlated predictors
    y = x @ rng.normal(size=p) + rng.normal(scale=2.0, size=n)
    return y, x


def scores_frame(y, x, spec):
    return pd.DataFrame(np.column_stack([x, y]), columns=[*spec.predictors, spec.overall])


@pytest.mark.parametrize(("seed", "p"), [(1, 4), (2, 5), (3, 5)])
def test_lmg_equals_brute_force_shapley_over_all_permutations(seed, p, make_spec):
    y, x = random_regression(seed, 150, p)
    spec = make_spec({**{f"d{j}": 1 for j in range(p)}, "overall": 1})
    result = driver_importance(scores_frame(y, x, spec), spec)
    shapley = brute_force_shapley(y, x)
    full = least_squares_r_squared(y, x)
    assert result.r_squared == pytest.approx(full)
    assert shapley.sum() == pytest.approx(full)  # Shapley shares add up to R^2
    assert result.importance.to_numpy() == pytest.approx(shapley / full * 100)
    assert result.importance.sum() == pytest.approx(100)
    assert result.n == 150 and result.source == "network"


def test_subset_r_squared_matches_least_squares_fits():
    y, x = random_regression(7, 80, 4)
    r2 = subset_r_squared(np.corrcoef(np.column_stack([y, x]), rowvar=False))
    for mask in range(16):
        chosen = [j for j in range(4) if mask >> j & 1]
        expected = least_squares_r_squared(y, x[:, chosen]) if chosen else 0.0
        assert r2[mask] == pytest.approx(expected, abs=1e-12)


def test_uncorrelated_predictors_split_r_squared_by_hand(make_spec):
    spec = make_spec({"a": 1, "b": 1, "overall": 1})
    x1 = np.array([1.0, -1, 1, -1])
    x2 = np.array([1.0, 1, -1, -1])
    y = x1 + 2 * x2  # 3, 1, -1, -3: an exact fit, R^2 = 1
    # corr(x1, x2) = 0; r(x1, y)^2 = 1^2 / (1 * 5) = 0.2; r(x2, y)^2 = 2^2 / 5 = 0.8
    # orthogonal predictors: each LMG share is its own r^2 -> 20% and 80%
    result = driver_importance(scores_frame(y, np.column_stack([x1, x2]), spec), spec)
    assert result.r_squared == pytest.approx(1)
    assert result.importance.to_dict() == pytest.approx({"a": 20, "b": 80})


def test_one_predictor_takes_everything():
    correlation = np.array([[1, 0.6], [0.6, 1]])
    # R^2 = r^2 = 0.36, all of it the one predictor's
    assert lmg_shares(correlation) == pytest.approx([0.36])


def test_only_complete_cases_are_used(make_spec):
    y, x = random_regression(5, 60, 3)
    spec = make_spec({"a": 1, "b": 1, "c": 1, "overall": 1})
    complete = scores_frame(y, x, spec)
    with_gaps = pd.concat([complete, pd.DataFrame({"a": [50.0, np.nan], "b": [1.0, 2.0],
                                                   "c": [3.0, 4.0], "overall": [np.nan, 9.0]})],
                          ignore_index=True)
    expected = driver_importance(complete, spec)
    result = driver_importance(with_gaps, spec)
    assert result.n == 60
    assert result.importance.to_numpy() == pytest.approx(expected.importance.to_numpy())


def test_constant_score_gives_no_importance(make_spec):
    spec = make_spec({"a": 1, "b": 1, "overall": 1})
    scores = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [7.0] * 5, "overall": [2.0, 1, 4, 3, 5]})
    result = driver_importance(scores, spec)
    assert result.importance.isna().all() and np.isnan(result.r_squared)


def test_schools_with_too_few_cases_get_the_networks_importances(make_spec):
    y, x = random_regression(11, 400, 3)
    spec = make_spec({"a": 1, "b": 1, "c": 1, "overall": 1})
    scores = scores_frame(y, x, spec)
    school = pd.Series(["big"] * 300 + ["small"] * 100, name="school")
    scores.loc[399, "a"] = np.nan  # "small" has 99 complete cases
    result = school_driver_importance(scores, school, spec, min_cases=100)
    network = driver_importance(scores, spec)
    big = result[result["school"] == "big"]
    small = result[result["school"] == "small"]
    own = driver_importance(scores.iloc[:300], spec)
    assert (big["source"] == "school").all() and (big["n"] == 300).all()
    assert big["importance"].to_numpy() == pytest.approx(own.importance.to_numpy())
    assert (small["source"] == "network").all() and (small["n"] == network.n).all()
    assert (small["complete_cases"] == 99).all()
    assert small["importance"].to_numpy() == pytest.approx(network.importance.to_numpy())
    # with min_cases lowered, the small school gets its own
    lowered = school_driver_importance(scores, school, spec, min_cases=99)
    assert (lowered["source"] == "school").all()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), p=st.integers(1, 4), n=st.integers(12, 60))
def test_lmg_is_the_shapley_value_and_sums_to_100(seed, p, n):
    y, x = random_regression(seed, n, p)
    correlation = np.corrcoef(np.column_stack([y, x]), rowvar=False)
    shares = lmg_shares(correlation)
    assert shares == pytest.approx(brute_force_shapley(y, x), abs=1e-9)
    assert (shares / shares.sum() * 100).sum() == pytest.approx(100)


def test_a_round_without_responses_has_no_school_fits(make_spec):
    """A closed round nobody answered still gets results (all suppressed), so no school means no rows."""
    spec = make_spec({"a": 1, "b": 1, "overall": 1})
    scores = pd.DataFrame({"a": [], "b": [], "overall": []}, dtype=float)
    result = school_driver_importance(scores, pd.Series([], dtype=str, name="school"), spec)
    assert result.empty and {"school", "dimension", "importance", "source"} <= set(result.columns)
