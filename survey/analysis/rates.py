"""Response rates (METHOD.md, Response rate and reliability)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def response_rate(submitted, population):
    """submitted / population, as a proportion (0..1; above 1 when the population given by the
    school is smaller than the number of responses: shown as is, never capped).

    NaN where the population is unknown (None/NaN) or not positive. Works on scalars (returns a
    float), arrays, and Series (aligned on the index, returns a Series) - e.g. per school or per
    school and program."""
    if isinstance(submitted, pd.Series) or isinstance(population, pd.Series):
        index = (submitted if isinstance(submitted, pd.Series) else population).index
        submitted, population = (value if isinstance(value, pd.Series)
                                 else pd.Series(value, index=index)
                                 for value in (submitted, population))
        submitted, population = submitted.align(population)
        rate = _rate(submitted.to_numpy(dtype=np.float64, na_value=np.nan),
                     population.to_numpy(dtype=np.float64, na_value=np.nan))
        return pd.Series(rate, index=submitted.index, name="response_rate")
    scalar = np.ndim(submitted) == 0 and np.ndim(population) == 0
    rate = _rate(_floats(submitted), _floats(population))
    return float(rate) if scalar else rate


def _floats(values) -> np.ndarray:
    array = np.asarray(values, dtype=object)
    return np.where(pd.isna(array), np.nan, array).astype(np.float64)


def _rate(submitted: np.ndarray, population: np.ndarray) -> np.ndarray:
    submitted, population = np.broadcast_arrays(submitted, population)
    rate = np.full(submitted.shape, np.nan)
    np.divide(submitted, population, out=rate, where=population > 0)
    return rate
