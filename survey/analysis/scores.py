"""Answers -> 0-100 item scores -> respondent dimension scores (METHOD.md, Scores)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis.spec import QuestionnaireSpec


def answer_matrix(frame: pd.DataFrame, spec: QuestionnaireSpec) -> np.ndarray:
    """The answer codes as given (1..k, NaN for no answer / "don't know"), one column per item in
    `spec.item_keys` order: float32, column-major, shape (respondents, items).

    Raises ValueError when a code is not a whole number in 1..k.
    """
    keys = spec.item_keys
    missing = [key for key in keys if key not in frame.columns]
    if missing:
        raise KeyError(f"responses lack item columns: {missing}")
    matrix = np.empty((len(frame), len(keys)), dtype=np.float32, order="F")
    for j, key in enumerate(keys):
        matrix[:, j] = frame[key].to_numpy(dtype=np.float32, na_value=np.nan)
        _check_codes(matrix[:, j], key, spec.points)
    return matrix


def _check_codes(codes: np.ndarray, key: str, points: int) -> None:
    if not len(codes):
        return
    low, high = np.fmin.reduce(codes), np.fmax.reduce(codes)
    if np.isnan(low):
        return
    if low < 1 or high > points or np.any(np.floor(codes) != codes, where=~np.isnan(codes)):
        raise ValueError(f"item {key!r}: answer codes must be whole numbers 1..{points}")


def item_score_matrix(frame: pd.DataFrame, spec: QuestionnaireSpec) -> np.ndarray:
    """0-100 item scores, reverse items flipped: (x' - 1) / (k - 1) * 100 with x' = k + 1 - x for
    reverse-worded items, else x' = x. Same layout as `answer_matrix` (float32, column-major)."""
    matrix = answer_matrix(frame, spec)
    k = spec.points
    step = np.float32(100.0 / (k - 1))
    for j, key in enumerate(spec.item_keys):
        column = matrix[:, j]
        if key in spec.reverse:  # (k + 1 - x - 1) * step = (k - x) * step
            np.subtract(np.float32(k), column, out=column)
        else:
            np.subtract(column, np.float32(1), out=column)
        np.multiply(column, step, out=column)
    return matrix


def item_scores(frame: pd.DataFrame, spec: QuestionnaireSpec) -> pd.DataFrame:
    """0-100 item scores (reverse items flipped), one column per item key, NaN where unanswered."""
    return pd.DataFrame(item_score_matrix(frame, spec).astype(np.float64),
                        index=frame.index, columns=list(spec.item_keys))


def dimension_scores_from_items(item_matrix: np.ndarray, spec: QuestionnaireSpec) -> np.ndarray:
    """Respondent dimension scores from an `item_score_matrix`: the mean of the answered item
    scores of the dimension, NaN unless at least ceil(m / 2) of its m items are answered.
    float64, column-major, shape (respondents, dimensions)."""
    out = np.full((item_matrix.shape[0], len(spec.dimensions)), np.nan, order="F")
    start = 0
    for d, dimension in enumerate(spec.dimensions):
        stop = start + len(dimension.items)
        block = item_matrix[:, start:stop]
        answered = ~np.isnan(block)
        count = answered.sum(axis=1)
        total = np.where(answered, block, 0).sum(axis=1, dtype=np.float64)
        np.divide(total, count, out=out[:, d], where=count >= dimension.min_answered)
        start = stop
    return out


def respondent_dimension_scores(frame: pd.DataFrame, spec: QuestionnaireSpec) -> pd.DataFrame:
    """Each respondent's 0-100 score per dimension (columns in questionnaire order), NaN where
    fewer than half of the dimension's items (rounded up) were answered. Index = frame's index.

    Compute this once per round and reuse it for every breakdown (`dimension_index`)."""
    scores = dimension_scores_from_items(item_score_matrix(frame, spec), spec)
    return pd.DataFrame(scores, index=frame.index, columns=list(spec.dimension_keys))
