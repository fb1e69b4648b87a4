"""Answers -> 0-100 item scores -> respondent dimension scores (METHOD.md, Scores).

Every score is float64. The answer codes themselves are small whole numbers (float32 in
`answer_matrix`, uint8 when packed), so they are stored compactly and turned into float64 scores one
dimension at a time (`dimension_scores_from_answers`): the whole item-score matrix of a round never
has to exist in float64. All paths give code j the same double, `option_scores(k)[j - 1]`, so equal
answers give equal indices, and indices that are equal in exact arithmetic tie in the ranking.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis.spec import QuestionnaireSpec


def option_scores(points: int) -> np.ndarray:
    """The 0-100 score of answer code j = 1..k at position j - 1: (j - 1) * 100 / (k - 1), float64 (the
    double nearest the exact value: (j - 1) * 100 is exact, one correctly rounded division)."""
    return np.arange(points, dtype=np.float64) * 100.0 / (points - 1)


def score_lookup(spec: QuestionnaireSpec, items=None) -> np.ndarray:
    """(items, 256) float64 table: row j maps an answer code 0..255 of item j (`spec.item_keys` order, or
    `items`) to its 0-100 score, reverse-worded items flipped; codes outside 1..k map to NaN (0 = no
    answer and 255 = "don't know" in the packed form)."""
    items = spec.item_keys if items is None else items
    k = spec.points
    forward = np.full(256, np.nan)
    forward[1:k + 1] = option_scores(k)
    backward = np.full(256, np.nan)
    backward[1:k + 1] = option_scores(k)[::-1]
    reverse = np.array([item in spec.reverse for item in items], dtype=bool)
    return np.where(reverse[:, None], backward[None, :], forward[None, :])


def answer_matrix(frame: pd.DataFrame, spec: QuestionnaireSpec) -> np.ndarray:
    """The answer codes as given (1..k, NaN for no answer / "don't know"), one column per item in
    `spec.item_keys` order: float32 (whole numbers 1..11 are exact in it), column-major, shape
    (respondents, items).

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


def _codes_to_scores(codes: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """float64 scores of a block of answer codes (columns = items, `lookup` one row per column): codes as
    floats with NaN for missing (`answer_matrix`) or packed uint8 (0 and 255 missing)."""
    out = np.empty(codes.shape, dtype=np.float64, order="F")
    for j in range(codes.shape[1]):
        column = codes[:, j]
        if column.dtype != np.uint8:
            column = np.nan_to_num(column, nan=0.0).astype(np.intp)
        np.take(lookup[j], column, out=out[:, j])
    return out


def item_score_matrix(frame: pd.DataFrame, spec: QuestionnaireSpec) -> np.ndarray:
    """0-100 item scores, reverse items flipped: (x' - 1) / (k - 1) * 100 with x' = k + 1 - x for
    reverse-worded items, else x' = x; NaN where unanswered. float64, column-major, shape
    (respondents, items). For a round's dimension scores prefer `dimension_scores_from_answers`, which
    never holds every item score at once."""
    return _codes_to_scores(answer_matrix(frame, spec), score_lookup(spec))


def item_scores(frame: pd.DataFrame, spec: QuestionnaireSpec) -> pd.DataFrame:
    """0-100 item scores (reverse items flipped), one column per item key, NaN where unanswered."""
    return pd.DataFrame(item_score_matrix(frame, spec), index=frame.index, columns=list(spec.item_keys))


def _dimension_means(block: np.ndarray, minimum: int, out: np.ndarray) -> None:
    answered = ~np.isnan(block)
    count = answered.sum(axis=1)
    total = np.where(answered, block, 0.0).sum(axis=1, dtype=np.float64)
    np.divide(total, count, out=out, where=count >= minimum)


def dimension_scores_from_items(item_matrix: np.ndarray, spec: QuestionnaireSpec) -> np.ndarray:
    """Respondent dimension scores from an `item_score_matrix`: the mean of the answered item
    scores of the dimension, NaN unless at least ceil(m / 2) of its m items are answered.
    float64, column-major, shape (respondents, dimensions)."""
    out = np.full((item_matrix.shape[0], len(spec.dimensions)), np.nan, order="F")
    start = 0
    for d, dimension in enumerate(spec.dimensions):
        stop = start + len(dimension.items)
        block = np.asarray(item_matrix[:, start:stop], dtype=np.float64)
        _dimension_means(block, dimension.min_answered, out[:, d])
        start = stop
    return out


def dimension_scores_from_answers(answers: np.ndarray, spec: QuestionnaireSpec) -> np.ndarray:
    """Respondent dimension scores straight from answer codes: `answer_matrix` (float codes, NaN
    missing) or the packed uint8 codes (0 = no answer, 255 = "don't know"), columns in `spec.item_keys`
    order. The same numbers as `dimension_scores_from_items(item_score_matrix(...))`, computed one
    dimension at a time in float64 (peak extra memory: one dimension's item scores).
    float64, column-major, shape (respondents, dimensions)."""
    lookup = score_lookup(spec)
    out = np.full((answers.shape[0], len(spec.dimensions)), np.nan, order="F")
    start = 0
    for d, dimension in enumerate(spec.dimensions):
        stop = start + len(dimension.items)
        block = _codes_to_scores(answers[:, start:stop], lookup[start:stop])
        _dimension_means(block, dimension.min_answered, out[:, d])
        start = stop
    return out


def respondent_dimension_scores(frame: pd.DataFrame, spec: QuestionnaireSpec) -> pd.DataFrame:
    """Each respondent's 0-100 score per dimension (columns in questionnaire order), NaN where
    fewer than half of the dimension's items (rounded up) were answered. Index = frame's index.

    Compute this once per round and reuse it for every breakdown (`dimension_index`)."""
    scores = dimension_scores_from_answers(answer_matrix(frame, spec), spec)
    return pd.DataFrame(scores, index=frame.index, columns=list(spec.dimension_keys))
