"""The aggregates columns of METHOD.md version 2 that a report reads (COMMON.md, contract 1).

Results frozen under version 1 lack them: a report of such a round shows "–" where they would be, rather
than failing, so `with_method_columns` adds every missing one as blank."""
from __future__ import annotations

import numpy as np
import pandas as pd

METHOD_COLUMNS = ("response_rate", "fpc", "rank", "rank_low", "rank_high", "of", "importance", "importance_low",
                  "importance_high", "importance_line", "importance_source", "r_squared", "gap", "gap_low",
                  "gap_high", "uncertain", "quadrant", "change", "change_low", "change_high", "q_value",
                  "trend_flag", "previous_n", "previous_response_rate", "alpha", "network_mean", "median",
                  "top_quartile")


def with_method_columns(aggregates: pd.DataFrame) -> pd.DataFrame:
    """`aggregates` with every column of `METHOD_COLUMNS` (blank where the results did not carry it)."""
    missing = [c for c in METHOD_COLUMNS if c not in aggregates.columns]
    if not missing:
        return aggregates
    return aggregates.assign(**{c: np.nan for c in missing})
