"""Trends: change against an earlier round, for comparable dimensions only (METHOD.md, Trends)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from survey.analysis._stats import CONFIDENCE, SIGNIFICANCE, welch_p
from survey.analysis.groups import group_codes
from survey.analysis.indices import dimension_index
from survey.analysis.spec import QuestionnaireSpec
from survey.analysis.suppression import K_MIN

TREND_COLUMNS = ("dimension", "previous_dimension", "comparable", "previous_n", "previous_mean",
                 "current_n", "current_mean", "change", "change_low", "change_high", "p_value", "q_value", "flag")
MINIMAL_DIFFERENCE = 3.0  # the network's minimal important difference by default (index points)
UP, DOWN = "up", "down"


def comparable_dimensions(previous_spec: QuestionnaireSpec,
                          current_spec: QuestionnaireSpec) -> dict[str, str | None]:
    """Current dimension key -> the previous round's dimension it is comparable with, or None.

    Comparable (METHOD.md, Trends): the two dimensions hold exactly the same set of item lineages, each
    item worded in the same direction (reverse flag) and keeping its scale (points, order, labels'
    meaning, non-substantive options' meaning: `ScaleSpec.changes`) unless the current version declares
    the item's new scale equivalent (`equivalent_scale`, with a stated reason). The previous dimension with
    the same key is preferred; a renamed dimension is found by its lineages.
    """
    def signature(spec: QuestionnaireSpec, key: str) -> frozenset[tuple[str, bool]]:
        return frozenset((spec.lineage[item], item in spec.reverse)
                         for item in spec.dimension(key).items)

    previous_item = {previous_spec.lineage[item]: item for item in previous_spec.item_keys}

    def scales_kept(key: str) -> bool:
        for item in current_spec.dimension(key).items:
            was = previous_item[current_spec.lineage[item]]
            if (item not in current_spec.equivalent_scale
                    and current_spec.scale_of(item).changes(previous_spec.scale_of(was))):
                return False
        return True

    result: dict[str, str | None] = {key: None for key in current_spec.dimension_keys}
    previous = {key: signature(previous_spec, key) for key in previous_spec.dimension_keys}
    for key in current_spec.dimension_keys:
        wanted = signature(current_spec, key)
        candidates = [old for old, sig in previous.items() if sig == wanted]
        if candidates and scales_kept(key):
            result[key] = key if key in candidates else candidates[0]
    return result


def compare_rounds(previous_cells: pd.DataFrame, current_cells: pd.DataFrame,
                   previous_spec: QuestionnaireSpec, current_spec: QuestionnaireSpec, *,
                   k_min: int = K_MIN, minimal_difference: float = MINIMAL_DIFFERENCE) -> pd.DataFrame:
    """Trend per group and dimension from two `dimension_index` tables with the same group columns
    (e.g. by school), from each cell's n, mean and sd (METHOD.md v2, Trends):

    - `change` = current - previous index, with its Welch 95% interval `change_low`, `change_high`:
      change +/- t(0.975, df) sqrt(s0^2/n0 + s1^2/n1), df by Welch-Satterthwaite;
    - `p_value`: Welch's two-sided p (equal to scipy.stats.ttest_ind(equal_var=False) on the scores);
    - `q_value`: Benjamini-Hochberg adjusted p over the dimensions tested for the same group (every row
      with a p value), as statsmodels' multipletests(method="fdr_bh");
    - `flag`: "up" / "down" when q < 0.05 and |change| >= `minimal_difference`, else "".

    A dimension that is not comparable has comparable=False and no numbers; a cell with n < k_min (or
    already suppressed / without a mean) in either round has no numbers either, `previous_n` included.
    """
    groups = list(current_cells.columns[: current_cells.columns.get_loc("dimension")])
    previous_groups = list(previous_cells.columns[: previous_cells.columns.get_loc("dimension")])
    if set(groups) != set(previous_groups):
        raise ValueError(f"group columns differ: {previous_groups} vs {groups}")
    mapping = comparable_dimensions(previous_spec, current_spec)

    current = current_cells[groups + ["dimension", "n", "mean", "sd"]].rename(
        columns={"n": "current_n", "mean": "current_mean", "sd": "current_sd"})
    current["previous_dimension"] = current["dimension"].map(mapping).astype("str")
    previous = previous_cells[groups + ["dimension", "n", "mean", "sd"]].rename(
        columns={"dimension": "previous_dimension", "n": "previous_n",
                 "mean": "previous_mean", "sd": "previous_sd"})
    merged = current.merge(previous, on=groups + ["previous_dimension"], how="left", sort=False)

    comparable = merged["dimension"].map(mapping).notna().to_numpy()
    n0 = pd.to_numeric(merged["previous_n"]).to_numpy(dtype=np.float64, na_value=np.nan)
    n1 = pd.to_numeric(merged["current_n"]).to_numpy(dtype=np.float64, na_value=np.nan)
    m0 = merged["previous_mean"].to_numpy(dtype=np.float64, na_value=np.nan)
    m1 = merged["current_mean"].to_numpy(dtype=np.float64, na_value=np.nan)
    s0 = merged["previous_sd"].to_numpy(dtype=np.float64, na_value=np.nan)
    s1 = merged["current_sd"].to_numpy(dtype=np.float64, na_value=np.nan)
    shown = comparable & (n0 >= k_min) & (n1 >= k_min) & ~np.isnan(m0) & ~np.isnan(m1)

    p = np.where(shown, welch_p(n0, m0, s0, n1, m1, s1), np.nan)
    change = np.where(shown, m1 - m0, np.nan)
    low, high = welch_interval(change, n0, s0, n1, s1)
    result = merged[groups + ["dimension"]].copy()
    result["previous_dimension"] = merged["previous_dimension"].where(comparable)
    result["comparable"] = comparable
    result["previous_n"] = pd.array(np.where(shown, n0, np.nan), dtype="Int64")
    result["previous_mean"] = np.where(shown, m0, np.nan)
    result["current_n"] = pd.array(np.where(shown, n1, np.nan), dtype="Int64")
    result["current_mean"] = np.where(shown, m1, np.nan)
    result["change"] = change
    result["change_low"] = np.where(shown, low, np.nan)
    result["change_high"] = np.where(shown, high, np.nan)
    result["p_value"] = p
    keys = group_codes(result[groups]).codes if groups else np.zeros(len(result), dtype=np.int64)
    q = benjamini_hochberg(p, keys)
    result["q_value"] = q
    flagged = (np.nan_to_num(q, nan=1.0) < SIGNIFICANCE) & (np.abs(np.nan_to_num(change)) >= minimal_difference)
    result["flag"] = pd.Series(np.where(flagged, np.where(change > 0, UP, DOWN), ""), dtype="str")
    return result


def welch_interval(change, n0, s0, n1, s1) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of a difference of two independent means: +/- t(0.975, Welch-Satterthwaite df) x
    sqrt(s0^2/n0 + s1^2/n1). NaN where a group has n < 2 or both variances are 0."""
    change, n0, s0, n1, s1 = (np.asarray(a, dtype=np.float64) for a in (change, n0, s0, n1, s1))
    low, high = np.full(change.shape, np.nan), np.full(change.shape, np.nan)
    ok = np.isfinite(change) & (n0 > 1) & (n1 > 1) & np.isfinite(s0) & np.isfinite(s1)
    v0, v1 = np.zeros(change.shape), np.zeros(change.shape)
    v0[ok], v1[ok] = np.square(s0[ok]) / n0[ok], np.square(s1[ok]) / n1[ok]
    ok &= (v0 + v1) > 0
    if ok.any():
        df = np.square(v0[ok] + v1[ok]) / (np.square(v0[ok]) / (n0[ok] - 1) + np.square(v1[ok]) / (n1[ok] - 1))
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, df) * np.sqrt(v0[ok] + v1[ok])
        low[ok], high[ok] = change[ok] - half, change[ok] + half
    return low, high


