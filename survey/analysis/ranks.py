"""Rank intervals (METHOD.md v2, Benchmark): how sure a school's rank is.

A rank alone overstates what a survey can tell: two schools a hair apart swap places with the next sample.
Each ranked school's index is drawn `RANK_DRAWS` times from Normal(index, se) (se = sd / sqrt(n) x the
finite-population factor, the same standard error as its interval); in every draw the schools are ranked
(1 = highest, ties share the better rank) and a school's 95% rank interval is the 2.5% and 97.5% quantiles
of its ranks (inverted CDF: ranks stay whole numbers). One dimension is one (draws x schools) array.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

RANK_DRAWS = 2000


def rank_interval(mean: np.ndarray, se: np.ndarray, seed: int, draws: int = RANK_DRAWS
                  ) -> tuple[np.ndarray, np.ndarray]:
    """95% rank interval of each school from `draws` parametric bootstrap draws. `mean`, `se`: the ranked
    schools of one dimension (a NaN or zero se: the index is taken as exact). Returns (low, high) as floats."""
    mean = np.asarray(mean, dtype=np.float64)
    se = np.nan_to_num(np.asarray(se, dtype=np.float64), nan=0.0)
    count = len(mean)
    if count == 0:
        return np.empty(0), np.empty(0)
    rng = np.random.default_rng(seed)
    sample = mean + rng.standard_normal((draws, count)) * se
    ranks = stats.rankdata(-sample, method="min", axis=1)  # 1 = highest; ties share the better rank
    low, high = np.quantile(ranks, [0.025, 0.975], axis=0, method="inverted_cdf")
    return low.astype(np.float64), high.astype(np.float64)
