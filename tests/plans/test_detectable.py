"""The smallest detectable change: statsmodels' power solver for the two-sample t-test, times the sd and the
finite-population factor; and a formula free of any solver that bounds it and meets it for large n."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from survey.analysis.detectable import detectable_change, normal_approximation, standardised_effect
from survey.analysis.intervals import finite_population_factor


@pytest.mark.parametrize("n", [2, 3, 5, 8, 12, 30, 75, 300, 2500])
def test_the_effect_is_statsmodels_two_sample_t_power_solution(n):
    expected = TTestIndPower().solve_power(effect_size=None, nobs1=n, ratio=1.0, alpha=0.05, power=0.8,
                                           alternative="two-sided")
    assert standardised_effect(n) == pytest.approx(expected, rel=1e-4)
    # and, tighter than statsmodels' own solver: the test with that effect has exactly the power asked for
    assert TTestIndPower().power(effect_size=standardised_effect(n), nobs1=n, ratio=1.0, alpha=0.05) == \
        pytest.approx(0.8, abs=1e-9)


@pytest.mark.parametrize(("n", "sd", "population"), [(40, 14.86, None), (12, 22.0, 30), (200, 18.0, 1000),
                                                      (25, 9.5, 25)])
def test_the_change_in_points_is_effect_times_sd_times_the_finite_population_factor(n, sd, population):
    fpc = finite_population_factor(n, population if population is not None else np.nan)
    effect = TTestIndPower().solve_power(nobs1=n, ratio=1.0, alpha=0.05, power=0.8)
    factor = 1.0 if population is None else np.sqrt((population - n) / (population - 1))
    assert detectable_change(n, sd, fpc)[()] == pytest.approx(effect * sd * factor, rel=1e-4)


def test_a_census_detects_any_change_and_a_missing_cell_detects_nothing():
    assert detectable_change(25, 10.0, finite_population_factor(25, 25))[()] == 0.0  # everyone answered: no sampling error
    found = detectable_change([1, 10, np.nan, 10], [5.0, np.nan, 5.0, 5.0])
    assert np.isnan(found[:3]).all() and np.isfinite(found[3])


@pytest.mark.parametrize("n", [5, 20, 100, 1000, 100000])
def test_the_normal_approximation_is_a_lower_bound_that_the_t_solution_approaches(n):
    """(z(0.975) + z(0.8)) sqrt(2/n): the z-test's detectable effect, written out without any solver, equal to
    statsmodels' NormalIndPower; the t-test needs more (heavier tails), less and less so as n grows."""
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert normal_approximation(n) == pytest.approx(z * np.sqrt(2 / n), rel=1e-12)
    assert normal_approximation(n) == pytest.approx(NormalIndPower().solve_power(nobs1=n, ratio=1.0, alpha=0.05,
                                                                                 power=0.8), rel=1e-4)
    assert standardised_effect(n) > normal_approximation(n)
    assert standardised_effect(n) / normal_approximation(n) - 1 < 3 / n  # the gap shrinks like 1/n


def test_a_larger_sample_detects_a_smaller_change():
    found = detectable_change(np.arange(2, 400), 15.0)
    assert (np.diff(found) < 0).all()
