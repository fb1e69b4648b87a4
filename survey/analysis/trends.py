"""Trends: change against an earlier round, for comparable dimensions only (METHOD.md, Trends)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis._stats import SIGNIFICANCE, welch_p
from survey.analysis.indices import dimension_index
from survey.analysis.spec import QuestionnaireSpec
from survey.analysis.suppression import K_MIN

TREND_COLUMNS = ("dimension", "previous_dimension", "comparable", "previous_n", "previous_mean",
                 "current_n", "current_mean", "difference", "p_value", "significant")


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
                   k_min: int = K_MIN) -> pd.DataFrame:
    """Trend per group and dimension from two `dimension_index` tables with the same group columns
    (e.g. by school), using Welch's t-test from each cell's n, mean and sd (equal to
    scipy.stats.ttest_ind(equal_var=False) on the respondent scores).

    Columns: the group columns, then `TREND_COLUMNS`. `significant` is p < 0.05. A dimension that
    is not comparable has comparable=False and no numbers; a cell with n < k_min (or already
    suppressed / without a mean) in either round has no numbers either.
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
    n0 = merged["previous_n"].to_numpy(dtype=np.float64, na_value=np.nan)
    n1 = merged["current_n"].to_numpy(dtype=np.float64, na_value=np.nan)
    m0 = merged["previous_mean"].to_numpy(dtype=np.float64, na_value=np.nan)
    m1 = merged["current_mean"].to_numpy(dtype=np.float64, na_value=np.nan)
    s0 = merged["previous_sd"].to_numpy(dtype=np.float64, na_value=np.nan)
    s1 = merged["current_sd"].to_numpy(dtype=np.float64, na_value=np.nan)
    shown = comparable & (n0 >= k_min) & (n1 >= k_min) & ~np.isnan(m0) & ~np.isnan(m1)

    p = np.where(shown, welch_p(n0, m0, s0, n1, m1, s1), np.nan)
    result = merged[groups + ["dimension"]].copy()
    result["previous_dimension"] = merged["previous_dimension"].where(comparable)
    result["comparable"] = comparable
    result["previous_n"] = pd.array(np.where(shown, n0, np.nan), dtype="Int64")
    result["previous_mean"] = np.where(shown, m0, np.nan)
    result["current_n"] = pd.array(np.where(shown, n1, np.nan), dtype="Int64")
    result["current_mean"] = np.where(shown, m1, np.nan)
    result["difference"] = np.where(shown, m1 - m0, np.nan)
    result["p_value"] = p
    result["significant"] = np.nan_to_num(p, nan=1.0) < SIGNIFICANCE
    return result


def trend(previous_scores: pd.DataFrame, current_scores: pd.DataFrame,
          previous_spec: QuestionnaireSpec, current_spec: QuestionnaireSpec, *,
          k_min: int = K_MIN) -> pd.DataFrame:
    """Trend per dimension of one group (or the network) from two rounds' respondent dimension
    scores (`respondent_dimension_scores` of that group's respondents). Columns `TREND_COLUMNS`."""
    return compare_rounds(dimension_index(previous_scores), dimension_index(current_scores),
                          previous_spec, current_spec, k_min=k_min)
