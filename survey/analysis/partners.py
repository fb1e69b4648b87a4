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
                       minimal_difference: float = MINIMAL_DIFFERENCE,
                       school_organisers: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """Partners for `school` on each of its "Improve first" dimensions (`all_partners` for one school).

    Naming: with `share_names`, `partner` is the school's name (`names`, default the code) and a
    `school` column holds the code. Otherwise `partner` is an anonymous label given by rank order
    within that dimension's partner list: "School A" is the partner with the highest index, then
    "School B", ... (ties by code). Labels are per dimension on purpose, so the same label in two
    dimensions does not say it is the same school.

    Columns: `PARTNER_COLUMNS` (+ `school` when names are shared); no partners: no rows.
    """
    improve = pd.DataFrame({"school": school, "dimension": list(improve_first_dims)}, dtype="str")
    cells = index_by_school.rename(columns={school_column: "school"})
    found = all_partners(cells, improve, school_types, school_sizes, minimal_difference=minimal_difference,
                         school_organisers=school_organisers)
    columns = list(PARTNER_COLUMNS) + (["school"] if share_names else [])
    if found.empty:
        return pd.DataFrame({column: [] for column in columns})
    codes = found["partner_school"]
    if share_names:
        named = codes.map(names) if names is not None else codes
        found["partner"] = named.where(named.notna(), codes).astype("str")
        found["school"] = codes
    else:
        found["partner"] = anonymous_labels(found)
    return found.rename(columns={"partner_index": "mean"})[columns].reset_index(drop=True)


def anonymous_labels(found: pd.DataFrame) -> pd.Series:
    """"School A", "School B", ... per school and dimension of an `all_partners` table, by rank: A is the
    partner with the highest index (ties by code)."""
    ranked = found.sort_values(["school", "dimension", "partner_index", "partner_school"],
                               ascending=[True, True, False, True], kind="stable")
    position = ranked.groupby(["school", "dimension"], sort=False).cumcount()
    return position.map(anonymous_label).reindex(found.index).astype("str")


def all_partners(index_by_school: pd.DataFrame, improve: pd.DataFrame,
                 school_types: Mapping[str, str] | pd.Series | None = None,
                 school_sizes: Mapping[str, int] | pd.Series | None = None, *,
                 minimal_difference: float = MINIMAL_DIFFERENCE,
                 school_organisers: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """Every (school, dimension) of `improve` with its benchmark partners (METHOD.md v2, Structural analysis).

    `index_by_school`: columns school, dimension, n, mean, sd (and `suppressed`): `dimension_index` by school,
    normally after `suppress_small_groups` (suppressed schools are neither ranked nor offered). A partner of a
    dimension is a school
    - in the dimension's top quartile: index >= the upper quartile of the published schools' indices (linear
      interpolation, as in `network_benchmark`),
    - whose index is higher than the school's by at least `minimal_difference` (the network's minimal
      important difference) and significantly so: two-sided Welch p < 0.05 from the two schools' n, mean and
      sd (the same p as scipy.stats.ttest_ind(equal_var=False) on their respondent scores).
    Order, most similar first: same school type first (`school_types`; unknown types are never "same"), then
    the same organiser (`school_organisers`; a school without one shares it with none), then the smallest difference in size (`school_sizes`: population
    or respondents; default the dimension's n), then the higher index, then the school code.

    One array operation per dimension over every (school, top-quartile school) pair.
    Columns: school, dimension, partner_school, partner_index, school_index, difference, p_value, same_type,
    order (1 = most similar), rows by school, dimension (as in `improve`) and order.
    """
    types = pd.Series(school_types if school_types is not None else {}, dtype=object)
    organisers = pd.Series(school_organisers if school_organisers is not None else {}, dtype=object)
    sizes = pd.Series(school_sizes, dtype=np.float64) if school_sizes is not None else None
    frames = []
    for dimension, wanted in improve.groupby("dimension", sort=False):
        cells = index_by_school[(index_by_school["dimension"] == dimension).to_numpy()]
        published = cells["mean"].notna().to_numpy().copy()
        if "suppressed" in cells.columns:
            published &= ~cells["suppressed"].to_numpy(dtype=bool)
        cells = cells[published]
        codes = cells["school"].astype(str).to_numpy()
        position = pd.Series(np.arange(len(codes)), index=codes)
        own = position.reindex(wanted["school"].astype(str)).dropna().to_numpy(dtype=np.int64)
        if not len(own) or not len(codes):
            continue
        n = pd.to_numeric(cells["n"]).to_numpy(dtype=np.float64)
        mean = cells["mean"].to_numpy(dtype=np.float64)
        sd = cells["sd"].to_numpy(dtype=np.float64)
        top = np.flatnonzero(mean >= np.percentile(mean, 75))
        i, c = np.repeat(own, len(top)), np.tile(top, len(own))
        keep = (c != i) & (mean[c] >= mean[i] + minimal_difference)
        i, c = i[keep], c[keep]
        p = welch_p(n[i], mean[i], sd[i], n[c], mean[c], sd[c])
        keep = p < SIGNIFICANCE
        i, c, p = i[keep], c[keep], p[keep]
        if not len(i):
            continue
        kind = types.reindex(codes).to_numpy(dtype=object)
        same_type = pd.notna(kind[i]) & (kind[c] == kind[i])
        owner = organisers.reindex(codes).to_numpy(dtype=object)
        same_organiser = pd.notna(owner[i]) & (owner[c] == owner[i])
        size = sizes.reindex(codes).to_numpy(dtype=np.float64) if sizes is not None else n
        gap = np.abs(size[c] - size[i])
        code_rank = np.argsort(np.argsort(codes, kind="stable"), kind="stable")
        order = np.lexsort((code_rank[c], -mean[c], gap, ~same_organiser, ~same_type, i))  # NaN gaps sort last
        i, c, p, same_type = i[order], c[order], p[order], same_type[order]
        first = np.r_[True, i[1:] != i[:-1]]
        starts = np.flatnonzero(first)
        rank = np.arange(len(i)) - np.repeat(starts, np.diff(np.r_[starts, len(i)])) + 1
        frames.append(pd.DataFrame({
            "school": codes[i], "dimension": dimension, "partner_school": codes[c],
            "partner_index": mean[c], "school_index": mean[i], "difference": mean[c] - mean[i],
            "p_value": p, "same_type": same_type, "order": rank.astype(np.int64)}))
    if not frames:
        return pd.DataFrame({"school": pd.Series([], dtype="str"), "dimension": pd.Series([], dtype="str"),
                             "partner_school": pd.Series([], dtype="str"), "partner_index": np.empty(0),
                             "school_index": np.empty(0), "difference": np.empty(0), "p_value": np.empty(0),
                             "same_type": np.empty(0, dtype=bool), "order": np.empty(0, dtype=np.int64)})
    table = pd.concat(frames, ignore_index=True)
    return table.astype({"school": "str", "dimension": "str", "partner_school": "str"})
