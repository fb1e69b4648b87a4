"""Structural analysis: what drives overall satisfaction (METHOD.md, Structural analysis).

Regression, at respondent level and over complete cases, of the overall satisfaction score on the
other dimension scores. A predictor's importance is its LMG share: the Shapley decomposition of R^2
over all orderings of the predictors, as a percentage of R^2. R^2 of every predictor subset comes
from the correlation matrix (R^2(S) = r_S' R_SS^-1 r_S, the R^2 of least squares with an
intercept), and LMG from the subset-weight form of the Shapley value:

    LMG_j = sum over S not containing j of |S|! (p - |S| - 1)! / p! * (R^2(S + j) - R^2(S))

exact, and fast for up to about 12 predictors (2^p subsets).
"""
from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
import pandas as pd

from survey.analysis.groups import GroupsLike
from survey.analysis.indices import aligned_codes
from survey.analysis.priority import mean_importance
from survey.analysis.spec import QuestionnaireSpec

MIN_CASES = 100
MAX_PREDICTORS = 16


@dataclass(frozen=True)
class DriverImportance:
    """`importance`: percent of R^2 per predictor dimension (sums to 100), NaN when the
    regression cannot be fitted (too few cases, a constant score, R^2 = 0). `source` is
    "network" or "school"."""

    importance: pd.Series
    r_squared: float
    n: int
    source: str = "network"

    @property
    def mean_importance(self) -> float:
        """The priority map's vertical line, 100 / number of predictors (`priority.mean_importance`): the
        same value whether or not the regression could be fitted."""
        return mean_importance(len(self.importance))


def subset_r_squared(correlation: np.ndarray) -> np.ndarray:
    """R^2 of the regression of variable 0 on every subset of variables 1..p, indexed by bitmask
    (bit j-1 set = predictor j in the subset; entry 0 is the empty model, R^2 = 0)."""
    p = correlation.shape[0] - 1
    if p > MAX_PREDICTORS:
        raise ValueError(f"at most {MAX_PREDICTORS} predictors, got {p}")
    rxx, rxy = correlation[1:, 1:], correlation[1:, 0]
    masks = np.arange(1 << p)
    members = (masks[:, None] >> np.arange(p)) & 1 == 1
    sizes = members.sum(axis=1)
    r2 = np.zeros(1 << p)
    for size in range(1, p + 1):
        chosen = np.flatnonzero(sizes == size)
        index = np.nonzero(members[chosen])[1].reshape(len(chosen), size)
        block = rxx[index[:, :, None], index[:, None, :]]
        vector = rxy[index]
        coefficients = np.einsum("sij,sj->si", np.linalg.pinv(block, hermitian=True), vector)
        r2[chosen] = np.einsum("si,si->s", coefficients, vector)
    return r2


def lmg_shares(correlation: np.ndarray) -> np.ndarray:
    """LMG share of R^2 (absolute, summing to the full model's R^2) of predictors 1..p."""
    p = correlation.shape[0] - 1
    r2 = subset_r_squared(correlation)
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    weights = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) if s < p else 0.0
                        for s in range(p + 1)])
    shares = np.empty(p)
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        shares[j] = np.sum(weights[sizes[without]] * (r2[without | (1 << j)] - r2[without]))
    return shares


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


def driver_importance(scores: pd.DataFrame, spec: QuestionnaireSpec) -> DriverImportance:
    """LMG importance of each non-overall dimension for the overall dimension, over the complete
    cases of `scores` (`respondent_dimension_scores`, e.g. the whole network). Without an overall
    dimension (`spec.has_structural_analysis` False) there is nothing to explain: no importances, n = 0."""
    if not spec.has_structural_analysis:
        return _importance(np.empty((0, 1)), (), "network")
    values, _ = _complete_values(scores, spec)
    return _importance(values, spec.predictors, "network")


def school_driver_importance(scores: pd.DataFrame, schools: GroupsLike, spec: QuestionnaireSpec,
                             *, min_cases: int = MIN_CASES,
                             network: DriverImportance | None = None) -> pd.DataFrame:
    """Importance per school: its own when it has at least `min_cases` complete cases
    (source="school"), else the network's (source="network", with the network's R^2 and n).

    Columns: the school label column(s), `dimension`, `importance`, `r_squared`, `n` (cases of the
    fit shown), `source`, `complete_cases` (the school's own complete cases). No rows without an overall
    dimension."""
    if not spec.has_structural_analysis:
        codes = aligned_codes(schools, scores.index)
        result = codes.labels.iloc[[]].reset_index(drop=True)
        return result.assign(dimension=pd.Series([], dtype="str"), importance=np.empty(0),
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

    fits = []
    for school in range(codes.count):
        if cases[school] >= min_cases:
            rows = order[starts[school]: starts[school] + cases[school]]
            fits.append(_importance(values[rows], spec.predictors, "school"))
        else:
            fits.append(network)

    p = len(spec.predictors)
    result = codes.labels.iloc[np.repeat(np.arange(codes.count), p)].reset_index(drop=True)
    result["dimension"] = pd.Series(list(spec.predictors) * codes.count, dtype="str")
    result["importance"] = np.concatenate([np.empty(0)] + [fit.importance.to_numpy() for fit in fits])
    result["r_squared"] = np.repeat([fit.r_squared for fit in fits], p)
    result["n"] = np.repeat([fit.n for fit in fits], p)
    result["source"] = pd.Series(np.repeat([fit.source for fit in fits], p), dtype="str")
    result["complete_cases"] = np.repeat(cases, p)
    return result
