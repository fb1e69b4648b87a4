"""Bootstrap intervals of the LMG importances (METHOD.md v2, Structural analysis).

200 resamples (seeded), percentile 95% interval: respondents resampled within a school; schools (clusters)
resampled for the network, whose respondents are clustered in schools.

A resample is a vector of counts (how often each unit was drawn), and a correlation matrix is a function of
weighted first and second moments, so it never needs the resampled rows: with each unit's moment row
u = [1, x_j, x_j x_k (j <= k)] (a respondent's own, or a school's sums over its respondents),

    moments of resample b = counts_b @ U

and all resamples of a school are one matrix product (resamples x units) @ (units x moments). Scores are
centred on the unit set's mean first (a covariance does not move with a shift; the sums stay small). The
correlation matrices of every resample of every school then go through `lmg_shares` as one stack.

Resample b draws `units` indices uniformly with replacement from `rng.integers(0, units, (resamples, units))`
of a generator seeded per round, school and purpose (`survey.analysis.ranks.stable_seed`): a slow
implementation that indexes the rows with the same draws gets the same intervals (tests/analysis/
test_bootstrap.py).
"""
from __future__ import annotations

import numpy as np

from survey.analysis.lmg import lmg_shares

RESAMPLES = 200
_CHUNK = 8192  # correlation matrices per `lmg_shares` call: bounds the sweep's memory


def moment_rows(values: np.ndarray) -> np.ndarray:
    """Each row's moment vector [1, x_j, x_j x_k for j <= k] of `values` (rows x variables, centred by the
    caller)."""
    rows, q = values.shape
    upper_j, upper_k = np.triu_indices(q)
    out = np.empty((rows, 1 + q + len(upper_j)))
    out[:, 0] = 1.0
    out[:, 1:1 + q] = values
    np.multiply(values[:, upper_j], values[:, upper_k], out=out[:, 1 + q:])
    return out


def resample_counts(rng: np.random.Generator, units: int, resamples: int = RESAMPLES) -> np.ndarray:
    """(resamples, units) float counts: how often each unit is drawn in each resample (`units` draws with
    replacement per resample)."""
    draws = rng.integers(0, units, (resamples, units))
    draws += (np.arange(resamples) * units)[:, None]
    return np.bincount(draws.ravel(), minlength=resamples * units).reshape(resamples, units).astype(np.float64)


def correlations(moments: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray]:
    """Correlation matrices (B, q, q) from moment sums (B, 1 + q + q(q+1)/2), and whether each is usable
    (every variable varies)."""
    count = moments[:, :1]
    mean = moments[:, 1:1 + q] / count
    upper_j, upper_k = np.triu_indices(q)
    products = moments[:, 1 + q:] / count - mean[:, upper_j] * mean[:, upper_k]
    covariance = np.empty((len(moments), q, q))
    covariance[:, upper_j, upper_k] = products
    covariance[:, upper_k, upper_j] = products
    variance = np.diagonal(covariance, axis1=1, axis2=2)
    usable = (variance > 1e-9).all(axis=1)
    scale = np.sqrt(np.where(variance > 1e-9, variance, 1.0))
    correlation = covariance / scale[:, :, None] / scale[:, None, :]
    idx = np.arange(q)
    correlation[:, idx, idx] = 1.0
    return correlation, usable


def importance_from_correlations(correlation: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Importance in percent of R^2 (B, p) of each stacked correlation matrix (outcome first); NaN rows where a
    matrix is not usable or R^2 is 0."""
    result = np.full((len(correlation), correlation.shape[-1] - 1), np.nan)
    for begin in range(0, len(correlation), _CHUNK):
        part = slice(begin, begin + _CHUNK)
        shares = lmg_shares(correlation[part])
        total = shares.sum(axis=1, keepdims=True)
        ok = usable[part] & (total[:, 0] > 1e-12)
        result[part][ok] = shares[ok] / total[ok] * 100
    return result


def percentile_interval(importances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5% and 97.5% percentiles (linear interpolation) of (resamples, p) importances, over the usable
    resamples; NaN when fewer than half of them are usable."""
    usable = ~np.isnan(importances).any(axis=1)
    if usable.sum() * 2 < len(importances):
        nan = np.full(importances.shape[1], np.nan)
        return nan, nan.copy()
    low, high = np.percentile(importances[usable], [2.5, 97.5], axis=0)
    return low, high


def resampled_moments(values: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES) -> np.ndarray:
    """Moment sums (resamples, m) of `resamples` resamples of the rows of `values` (respondents of a school)."""
    centred = values - values.mean(axis=0)
    return resample_counts(rng, len(values), resamples) @ moment_rows(centred)


def resampled_cluster_moments(values: np.ndarray, clusters: np.ndarray, count: int, rng: np.random.Generator,
                              resamples: int = RESAMPLES) -> np.ndarray:
    """Moment sums (resamples, m) of `resamples` resamples of the clusters (codes 0..count-1 of the rows of
    `values`, e.g. schools): each cluster drawn brings all its rows. The clusters' moment sums come one column
    at a time (np.bincount), never as a rows x moments matrix."""
    centred = values - values.mean(axis=0)
    q = centred.shape[1]
    upper_j, upper_k = np.triu_indices(q)
    per_cluster = np.empty((count, 1 + q + len(upper_j)))
    per_cluster[:, 0] = np.bincount(clusters, minlength=count)
    for j in range(q):
        per_cluster[:, 1 + j] = np.bincount(clusters, weights=centred[:, j], minlength=count)
    for column, (j, k) in enumerate(zip(upper_j, upper_k), start=1 + q):
        per_cluster[:, column] = np.bincount(clusters, weights=centred[:, j] * centred[:, k], minlength=count)
    return resample_counts(rng, count, resamples) @ per_cluster
