"""The priority map: importance against the gap to the network (METHOD.md v2, Structural analysis)."""
from __future__ import annotations

import numpy as np
import pandas as pd

IMPROVE_FIRST = "Improve first"
KEEP_UP = "Keep up"
WATCH = "Watch"
MAINTAIN = "Maintain"


def mean_importance(n_dimensions: int) -> float:
    """The priority map's vertical line: the mean importance, 100 / the number of predictor dimensions
    (importances are percentages of R^2 that sum to 100). `priority_quadrants` classifies with it; a chart
    must draw this same number, whatever subset of the dimensions it shows. The horizontal line is gap = 0."""
    if n_dimensions < 1:
        raise ValueError("the priority map needs at least one predictor dimension")
    return 100.0 / n_dimensions


def priority_quadrants(importance_pct: pd.Series, gap: pd.Series, n_dimensions: int | None = None,
                       importance_interval: tuple[pd.Series, pd.Series] | None = None,
                       gap_interval: tuple[pd.Series, pd.Series] | None = None) -> pd.DataFrame:
    """Place each predictor dimension on the priority map.

    x = importance (percent of R^2, `importance_pct`, indexed by cell), y = the gap: the school's index minus
    the network index of the same dimension (`gap`, same index). The vertical line is `mean_importance(
    n_dimensions)` (n_dimensions default len(importance_pct)), the horizontal line 0.

    Ties: a dimension on the vertical line counts as important (importance >= 100 / n); below the network means
    gap < 0. Quadrants: important & below "Improve first", important & at or above "Keep up", less important &
    below "Watch", less important & at or above "Maintain". A dimension without an importance or a gap
    (suppressed) gets no quadrant (<NA>).

    `uncertain` (METHOD.md): the importance interval (low, high) straddles the vertical line (low < line < high)
    or the gap interval straddles 0 (low < 0 < high); an interval not given or NaN does not make a dimension
    uncertain. <NA> where there is no quadrant.

    Columns: `importance`, `gap`, `important`, `below`, `quadrant`, `uncertain`, indexed like `importance_pct`.
    """
    n_dimensions = len(importance_pct) if n_dimensions is None else n_dimensions
    x_line = mean_importance(n_dimensions)
    cells = importance_pct.index
    importance = importance_pct.to_numpy(dtype=np.float64)
    difference = gap.reindex(cells).to_numpy(dtype=np.float64, na_value=np.nan)
    known = ~np.isnan(importance) & ~np.isnan(difference)
    important = importance >= x_line
    below = difference < 0
    quadrant = np.select([important & below, important & ~below, ~important & below],
                         [IMPROVE_FIRST, KEEP_UP, WATCH], MAINTAIN)
    uncertain = np.zeros(len(cells), dtype=bool)
    for interval, line in ((importance_interval, x_line), (gap_interval, 0.0)):
        if interval is not None:
            low = interval[0].reindex(cells).to_numpy(dtype=np.float64, na_value=np.nan)
            high = interval[1].reindex(cells).to_numpy(dtype=np.float64, na_value=np.nan)
            uncertain |= (low < line) & (high > line)
    flags = {}
    for name, values in (("important", important), ("below", below), ("uncertain", uncertain)):
        flag = pd.array(values, dtype="boolean")
        flag[~known] = pd.NA
        flags[name] = flag
    return pd.DataFrame({
        "importance": importance,
        "gap": difference,
        "important": flags["important"],
        "below": flags["below"],
        "quadrant": pd.Series(np.where(known, quadrant, None), dtype="str").to_numpy(),
        "uncertain": flags["uncertain"],
    }, index=cells)
