"""Results one level above the schools: an organiser (a municipality, an independent organiser, an owner or a
region) is a group of schools, so its cells are sums of school cells and are suppressed as such.

Why a rule of its own: the schools are already suppressed as a split of the network (a hidden school's n can
only be bounded by the network minus the published schools, and that remainder is 0 or >= k_min and never one
school). Publishing an organiser adds one more equation: the organiser minus its published schools gives the
sum of its hidden schools. So, per cell key (a dimension, an item):

1. an organiser is hidden when it has fewer than k_min respondents, or when its hidden schools are exactly one
   school (that school would be read off) or hold fewer than k_min respondents between them;
2. the hidden schools outside published organisers (those of hidden organisers and of schools without an
   organiser) are what a reader gets by subtracting every published organiser from the network: they must be
   none, or hold >= k_min respondents spread over at least two units (hidden organisers or unorganised
   schools); otherwise the published organiser with hidden schools and the fewest respondents is hidden too,
   and the test runs again. With no such organiser left, what remains is the network's own remainder, which
   the schools' suppression already protects.

An organiser of one school therefore shows exactly what that school shows and nothing more.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

_Q = 0.975


def suppress_organisers(organisers: pd.DataFrame, schools: pd.DataFrame, organiser_of: pd.Series, k_min: int,
                        key: str, network_hidden: pd.Series | None = None,
                        forced: np.ndarray | None = None) -> np.ndarray:
    """Which organiser cells to hide (the module docstring's rule).

    `organisers`: columns `organiser`, `key`, `n` (the organiser's true n of the cell); `schools`: columns
    `school`, `key`, `n`, `suppressed` (the schools' cells as published); `organiser_of`: school code ->
    organiser code (schools missing from it have no organiser); `network_hidden`: key -> whether the network's
    own cell is hidden (then every organiser cell is); `forced`: cells hidden beforehand (e.g. the items of a
    hidden organiser dimension). Returns a boolean array aligned with `organisers`."""
    hidden = np.zeros(len(organisers), dtype=bool) if forced is None else np.asarray(forced, dtype=bool).copy()
    org_n = organisers["n"].to_numpy(dtype=np.float64, na_value=0)
    school_org = schools["school"].astype(str).map(organiser_of)
    school_n = schools["n"].to_numpy(dtype=np.float64, na_value=0)
    school_hidden = schools["suppressed"].to_numpy(dtype=bool) & (school_n > 0)
    school_keys = schools[key].astype(str).to_numpy()
    org_keys = organisers[key].astype(str).to_numpy()
    org_codes = organisers["organiser"].astype(str).to_numpy()
    for cell_key in pd.unique(org_keys):
        rows = np.flatnonzero(org_keys == cell_key)
        if network_hidden is not None and bool(network_hidden.get(cell_key, False)):
            hidden[rows] = True
            continue
        in_key = (school_keys == cell_key) & school_hidden
        # the hidden part of each organiser, and the hidden schools without any organiser
        parts: dict[str, list[float]] = {}
        loose: list[float] = []
        for organiser, n in zip(school_org[in_key], school_n[in_key]):
            (loose if pd.isna(organiser) else parts.setdefault(str(organiser), [])).append(float(n))
        position = {org_codes[r]: r for r in rows}
        for code, r in position.items():
            part = parts.get(code, [])
            if org_n[r] < k_min or len(part) == 1 or 0 < sum(part) < k_min:
                hidden[r] = True
        while True:
            outside = [(code, sum(part)) for code, part in parts.items() if hidden[position[code]]] \
                if parts else []
            units = len(outside) + len(loose)
            total = sum(n for _, n in outside) + sum(loose)
            if units == 0 or (units >= 2 and total >= k_min):
                break
            candidates = [(org_n[position[code]], code) for code in parts if not hidden[position[code]]]
            if not candidates:
                break
            hidden[position[min(candidates)[1]]] = True
    return hidden


def organiser_gap(index, se, n, clusters, network_index, network_se, network_n, network_clusters
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gap organiser index - network index with its 95% interval, as `survey.analysis.gap_interval` does for
    a school: the organiser is part of the network (w = n / network n), so var(gap) = se^2 (1 - 2 w) +
    se_network^2, both CR1 standard errors with schools as clusters; t with min(clusters, network clusters) - 1
    degrees of freedom (the two sources' own rules). NaN where either side has no standard error."""
    index, se, n, clusters, network_index, network_se, network_n, network_clusters = (
        np.asarray(a, dtype=np.float64)
        for a in (index, se, n, clusters, network_index, network_se, network_n, network_clusters))
    gap = index - network_index
    weight = np.divide(n, network_n, out=np.zeros_like(gap), where=network_n > 0)
    variance = np.maximum(np.square(se) * (1 - 2 * weight) + np.square(network_se), 0.0)
    df = np.minimum(clusters, network_clusters) - 1
    ok = np.isfinite(variance) & (df >= 1)
    half = np.full(gap.shape, np.nan)
    half[ok] = stats.t.ppf(_Q, df[ok]) * np.sqrt(variance[ok])
    return gap, gap - half, gap + half
