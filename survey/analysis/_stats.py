"""Small numerical helpers shared by the analysis modules (no warnings on degenerate input)."""
from __future__ import annotations

import hashlib

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
SIGNIFICANCE = 0.05


def group_moments(values: np.ndarray, codes: np.ndarray, count: int):
    """n, mean and sd (ddof=1) of `values` per group code, ignoring NaN values and code -1.

    Two passes (sum, then squared deviations from the group mean), each an np.bincount.
    Mean is NaN when n = 0; sd is NaN when n < 2.
    """
    valid = codes >= 0
    valid &= ~np.isnan(values)
    c = codes[valid]
    x = values[valid].astype(np.float64, copy=False)
    if count == 1:  # one group (the network): plain sums vectorise better than bincount
        return _moments(x)
    n = np.bincount(c, minlength=count)
    total = np.bincount(c, weights=x, minlength=count)
    mean = np.full(count, np.nan)
    np.divide(total, n, out=mean, where=n > 0)
    deviation = x - mean[c]
    squares = np.bincount(c, weights=deviation * deviation, minlength=count)
    sd = np.full(count, np.nan)
    np.divide(squares, n - 1, out=sd, where=n > 1)
    np.sqrt(sd, out=sd)
    return n, mean, sd


def _moments(x: np.ndarray):
    n = np.array([len(x)])
    mean = np.array([x.sum() / len(x) if len(x) else np.nan])
    sd = np.array([np.sqrt(np.square(x - mean[0]).sum() / (len(x) - 1)) if len(x) > 1 else np.nan])
    return n, mean, sd


def t_interval(n: np.ndarray, mean: np.ndarray, sd: np.ndarray):
    """95% interval mean +/- t(0.975, n - 1) * sd / sqrt(n); NaN where n < 2."""
    n = np.asarray(n)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = n > 1
    if ok.any():
        df, inverse = np.unique(n[ok] - 1, return_inverse=True)
        t = stats.t.ppf(0.5 + CONFIDENCE / 2, df)[inverse]
        half = t * sd[ok] / np.sqrt(n[ok])
        low[ok] = mean[ok] - half
        high[ok] = mean[ok] + half
    return low, high


def welch_p(n1, mean1, sd1, n2, mean2, sd2) -> np.ndarray:
    """Two-sided p of Welch's t-test from summary statistics (equal to scipy.stats.ttest_ind with
    equal_var=False on the raw values). NaN when either group has n < 2 or both sds are 0."""
    n1, mean1, sd1, n2, mean2, sd2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (n1, mean1, sd1, n2, mean2, sd2)))
    p = np.full(n1.shape, np.nan)
    ok = (n1 > 1) & (n2 > 1) & np.isfinite(mean1) & np.isfinite(mean2)
    ok &= np.isfinite(sd1) & np.isfinite(sd2)
    ok &= (sd1 > 0) | (sd2 > 0)
    if ok.any():
        p[ok] = stats.ttest_ind_from_stats(mean1[ok], sd1[ok], n1[ok], mean2[ok], sd2[ok], n2[ok],
                                           equal_var=False).pvalue
    return p


def stable_seed(*parts: object) -> int:
    """A seed from text parts (round, dimension, purpose): the same on every machine and database, unlike
    Python's salted hash()."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")
