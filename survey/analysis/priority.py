"""The priority map: importance against the school's index (METHOD.md, Structural analysis)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis.spec import QuestionnaireSpec

IMPROVE_FIRST = "Improve first"
KEEP_UP = "Keep up"
WATCH = "Watch"
MAINTAIN = "Maintain"


def mean_importance(n_dimensions: int) -> float:
    """The priority map's vertical line: the mean importance, 100 / the number of predictor dimensions
    (importances are percentages of R^2 that sum to 100). `priority_quadrants` classifies with it; a chart
    must draw this same number, whatever subset of the dimensions it shows."""
    if n_dimensions < 1:
        raise ValueError("the priority map needs at least one predictor dimension")
    return 100.0 / n_dimensions


def mean_of_dimension_indices(network_index: pd.DataFrame, spec: QuestionnaireSpec) -> float:
    """The priority map's horizontal line: the mean, over the predictor dimensions (every
    dimension except overall satisfaction, i.e. the dimensions on the map), of the network's
    dimension indices (`dimension_index(scores)`). An unweighted mean of dimension indices."""
    means = network_index.set_index("dimension")["mean"]
    return float(means.loc[list(spec.predictors)].mean())


def priority_quadrants(importance_pct: pd.Series, school_index: pd.Series,
                       network_dimension_mean_of_all_indices: float,
                       n_dimensions: int | None = None) -> pd.DataFrame:
    """Place each predictor dimension on the priority map.

    x = importance (percent of R^2, `importance_pct`, indexed by dimension), y = the school's
    index (`school_index`, indexed by dimension). The vertical line is the mean importance
    `mean_importance(n_dimensions)` = 100 / n_dimensions (n_dimensions = number of predictors, default
    len(importance_pct)); the
    horizontal line is `network_dimension_mean_of_all_indices`, the network mean of the
    predictor dimensions' indices (see `mean_of_dimension_indices`; overall satisfaction excluded).

    Ties: a dimension on a line counts as important (importance >= 100 / n) and as strong
    (index >= the line). Quadrants: important & weak "Improve first", important & strong
    "Keep up", less important & weak "Watch", less important & strong "Maintain". A dimension
    without an importance or a school index (suppressed) gets no quadrant (<NA>).

    Columns: `dimension`, `importance`, `school_index`, `important`, `strong`, `quadrant`.
    """
    n_dimensions = len(importance_pct) if n_dimensions is None else n_dimensions
    x_line = mean_importance(n_dimensions)
    dimensions = importance_pct.index
    importance = importance_pct.to_numpy(dtype=np.float64)
    index = school_index.reindex(dimensions).to_numpy(dtype=np.float64, na_value=np.nan)
    known = ~np.isnan(importance) & ~np.isnan(index)
    important = importance >= x_line
    strong = index >= network_dimension_mean_of_all_indices
    quadrant = np.select([important & ~strong, important & strong, ~important & ~strong],
                         [IMPROVE_FIRST, KEEP_UP, WATCH], MAINTAIN)
    important_flag = pd.array(important, dtype="boolean")
    strong_flag = pd.array(strong, dtype="boolean")
    important_flag[~known] = pd.NA
    strong_flag[~known] = pd.NA
    return pd.DataFrame({
        "dimension": pd.Series(np.asarray(dimensions, dtype=object), dtype="str"),
        "importance": importance,
        "school_index": index,
        "important": important_flag,
        "strong": strong_flag,
        "quadrant": pd.Series(np.where(known, quadrant, None), dtype="str"),
    })
