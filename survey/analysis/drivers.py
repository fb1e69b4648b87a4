"""Structural analysis: what is most strongly associated with overall satisfaction (METHOD.md v2).

Regression, at respondent level and over complete cases, of the overall satisfaction score on the other
dimension scores. A predictor's importance is its LMG share (`survey.analysis.lmg`) as a percentage of R^2,
with a 95% percentile interval from 200 seeded bootstrap resamples (`survey.analysis.bootstrap`): the
school's respondents for a school's own fit, the schools for the network's. A school has its own fit from
`MIN_CASES` complete cases (the network's `driver_min_cases`), else it is shown the network's, interval too.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from survey.analysis._stats import stable_seed
from survey.analysis.bootstrap import (
    RESAMPLES,
    correlations,
    importance_from_correlations,
    percentile_interval,
    resampled_cluster_moments,
    resampled_moments,
)
from survey.analysis.groups import GroupsLike
from survey.analysis.indices import aligned_codes
from survey.analysis.lmg import lmg_shares
from survey.analysis.priority import mean_importance
from survey.analysis.spec import QuestionnaireSpec

MIN_CASES = 300


@dataclass(frozen=True)
class DriverImportance:
    """`importance`: percent of R^2 per predictor dimension (sums to 100), NaN when the
    regression cannot be fitted (too few cases, a constant score, R^2 = 0). `source` is
    "network" or "school". `low`, `high`: its bootstrap interval, when asked for."""

    importance: pd.Series
    r_squared: float
    n: int
    source: str = "network"
    # the 95% bootstrap percentile interval of each importance (`survey.analysis.bootstrap`); None given: NaN
    low: pd.Series | None = None
    high: pd.Series | None = None

    def __post_init__(self):
        for name in ("low", "high"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, pd.Series(np.nan, index=self.importance.index, name=name))

    @property
    def mean_importance(self) -> float:
        """The priority map's vertical line, 100 / number of predictors (`priority.mean_importance`): the
        same value whether or not the regression could be fitted."""
        return mean_importance(len(self.importance))


def correlation_matrix(values: np.ndarray) -> np.ndarray | None:
    """Pearson correlations of the columns of `values` (complete cases), or None when a column
    is constant or there are fewer than 2 rows."""
    if len(values) < 2:
        return None
    centred = values - values.mean(axis=0)
    covariance = centred.T @ centred
    scale = np.sqrt(np.diag(covariance))
    if np.any(scale <= 1e-12 * np.sqrt(len(values))):
        return None
    correlation = covariance / np.outer(scale, scale)
    np.fill_diagonal(correlation, 1.0)
    return correlation


def _importance(values: np.ndarray, predictors: tuple[str, ...], source: str) -> DriverImportance:
    """Fit on complete cases `values` (column 0 = overall, then the predictors)."""
    n, p = values.shape[0], len(predictors)
    nan = pd.Series(np.nan, index=pd.Index(predictors, name="dimension"), name="importance")
    correlation = correlation_matrix(values) if n >= p + 2 else None
    if correlation is None:
        return DriverImportance(nan, float("nan"), n, source)
    shares = lmg_shares(correlation)
    total = float(shares.sum())
    if not total > 1e-12:
        return DriverImportance(nan, max(total, 0.0), n, source)
    importance = pd.Series(shares / total * 100, index=nan.index, name="importance")
    return DriverImportance(importance, total, n, source)


def _complete_values(scores: pd.DataFrame, spec: QuestionnaireSpec):
    """Column-major (overall, predictors...) scores of the complete cases, and the case mask."""
    columns = [spec.overall, *spec.predictors]
    complete = scores[columns].notna().all(axis=1).to_numpy()
    values = np.empty((int(complete.sum()), len(columns)), order="F")
    for j, column in enumerate(columns):
        values[:, j] = scores[column].to_numpy(dtype=np.float64)[complete]
    return values, complete


def driver_importance(scores: pd.DataFrame, spec: QuestionnaireSpec, *, clusters: GroupsLike = None,
                      seed: str = "", resamples: int = RESAMPLES) -> DriverImportance:
    """LMG importance of each non-overall dimension for the overall dimension, over the complete
    cases of `scores` (`respondent_dimension_scores`, e.g. the whole network). Without an overall
    dimension (`spec.has_structural_analysis` False) there is nothing to explain: no importances, n = 0.
    With `clusters` (each respondent's school), the 95% interval from `resamples` resamples of the clusters,
    seeded from `seed`."""
    if not spec.has_structural_analysis:
        return _importance(np.empty((0, 1)), (), "network")
    values, complete = _complete_values(scores, spec)
    fit = _importance(values, spec.predictors, "network")
    if clusters is None or fit.importance.isna().all():
        return fit
    codes = aligned_codes(clusters, scores.index).codes[complete]
    present, compact = np.unique(codes, return_inverse=True)
    rng = np.random.default_rng(stable_seed(seed, "NETWORK", "importance"))
    moments = resampled_cluster_moments(values, compact, len(present), rng, resamples)
    low, high = _intervals([moments], values.shape[1])[0]
    return replace(fit, low=pd.Series(low, index=fit.importance.index, name="low"),
                   high=pd.Series(high, index=fit.importance.index, name="high"))


def _intervals(moments: list[np.ndarray], q: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each fit's percentile interval from its resamples' moment sums, every resample of every fit through
    `lmg_shares` as one stack."""
    if not moments:
        return []
    correlation, usable = correlations(np.concatenate(moments), q)
    importances = importance_from_correlations(correlation, usable)
    bounds = np.cumsum([0] + [len(m) for m in moments])
    return [percentile_interval(importances[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def school_driver_importance(scores: pd.DataFrame, schools: GroupsLike, spec: QuestionnaireSpec,
                             *, min_cases: int = MIN_CASES,
                             network: DriverImportance | None = None, seed: str = "",
                             resamples: int = RESAMPLES) -> pd.DataFrame:
    """Importance per school: its own when it has at least `min_cases` complete cases
    (source="school"), else the network's (source="network", with the network's R^2, n and interval).
    A school's own interval: `resamples` resamples of its respondents, seeded from `seed` and the school.

    Columns: the school label column(s), `dimension`, `importance`, `importance_low`, `importance_high`,
    `r_squared`, `n` (cases of the fit shown), `source`, `complete_cases` (the school's own complete cases).
    No rows without an overall dimension."""
    if not spec.has_structural_analysis:
        codes = aligned_codes(schools, scores.index)
        result = codes.labels.iloc[[]].reset_index(drop=True)
        return result.assign(dimension=pd.Series([], dtype="str"), importance=np.empty(0),
                             importance_low=np.empty(0), importance_high=np.empty(0),
                             r_squared=np.empty(0), n=np.empty(0, np.int64),
                             source=pd.Series([], dtype="str"), complete_cases=np.empty(0, np.int64))
    values, complete = _complete_values(scores, spec)
    if network is None:
        network = _importance(values, spec.predictors, "network")
    codes = aligned_codes(schools, scores.index)
    school_codes = codes.codes[complete]
    cases = np.bincount(school_codes[school_codes >= 0], minlength=codes.count)
    order = np.argsort(school_codes, kind="stable")
    starts = np.searchsorted(school_codes[order], np.arange(codes.count))
    label = codes.labels.astype(str).agg("\x1f".join, axis=1).to_numpy() if codes.count else np.empty(0)

    fits, own, moments = [], [], []
    for school in range(codes.count):
        if cases[school] >= min_cases:
            rows = order[starts[school]: starts[school] + cases[school]]
            fit = _importance(values[rows], spec.predictors, "school")
            fits.append(fit)
            if not fit.importance.isna().all():
                rng = np.random.default_rng(stable_seed(seed, label[school], "importance"))
                own.append(school)
                moments.append(resampled_moments(values[rows], rng, resamples))
        else:
            fits.append(network)

    p = len(spec.predictors)
    nan = np.full(p, np.nan)
    network_low = network.low.to_numpy(dtype=np.float64)
    network_high = network.high.to_numpy(dtype=np.float64)
    low = [network_low if fit.source == "network" else nan for fit in fits]
    high = [network_high if fit.source == "network" else nan for fit in fits]
    for school, (a, b) in zip(own, _intervals(moments, values.shape[1])):
        low[school], high[school] = a, b
    result = codes.labels.iloc[np.repeat(np.arange(codes.count), p)].reset_index(drop=True)
    result["dimension"] = pd.Series(list(spec.predictors) * codes.count, dtype="str")
    result["importance"] = np.concatenate([np.empty(0)] + [fit.importance.to_numpy() for fit in fits])
    result["importance_low"] = np.concatenate([np.empty(0), *low])
    result["importance_high"] = np.concatenate([np.empty(0), *high])
    result["r_squared"] = np.repeat([fit.r_squared for fit in fits], p)
    result["n"] = np.repeat([fit.n for fit in fits], p)
    result["source"] = pd.Series(np.repeat([fit.source for fit in fits], p), dtype="str")
    result["complete_cases"] = np.repeat(cases, p)
    return result
