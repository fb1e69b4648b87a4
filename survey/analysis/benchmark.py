"""The network benchmark: network mean, school distribution and school ranks per dimension."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Means are rounded to this many decimals before ranking, so indices that are equal but were
# summed in a different order (differing in the last bits) count as tied.
_RANK_DECIMALS = 9


@dataclass(frozen=True)
class NetworkBenchmark:
    """`dimensions`: one row per dimension: `network_n`, `network_mean` (all respondents pooled),
    `of` (schools ranked), `lower_quartile`, `median`, `upper_quartile` (of the ranked schools'
    indices, linear interpolation).
    `schools`: the school table with `rank` (1 = highest; ties share the better rank) and `of`;
    rank is <NA> for a school that is not ranked (suppressed or no index)."""

    dimensions: pd.DataFrame
    schools: pd.DataFrame


def network_benchmark(index_by_school: pd.DataFrame, network_index: pd.DataFrame, *,
                      school: str = "school") -> NetworkBenchmark:
    """Benchmark each dimension over the network's schools.

    `index_by_school`: `dimension_index(scores, frame["school"])`, normally after
    `suppress_small_groups`; a row is ranked when it is not `suppressed` and has a mean.
    `network_index`: `dimension_index(scores)` (no groups): the network mean is this pooled
    index over all respondents, not the mean of the school indices.
    """
    if school not in index_by_school.columns:
        raise KeyError(f"index_by_school has no {school!r} column")
    schools = index_by_school.copy()
    means = schools["mean"].to_numpy(dtype=np.float64)
    ranked = ~np.isnan(means)
    if "suppressed" in schools.columns:
        ranked &= ~schools["suppressed"].to_numpy(dtype=bool)
    by_dimension = schools["dimension"].to_numpy()
    rounded = pd.Series(np.where(ranked, np.round(means, _RANK_DECIMALS), np.nan))
    rank = rounded.groupby(by_dimension, sort=False).rank(method="min", ascending=False)
    schools["rank"] = pd.array(rank.to_numpy(), dtype="Int64")
    of = pd.Series(ranked).groupby(by_dimension, sort=False).transform("sum")
    schools["of"] = of.to_numpy(dtype=np.int64)

    rows = []
    network = network_index.set_index("dimension")
    for dimension in network.index:
        values = means[ranked & (by_dimension == dimension)]
        if len(values):
            lower, median, upper = np.percentile(values, [25, 50, 75])
        else:
            lower = median = upper = np.nan
        rows.append({"dimension": dimension,
                     "network_n": int(network.at[dimension, "n"]),
                     "network_mean": float(network.at[dimension, "mean"]),
                     "of": len(values), "lower_quartile": lower, "median": median,
                     "upper_quartile": upper})
    dimensions = pd.DataFrame(rows, columns=["dimension", "network_n", "network_mean", "of",
                                             "lower_quartile", "median", "upper_quartile"])
    dimensions["dimension"] = dimensions["dimension"].astype("str")
    return NetworkBenchmark(dimensions=dimensions, schools=schools)
