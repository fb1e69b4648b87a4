"""Interval estimates of an index (METHOD.md v2, Scores): finite-population correction for a school's groups,
cluster-robust (CR1) standard errors for the network, and the gap between the two.

- A group's interval: mean +/- t(0.975, n - 1) x sd / sqrt(n) x fpc, fpc = sqrt((N - n) / (N - 1)) where the
  group's population N is known, else 1; clipped to [0, 100]. A population smaller than n (a school that gave
  too small a number) is treated as unknown: the factor would not be real.
- The network's index pools every respondent but respondents are clustered in schools. Its standard error is the
  CR1 sandwich of the intercept-only regression with schools as clusters:
      se^2 = G / (G - 1) x sum_g (S_g - n_g m)^2 / N^2
  (S_g the cluster's sum, n_g its size, m the pooled mean, N = sum n_g, G the clusters with respondents), the
  interval m +/- t(0.975, G - 1) se: exactly statsmodels' OLS(y, 1).fit(cov_type="cluster", use_t=True).
  It needs only each school's n and mean of the cell, which `dimension_index` by school already gives.
- The gap (school index minus network index of the same dimension): see `gap_interval`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from survey.analysis._stats import CONFIDENCE

_Q = 0.5 + CONFIDENCE / 2


def finite_population_factor(n, population) -> np.ndarray:
    """sqrt((N - n) / (N - 1)) where the population N is known (> 1 and >= n), NaN elsewhere (factor 1)."""
    n = np.asarray(n, dtype=np.float64)
    population = np.asarray(population, dtype=np.float64)
    known = np.isfinite(population) & (population > 1) & (population >= n) & np.isfinite(n)
    n, population, known = np.broadcast_arrays(n, population, known)
    factor = np.full(n.shape, np.nan)
    factor[known] = np.sqrt((population[known] - n[known]) / (population[known] - 1))
    return factor


def standard_error(n, sd, fpc=None) -> np.ndarray:
    """sd / sqrt(n) x fpc (fpc NaN or None: 1); NaN where n < 2."""
    n = np.asarray(n, dtype=np.float64)
    sd = np.asarray(sd, dtype=np.float64)
    se = np.full(n.shape, np.nan)
    np.divide(sd, np.sqrt(np.maximum(n, 1)), out=se, where=n > 1)
    if fpc is not None:
        se = se * np.where(np.isnan(fpc), 1.0, fpc)
    return se


def group_interval(n, mean, sd, fpc=None) -> tuple[np.ndarray, np.ndarray]:
    """95% interval mean +/- t(0.975, n - 1) x se (with the finite-population factor), clipped to [0, 100];
    NaN where n < 2."""
    n = np.asarray(n, dtype=np.float64)
    se = standard_error(n, sd, fpc)
    t = np.full(n.shape, np.nan)
    ok = n > 1
    t[ok] = stats.t.ppf(_Q, n[ok] - 1)
    half = t * se
    return _clip(np.asarray(mean, dtype=np.float64) - half), _clip(np.asarray(mean, dtype=np.float64) + half)


def cluster_robust(cells: pd.DataFrame, keys: list[str], cluster: str = "school") -> pd.DataFrame:
    """CR1 standard error and 95% interval of the pooled mean of each cell `keys` (e.g. ["dimension"] for the
    network, ["group", "dimension"] for its groups), from the per-cluster table `cells` (`dimension_index` by
    keys x cluster, before any suppression: columns `keys`, `cluster`, `n`, `mean`).

    Columns: `keys`, `n`, `mean`, `se`, `clusters`, `ci_low`, `ci_high` (t with clusters - 1 df, clipped to
    [0, 100]; NaN with fewer than 2 clusters)."""
    n = cells["n"].to_numpy(dtype=np.float64)
    mean = cells["mean"].to_numpy(dtype=np.float64)
    present = n > 0
    frame = cells.loc[present, keys].reset_index(drop=True)
    frame["_n"] = n[present]
    frame["_sum"] = n[present] * mean[present]
    grouped = frame.groupby(keys, sort=False, observed=True)
    total_n = grouped["_n"].transform("sum").to_numpy()
    pooled = grouped["_sum"].transform("sum").to_numpy() / total_n
    frame["_residual2"] = np.square(frame["_sum"].to_numpy() - frame["_n"].to_numpy() * pooled)
    out = grouped.agg(n=("_n", "sum"), total=("_sum", "sum"), squares=("_residual2", "sum"),
                      clusters=("_n", "size")).reset_index()
    g = out["clusters"].to_numpy(dtype=np.float64)
    big_n = out["n"].to_numpy(dtype=np.float64)
    out["mean"] = out["total"].to_numpy() / big_n
    se = np.full(len(out), np.nan)
    ok = g > 1
    se[ok] = np.sqrt(g[ok] / (g[ok] - 1) * out["squares"].to_numpy()[ok]) / big_n[ok]
    out["se"] = se
    t = np.full(len(out), np.nan)
    t[ok] = stats.t.ppf(_Q, g[ok] - 1)
    out["ci_low"] = _clip(out["mean"].to_numpy() - t * se)
    out["ci_high"] = _clip(out["mean"].to_numpy() + t * se)
    out["clusters"] = out["clusters"].astype(np.int64)
    return out[[*keys, "n", "mean", "se", "clusters", "ci_low", "ci_high"]]


def gap_interval(school_mean, school_se, school_n, network_mean, network_se, network_n, clusters
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gap school index - network index, with its 95% interval.

    The school is part of the network, so the two means are not independent: with w = n_school / n_network,
    the network mean is w x the school's mean + (1 - w) x the others', so cov(school, network) = w var(school)
    and

        var(gap) = se_school^2 (1 - 2 w) + se_network^2

    (se_school with its finite-population factor, se_network the CR1 one, floored at 0). Treating the two as
    independent would add 2 w se_school^2 and make a large school's interval too wide; this subtracts the
    school's own contribution instead. The interval uses t with min(n_school - 1, clusters - 1) degrees of
    freedom: the smaller of the two sources' df, never narrower than either part's own rule.

    Returns gap, low, high (NaN where either side has no standard error)."""
    school_mean, school_se, school_n, network_mean, network_se, network_n, clusters = (
        np.asarray(a, dtype=np.float64)
        for a in (school_mean, school_se, school_n, network_mean, network_se, network_n, clusters))
    gap = school_mean - network_mean
    weight = np.divide(school_n, network_n, out=np.zeros_like(gap), where=network_n > 0)
    variance = np.maximum(np.square(school_se) * (1 - 2 * weight) + np.square(network_se), 0.0)
    df = np.minimum(school_n, clusters) - 1
    ok = np.isfinite(variance) & (df >= 1)
    half = np.full(gap.shape, np.nan)
    half[ok] = stats.t.ppf(_Q, df[ok]) * np.sqrt(variance[ok])
    return gap, gap - half, gap + half


def _clip(values: np.ndarray) -> np.ndarray:
    return np.clip(values, 0.0, 100.0)
