"""The importances' bootstrap intervals against a slow, straightforward bootstrap: the same seeded draws,
each resample's rows taken out, fitted by least squares over every ordering of the predictors (no moments, no
sweep), percentiles of the resamples' importances."""
import numpy as np
import pandas as pd
import pytest

from survey.analysis import driver_importance, school_driver_importance
from survey.analysis._stats import stable_seed

from .test_drivers import brute_force_shapley

RESAMPLES = 60  # the slow reference fits every ordering of every resample; the rule is the same for 200


def _importance(rows: np.ndarray) -> np.ndarray:
    shapley = brute_force_shapley(rows[:, 0], rows[:, 1:])
    return shapley / shapley.sum() * 100


def _network(seed=5, schools=9, per_school=40):
    rng = np.random.default_rng(seed)
    school = np.repeat([f"S{s}" for s in range(schools)], per_school)
    effect = rng.normal(0, 8, (schools, 3))[np.repeat(np.arange(schools), per_school)]
    x = rng.normal(60, 12, (len(school), 3)) + effect
    y = x @ np.array([0.5, 0.3, 0.1]) + rng.normal(0, 8, len(school))
    return pd.Series(school, name="school"), x, y


def _scores(spec, x, y):
    return pd.DataFrame(np.column_stack([x, y]), columns=[*spec.predictors, spec.overall])


def test_a_schools_interval_is_the_percentile_bootstrap_of_its_respondents(make_spec):
    spec = make_spec({"a": 1, "b": 1, "c": 1, "overall": 1})
    school, x, y = _network()
    scores = _scores(spec, x, y)
    table = school_driver_importance(scores, school, spec, min_cases=40, seed="R1", resamples=RESAMPLES)
    own = table[table["school"] == "S3"].set_index("dimension")
    rows = np.column_stack([y, x])[school.to_numpy() == "S3"]
    rng = np.random.default_rng(stable_seed("R1", "S3", "importance"))
    draws = rng.integers(0, len(rows), (RESAMPLES, len(rows)))
    slow = np.array([_importance(rows[draw]) for draw in draws])
    low, high = np.percentile(slow, [2.5, 97.5], axis=0)
    assert own["importance_low"].to_numpy() == pytest.approx(low, rel=1e-7)
    assert own["importance_high"].to_numpy() == pytest.approx(high, rel=1e-7)
    assert (own["importance_low"] <= own["importance"]).all() and (own["importance"] <= own["importance_high"]).all()
    assert (own["source"] == "school").all()


def test_the_networks_interval_resamples_schools(make_spec):
    spec = make_spec({"a": 1, "b": 1, "c": 1, "overall": 1})
    school, x, y = _network(seed=6)
    fit = driver_importance(_scores(spec, x, y), spec, clusters=school, seed="R1", resamples=RESAMPLES)
    data = np.column_stack([y, x])
    codes = sorted(set(school))
    rng = np.random.default_rng(stable_seed("R1", "NETWORK", "importance"))
    draws = rng.integers(0, len(codes), (RESAMPLES, len(codes)))
    slow = np.array([_importance(np.concatenate([data[school.to_numpy() == codes[c]] for c in draw]))
                     for draw in draws])
    low, high = np.percentile(slow, [2.5, 97.5], axis=0)
    assert fit.low.to_numpy() == pytest.approx(low, rel=1e-7)
    assert fit.high.to_numpy() == pytest.approx(high, rel=1e-7)
    # schools, not respondents, are the units: the interval is wider than a respondent bootstrap's would be
    respondents = np.random.default_rng(1).integers(0, len(data), (RESAMPLES, len(data)))
    naive = np.percentile([_importance(data[draw]) for draw in respondents], [2.5, 97.5], axis=0)
    assert (high - low).sum() > (naive[1] - naive[0]).sum()


def test_a_small_school_is_shown_the_networks_interval(make_spec):
    spec = make_spec({"a": 1, "b": 1, "c": 1, "overall": 1})
    school, x, y = _network(seed=7)
    scores = _scores(spec, x, y)
    network = driver_importance(scores, spec, clusters=school, seed="R", resamples=RESAMPLES)
    table = school_driver_importance(scores, school, spec, min_cases=300, network=network, seed="R",
                                     resamples=RESAMPLES)
    first = table[table["school"] == "S0"]
    assert (first["source"] == "network").all()
    assert first["importance_low"].tolist() == network.low.tolist()
    assert first["importance_high"].tolist() == network.high.tolist()


def test_the_same_seed_gives_the_same_interval_and_another_seed_another(make_spec):
    spec = make_spec({"a": 1, "b": 1, "c": 1, "overall": 1})
    school, x, y = _network(seed=8)
    scores = _scores(spec, x, y)
    one = driver_importance(scores, spec, clusters=school, seed="R1", resamples=RESAMPLES)
    again = driver_importance(scores.iloc[::-1].reset_index(drop=True), spec,
                              clusters=school.iloc[::-1].reset_index(drop=True), seed="R1", resamples=RESAMPLES)
    other = driver_importance(scores, spec, clusters=school, seed="R2", resamples=RESAMPLES)
    assert one.low.to_numpy() == pytest.approx(again.low.to_numpy())  # rows in another order: same schools drawn
    assert not np.allclose(one.low.to_numpy(), other.low.to_numpy())