def benjamini_hochberg(p, families=None) -> np.ndarray:
    """Benjamini-Hochberg adjusted q values of `p`, separately within each family code (`families`: an int
    per value, -1 or None = one family); NaN p values are not tested and get NaN.
    q_(i) = min over j >= i of p_(j) m / j, capped at 1 (p sorted ascending, m tests in the family)."""
    p = np.asarray(p, dtype=np.float64)
    families = np.zeros(len(p), dtype=np.int64) if families is None else np.asarray(families)
    q = np.full(len(p), np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    order = tested[np.lexsort((p[tested], families[tested]))]
    for family in np.unique(families[order]):
        rows = order[families[order] == family]
        m = len(rows)
        adjusted = p[rows] * m / np.arange(1, m + 1)
        q[rows] = np.minimum(np.minimum.accumulate(adjusted[::-1])[::-1], 1.0)
    return q


def trend(previous_scores: pd.DataFrame, current_scores: pd.DataFrame,
          previous_spec: QuestionnaireSpec, current_spec: QuestionnaireSpec, *,
          k_min: int = K_MIN, minimal_difference: float = MINIMAL_DIFFERENCE) -> pd.DataFrame:
    """Trend per dimension of one group (or the network) from two rounds' respondent dimension
    scores (`respondent_dimension_scores` of that group's respondents). Columns `TREND_COLUMNS`."""
    return compare_rounds(dimension_index(previous_scores), dimension_index(current_scores),
                          previous_spec, current_spec, k_min=k_min, minimal_difference=minimal_difference)
