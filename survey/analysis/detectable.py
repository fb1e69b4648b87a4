"""The smallest change in a dimension index a school's n can detect between this round and the next comparable
one: what an action plan's goal is set against (METHOD.md v2, Trends and Scores).

A change is tested by Welch's t-test on the two rounds' respondent scores. Planning the next round, the school
knows only this round: the next is assumed to have the same n, the same sd and the same population, so the two
rounds weigh alike, Welch's test is the two-sample t-test with df = 2 (n - 1), and the standard error of the
change is

    se = sd x fpc x sqrt(2 / n),   fpc = sqrt((N - n) / (N - 1)) where the population N is known, else 1,

the finite-population factor METHOD.md applies to a school's interval (`survey.analysis.intervals`). The
detectable change is the change whose test, two-sided at alpha = 0.05, rejects with probability (power) 0.8:

    detectable = d x sd x fpc,   d solving  P(|T'| > t(1 - alpha/2, df)) = power,  T' ~ noncentral t(df, d sqrt(n/2))

d is the standardised effect statsmodels' `TTestIndPower().solve_power(nobs1=n, ratio=1, alpha, power)` gives.
For large n it approaches the normal approximation (z(1 - alpha/2) + z(power)) sqrt(2 / n), which is smaller:
with few respondents the t distribution's heavier tails need a larger change.

What it leaves out, on purpose, and the pages say so beside the number: a flag needs also the network's minimal
important difference and a Benjamini-Hochberg adjusted q < 0.05 over the school's dimensions (METHOD.md,
Trends), so a change of exactly this size is flagged less often than 80% of the time when several dimensions
are tested; and the next round's n will differ from this one's.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import optimize, stats

from survey.analysis._stats import SIGNIFICANCE

POWER = 0.8


def _power(d: float, n: float, alpha: float) -> float:
    """Power of the two-sided two-sample t-test with n respondents in each round and standardised effect d."""
    df = 2 * (n - 1)
    critical = stats.t.isf(alpha / 2, df)
    noncentrality = d * np.sqrt(n / 2)
    return float(stats.nct.sf(critical, df, noncentrality) + stats.nct.cdf(-critical, df, noncentrality))


@lru_cache(maxsize=4096)
def standardised_effect(n: int, alpha: float = SIGNIFICANCE, power: float = POWER) -> float:
    """The effect d (in sd units) the two-sample t-test with n in each round detects with `power`; n >= 2."""
    if n < 2:
        raise ValueError("a change needs at least 2 respondents in each round")
    # the root lies above the normal approximation (heavier tails) and close to it for large n: bracket it
    # there, where the noncentral t stays well inside scipy's accurate range
    upper = normal_approximation(n, alpha, power)
    while _power(upper, n, alpha) < power:
        upper *= 1.25
    return float(optimize.brentq(lambda d: _power(d, n, alpha) - power, 0.0, upper, xtol=1e-12, rtol=1e-12))


def normal_approximation(n, alpha: float = SIGNIFICANCE, power: float = POWER):
    """(z(1 - alpha/2) + z(power)) sqrt(2 / n): the effect the two-sample z-test detects, a lower bound of
    `standardised_effect` that it approaches as n grows."""
    return (stats.norm.isf(alpha / 2) + stats.norm.ppf(power)) * np.sqrt(2 / np.asarray(n, dtype=np.float64))


def detectable_change(n, sd, fpc=None, *, alpha: float = SIGNIFICANCE, power: float = POWER) -> np.ndarray:
    """The smallest change (index points) detectable with `power` at two-sided `alpha` when the next round has
    the same n, sd and population: d(n) x sd x fpc. `fpc`: the finite-population factor of the school's cell
    (`survey.analysis.finite_population_factor`, the results' `fpc` column); NaN or None: 1 (population
    unknown). NaN where n < 2 or the sd is missing (a suppressed cell)."""
    n = np.asarray(n, dtype=np.float64)
    sd = np.asarray(sd, dtype=np.float64)
    factor = np.ones(np.broadcast(n, sd).shape) if fpc is None else np.asarray(fpc, dtype=np.float64)
    n, sd, factor = np.broadcast_arrays(n, sd, factor)
    factor = np.where(np.isnan(factor), 1.0, factor)
    result = np.full(n.shape, np.nan)
    ok = np.isfinite(n) & (n >= 2) & np.isfinite(sd)
    effect = np.array([standardised_effect(int(size), alpha, power) for size in n[ok]])
    result[ok] = effect * sd[ok] * factor[ok]
    return result
