"""Fixtures for the analysis tests: factories that build specs and response frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from survey.analysis import DimensionSpec, QuestionnaireSpec


@pytest.fixture
def make_spec():
    """make_spec({"teaching": 3, "overall": 2}, reverse={"teaching.2"}, points=5) builds a spec
    whose items are "<dimension>.<1..m>"; the last dimension named "overall" is overall."""

    def make(dimensions: dict[str, int], *, points: int = 5, overall: str = "overall",
             reverse=(), lineage=None) -> QuestionnaireSpec:
        return QuestionnaireSpec(
            points=points,
            dimensions=tuple(DimensionSpec(key, tuple(f"{key}.{i}" for i in range(1, m + 1)))
                             for key, m in dimensions.items()),
            overall=overall, reverse=frozenset(reverse), lineage=lineage or {})

    return make


@pytest.fixture
def make_responses():
    """make_responses(school=[...], **{"teaching.1": [...], ...}) -> a responses frame; None in
    an answer list is "don't know"/no answer (NaN)."""

    def make(**columns) -> pd.DataFrame:
        frame = {}
        for name, values in columns.items():
            if "." in name:
                frame[name] = np.array([np.nan if v is None else v for v in values], dtype=float)
            else:
                frame[name] = pd.Series(values, dtype="str")
        return pd.DataFrame(frame)

    return make


@pytest.fixture
def random_scores():
    """random_scores(seed, n, dimensions, schools): a frame of 0-100 dimension scores with some
    NaN and a school label per respondent, for property and regression-style tests."""

    def make(seed: int, n: int, dimensions: list[str], schools: int = 3):
        rng = np.random.default_rng(seed)
        values = rng.uniform(0, 100, size=(n, len(dimensions)))
        values[rng.random(values.shape) < 0.1] = np.nan
        scores = pd.DataFrame(values, columns=dimensions)
        school = pd.Series(rng.integers(0, schools, n).astype(str), dtype="str", name="school")
        return scores, school

    return make
