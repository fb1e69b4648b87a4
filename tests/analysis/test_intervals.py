"""METHOD.md v2 intervals, each against an independent computation: scipy for the t interval with the
finite-population factor, statsmodels' cluster-robust OLS for the network, a slow per-draw loop for ranks."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from survey.analysis import cluster_robust, dimension_index, finite_population_factor, gap_interval, group_interval
from survey.analysis.ranks import rank_interval


def test_finite_population_interval_against_scipy():
    rng = np.random.default_rng(4)
    scores = rng.uniform(0, 100, 40)
    population = 55
    fpc = finite_population_factor(40, population)
    assert fpc == pytest.approx(np.sqrt((55 - 40) / 54))
    low, high = group_interval(np.array([40]), np.array([scores.mean()]), np.array([scores.std(ddof=1)]),
                               np.array([fpc]))
    expected = stats.t.interval(0.95, 39, loc=scores.mean(), scale=stats.sem(scores) * np.sqrt(15 / 54))
    assert (low[0], high[0]) == pytest.approx(expected)
    # unknown population (NaN), or one smaller than the group: factor 1, the plain t interval
    assert np.isnan(finite_population_factor([40, 40], [np.nan, 30])).all()
    plain = group_interval(np.array([40]), np.array([scores.mean()]), np.array([scores.std(ddof=1)]),
                           np.array([np.nan]))
    assert (plain[0][0], plain[1][0]) == pytest.approx(stats.t.interval(0.95, 39, scores.mean(), stats.sem(scores)))


def test_everyone_answered_gives_an_exact_index_and_intervals_stay_within_0_100():
    low, high = group_interval(np.array([20, 5]), np.array([61.0, 98.0]), np.array([10.0, 10.0]),
                               finite_population_factor(np.array([20, 5]), np.array([20, np.nan])))
    assert (low[0], high[0]) == (61.0, 61.0)  # N = n: no sampling error left
    assert high[1] == 100.0  # 98 + t(4) x 10 / sqrt(5) is clipped


def _clustered_data(seed=9, schools=7):
    rng = np.random.default_rng(seed)
    school = rng.integers(0, schools, 500)
    group = rng.choice(["a", "b"], 500)
    y = np.clip(rng.normal(55, 15, 500) + 3 * school, 0, 100)
    return pd.Series(school.astype(str), name="school"), pd.Series(group, name="group"), y


@pytest.mark.parametrize("keys", [["dimension"], ["group", "dimension"]])
def test_network_interval_matches_statsmodels_cluster_robust(keys):
    school, group, y = _clustered_data()
    scores = pd.DataFrame({"d": y})
    groups = [school] if keys == ["dimension"] else [group, school]
    by_cluster = dimension_index(scores, groups)
    ours = cluster_robust(by_cluster, keys, "school").set_index(keys)
    for label, rows in ([("d", np.ones(len(y), bool))] if keys == ["dimension"]
                        else [(("a", "d"), group.eq("a").to_numpy()), (("b", "d"), group.eq("b").to_numpy())]):
        fit = sm.OLS(y[rows], np.ones(rows.sum())).fit(cov_type="cluster", cov_kwds={"groups": school[rows].to_numpy()},
                                                       use_t=True)
        row = ours.loc[label]
        assert row["mean"] == pytest.approx(fit.params[0])
        assert row["se"] == pytest.approx(fit.bse[0])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(fit.conf_int(0.05)[0]))
        assert row["clusters"] == school[rows].nunique()


def test_one_school_gives_no_network_interval():
    scores = pd.DataFrame({"d": [10.0, 20.0, 30.0]})
    cells = dimension_index(scores, pd.Series(["A"] * 3, name="school"))
    row = cluster_robust(cells, ["dimension"]).iloc[0]
    assert row["mean"] == 20 and np.isnan(row["se"]) and np.isnan(row["ci_low"])


def test_gap_interval_subtracts_the_schools_own_part_of_the_network():
    """var(school - network) = var(school) (1 - 2w) + var(network), w the school's share of the network's
    respondents: checked against the network se of statsmodels and the school se of scipy, and against the
    spread of simulated gaps."""
    school, _, y = _clustered_data(seed=2, schools=12)
    own = school.eq("3").to_numpy()
    network = sm.OLS(y, np.ones(len(y))).fit(cov_type="cluster", cov_kwds={"groups": school.to_numpy()}, use_t=True)
    w = own.sum() / len(y)
    gap, low, high = gap_interval(y[own].mean(), stats.sem(y[own]), own.sum(), y.mean(), network.bse[0], len(y), 12)
    se = np.sqrt(stats.sem(y[own]) ** 2 * (1 - 2 * w) + network.bse[0] ** 2)
    df = min(own.sum(), 12) - 1
    assert gap == pytest.approx(y[own].mean() - y.mean())
    assert (low, high) == pytest.approx(stats.t.interval(0.95, df, loc=gap, scale=se))


def test_rank_interval_against_a_slow_loop_with_the_same_draws():
    mean = np.array([70.0, 69.5, 60.0, 60.0, 40.0, 75.0])
    se = np.array([1.0, 1.2, 0.8, 0.0, 3.0, 0.5])
    low, high = rank_interval(mean, se, seed=123, draws=500)
    rng = np.random.default_rng(123)
    sample = mean + rng.standard_normal((500, len(mean))) * se
    ranks = np.array([pd.Series(row).rank(method="min", ascending=False).to_numpy() for row in sample])
    ordered = np.sort(ranks, axis=0)
    # 2.5% and 97.5% quantiles, inverted CDF: the ceil(q x draws)-th smallest rank
    assert low.tolist() == ordered[int(np.ceil(0.025 * 500)) - 1].tolist()
    assert high.tolist() == ordered[int(np.ceil(0.975 * 500)) - 1].tolist()
    # the clear leader and the clear last are sure of their rank; the close pair is not
    assert (low[5], high[5]) == (1, 1) and (low[4], high[4]) == (6, 6)
    assert low[0] < high[0]


def test_tied_exact_indices_share_the_better_rank_in_every_draw():
    low, high = rank_interval(np.array([50.0, 50.0, 10.0]), np.zeros(3), seed=1)
    assert low.tolist() == [1, 1, 3] and high.tolist() == [1, 1, 3]
