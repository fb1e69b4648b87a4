"""Benchmark partners: who to learn from on the school's "Improve first" dimensions."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from survey.analysis._stats import SIGNIFICANCE, welch_p
from survey.analysis.trends import MINIMAL_DIFFERENCE

PARTNER_COLUMNS = ("dimension", "order", "partner", "same_type", "mean", "difference", "p_value")


def anonymous_label(position: int) -> str:
    """0 -> "School A", 25 -> "School Z", 26 -> "School AA", ... (spreadsheet-column letters)."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"School {letters}"


def benchmark_partners(school: str, improve_first_dims: Iterable[str],
                       index_by_school: pd.DataFrame,
                       school_types: Mapping[str, str] | pd.Series | None = None,
                       school_sizes: Mapping[str, int] | pd.Series | None = None,
                       share_names: bool = False, *,
                       names: Mapping[str, str] | pd.Series | None = None,
                       school_column: str = "school",
                       minimal_difference: float = MINIMAL_DIFFERENCE) -> pd.DataFrame:
    """Partners for `school` on each of its "Improve first" dimensions.

    `index_by_school` is `dimension_index` by school, normally after `suppress_small_groups`
    (suppressed schools are neither ranked nor offered). A partner of a dimension is a school
    - in the dimension's top quartile: index >= the upper quartile of the published schools'
      indices (linear interpolation, as in `network_benchmark`),
    - whose index is higher than `school`'s by at least `minimal_difference` (the network's minimal important
      difference, METHOD.md v2) and significantly so: two-sided Welch p < 0.05 from the
      two schools' n, mean and sd (the same p as scipy.stats.ttest_ind(equal_var=False) on their
      respondent scores).
    Order, most similar first: same school type first (`school_types`; unknown types are never
    "same"), then the smallest difference in size (`school_sizes`: population or respondents; default the
    dimension's n), then the higher index, then the school code.

    Naming: with `share_names`, `partner` is the school's name (`names`, default the code) and a
    `school` column holds the code. Otherwise `partner` is an anonymous label given by rank order
    within that dimension's partner list: "School A" is the partner with the highest index, then
    "School B", ... (ties by code). Labels are per dimension on purpose, so the same label in two
    dimensions does not say it is the same school.

    Columns: `PARTNER_COLUMNS` (+ `school` when names are shared); no partners: no rows.
    """
    types = pd.Series(school_types if school_types is not None else {}, dtype=object)
    sizes = pd.Series(school_sizes, dtype=np.float64) if school_sizes is not None else None
    own_type = types.get(school)
    frames = []
    for dimension in improve_first_dims:
        cells = index_by_school[index_by_school["dimension"] == dimension]
        published = cells["mean"].notna()
        if "suppressed" in cells.columns:
            published &= ~cells["suppressed"].astype(bool)
        cells = cells[published].reset_index(drop=True)
        own = cells[cells[school_column] == school]
        if own.empty:
            continue
        n0, m0, s0 = (float(own[c].iloc[0]) for c in ("n", "mean", "sd"))
        upper = np.percentile(cells["mean"].to_numpy(dtype=np.float64), 75)
        candidates = cells[(cells["mean"] >= upper) & (cells[school_column] != school)
                           & (cells["mean"] >= m0 + minimal_difference)].copy()
        candidates["p_value"] = welch_p(n0, m0, s0, candidates["n"], candidates["mean"],
                                        candidates["sd"])
        candidates = candidates[candidates["p_value"] < SIGNIFICANCE]
        if candidates.empty:
            continue
        codes = candidates[school_column]
        candidates["same_type"] = (own_type is not None) & (codes.map(types) == own_type)
        size = (codes.map(sizes) if sizes is not None else candidates["n"]).astype(np.float64)
        own_size = sizes.get(school, np.nan) if sizes is not None else n0
        candidates["_gap"] = (size - own_size).abs()
        candidates = candidates.sort_values(["same_type", "_gap", "mean", school_column],
                                            ascending=[False, True, False, True],
                                            na_position="last", kind="stable")
        candidates["order"] = np.arange(1, len(candidates) + 1)
        candidates["dimension"] = dimension
        candidates["difference"] = candidates["mean"] - m0
        if share_names:
            named = codes.map(names) if names is not None else codes
            candidates["partner"] = named.where(named.notna(), codes).astype("str")
            candidates["school"] = codes
        else:
            by_rank = candidates.sort_values(["mean", school_column], ascending=[False, True])
            labels = {code: anonymous_label(i) for i, code in enumerate(by_rank[school_column])}
            candidates["partner"] = codes.map(labels).astype("str")
        columns = list(PARTNER_COLUMNS) + (["school"] if share_names else [])
        frames.append(candidates[columns])
    if not frames:
        columns = list(PARTNER_COLUMNS) + (["school"] if share_names else [])
        return pd.DataFrame({column: [] for column in columns})
    return pd.concat(frames, ignore_index=True)
