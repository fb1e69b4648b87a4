"""Reliability: Cronbach's alpha per dimension (METHOD.md, Response rate and reliability)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis.scores import item_score_matrix
from survey.analysis.spec import QuestionnaireSpec


def cronbach_alpha(frame: pd.DataFrame, spec: QuestionnaireSpec) -> pd.DataFrame:
    """Cronbach's alpha of each dimension over the complete cases of its items (respondents who
    answered every item of the dimension), on the 0-100 item scores after the reverse flip:

        alpha = m / (m - 1) * (1 - sum of item variances / variance of the item sum), ddof = 1.

    (Alpha is unchanged by the linear 0-100 rescaling; the flip matters.) NaN for a one-item
    dimension, fewer than 2 complete cases, or a constant item sum.
    Columns: `dimension`, `items` (m), `n` (complete cases), `alpha`.
    """
    matrix = item_score_matrix(frame, spec)
    rows = []
    start = 0
    for dimension in spec.dimensions:
        m = len(dimension.items)
        block = matrix[:, start:start + m]
        start += m
        block = block[~np.isnan(block).any(axis=1)].astype(np.float64)
        n = len(block)
        alpha = np.nan
        if m > 1 and n > 1:
            total_variance = block.sum(axis=1).var(ddof=1)
            if total_variance > 0:
                alpha = m / (m - 1) * (1 - block.var(axis=0, ddof=1).sum() / total_variance)
        rows.append({"dimension": dimension.key, "items": m, "n": n, "alpha": alpha})
    result = pd.DataFrame(rows, columns=["dimension", "items", "n", "alpha"])
    result["dimension"] = result["dimension"].astype("str")
    return result
