"""Answers -> 0-100 item scores -> respondent dimension scores (METHOD.md, Scores).

Answers travel as packed codes, one uint8 per item (`answer_codes`, the layout of `Response.answers`):
0 = no answer, 1..k = the answer as given (before any reverse flip), 240 = not asked (the respondent was routed
past the item), 255 - j = the j-th non-substantive option of the item's scale (255 = the first, "don't know").
Only 1..k is a score; not asked is also left out of the items a respondent's dimension score needs half of.

Every score is float64, computed one dimension at a time (`dimension_scores_from_answers`): the whole
item-score matrix of a round never has to exist in float64. All paths give code j of a k-point item the same
double, `option_scores(k)[j - 1]`, so equal answers give equal indices, and indices that are equal in exact
arithmetic tie in the ranking.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from survey.analysis.spec import QuestionnaireSpec

NO_ANSWER = 0
NOT_ASKED = 240
NON_SUBSTANTIVE_BASE = 255


def option_scores(points: int) -> np.ndarray:
    """The 0-100 score of answer code j = 1..k at position j - 1: (j - 1) * 100 / (k - 1), float64 (the
    double nearest the exact value: (j - 1) * 100 is exact, one correctly rounded division)."""
    return np.arange(points, dtype=np.float64) * 100.0 / (points - 1)


def score_lookup(spec: QuestionnaireSpec, items=None) -> np.ndarray:
    """(items, 256) float64 table: row j maps a packed code 0..255 of item j (`spec.reported_items` order,
    or `items`) to its 0-100 score with the item's own k, reverse-worded items flipped; every code outside 1..k
    (no answer, not asked, non-substantive) maps to NaN."""
    items = spec.reported_items if items is None else items
    table = np.full((len(items), 256), np.nan)
    for j, item in enumerate(items):
        k = spec.points_of(item)
        scores = option_scores(k)
        table[j, 1:k + 1] = scores[::-1] if item in spec.reverse else scores
    return table


def _valid_codes(spec: QuestionnaireSpec, item: str) -> np.ndarray:
    """(256,) bool: which packed codes item `item` may hold."""
    valid = np.zeros(256, dtype=bool)
    valid[:spec.points_of(item) + 1] = True
    valid[NOT_ASKED] = True
    for j in range(len(spec.scale_of(item).non_substantive)):
        valid[NON_SUBSTANTIVE_BASE - j] = True
    return valid


def check_codes(codes: np.ndarray, spec: QuestionnaireSpec) -> None:
    """Raise ValueError naming the first response and item whose packed code the item's scale does not have
    (columns: `spec.reported_items`, or the first ones of them)."""
    for j, item in enumerate(spec.reported_items[:codes.shape[1]]):
        valid = _valid_codes(spec, item)
        if valid[np.bincount(codes[:, j], minlength=256) > 0].all():  # one pass over the column
            continue
        bad = ~valid[codes[:, j]]
        if bad.any():
            row = int(np.argmax(bad))
            raise ValueError(f"response {row}: item {item!r} holds code {codes[row, j]}, which its "
                             f"{spec.points_of(item)}-point scale does not have")


def answer_codes(frame: pd.DataFrame, spec: QuestionnaireSpec) -> np.ndarray:
    """The packed codes (see the module) of the frame's item columns, uint8, column-major, shape
    (respondents, items) in `spec.reported_items` order. A column holds 1..k, NaN for no answer, and may hold
    240 (not asked) and 255 - j (the j-th non-substantive option).

    Raises ValueError when a code is not one the item's scale has."""
    keys = spec.item_keys + tuple(key for key in spec.loose_items if key in frame.columns)
    missing = [key for key in keys if key not in frame.columns]
    if missing:
        raise KeyError(f"responses lack item columns: {missing}")
    codes = np.empty((len(frame), len(keys)), dtype=np.uint8, order="F")
    for j, key in enumerate(keys):
        column = frame[key].to_numpy(dtype=np.float64, na_value=np.nan)
        given = column[~np.isnan(column)]
        # in a frame, NaN is no answer: a 0 is a mistake (a scale coded from 0), not "no answer"
        if len(given) and (np.any(np.floor(given) != given) or given.min() < 1 or given.max() > 255
                           or not _valid_codes(spec, key)[given.astype(np.intp)].all()):
            raise ValueError(f"item {key!r}: answer codes must be whole numbers 1..{spec.points_of(key)} "
                             f"(or {NOT_ASKED} not asked, or a non-substantive option's code)")
        codes[:, j] = np.nan_to_num(column, nan=0.0).astype(np.uint8)
    return codes


def answer_matrix(frame: pd.DataFrame, spec: QuestionnaireSpec) -> np.ndarray:
    """The substantive answer codes as given (1..k; NaN for no answer, not asked and non-substantive), one
    column per item in `spec.item_keys` order: float32, column-major, shape (respondents, items)."""
    return substantive_codes(answer_codes(frame, spec), spec)


def substantive_codes(codes: np.ndarray, spec: QuestionnaireSpec) -> np.ndarray:
    """Packed codes -> float32 1..k, NaN for every other code (column-major)."""
    out = np.empty(codes.shape, dtype=np.float32, order="F")
    for j, item in enumerate(spec.reported_items[:codes.shape[1]]):
        table = np.full(256, np.nan, dtype=np.float32)
        k = spec.points_of(item)
        table[1:k + 1] = np.arange(1, k + 1, dtype=np.float32)
        np.take(table, codes[:, j], out=out[:, j])
    return out


def _packed(answers: np.ndarray) -> np.ndarray:
    """Packed uint8 codes from either form: uint8 as is, float codes with NaN for missing."""
    if answers.dtype == np.uint8:
        return answers
    return np.asfortranarray(np.nan_to_num(np.asarray(answers, dtype=np.float64), nan=0.0).astype(np.uint8))


def _codes_to_scores(codes: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """float64 scores of a block of packed codes (columns = items, `lookup` one row per column)."""
    out = np.empty(codes.shape, dtype=np.float64, order="F")
    for j in range(codes.shape[1]):
        np.take(lookup[j], codes[:, j], out=out[:, j])
    return out


def item_score_matrix(frame: pd.DataFrame, spec: QuestionnaireSpec) -> np.ndarray:
    """0-100 item scores, reverse items flipped: (x' - 1) / (k - 1) * 100 with the item's own k and
    x' = k + 1 - x for reverse-worded items, else x' = x; NaN where there is no substantive answer. float64,
    column-major, shape (respondents, items). For a round's dimension scores prefer
    `dimension_scores_from_answers`, which never holds every item score at once."""
    codes = answer_codes(frame, spec)
    return _codes_to_scores(codes, score_lookup(spec)[:codes.shape[1]])


def item_scores(frame: pd.DataFrame, spec: QuestionnaireSpec) -> pd.DataFrame:
    """0-100 item scores (reverse items flipped), one column per item key, NaN where unanswered."""
    matrix = item_score_matrix(frame, spec)
    return pd.DataFrame(matrix, index=frame.index, columns=list(spec.reported_items[:matrix.shape[1]]))


def _dimension_means(block: np.ndarray, asked: np.ndarray | int, out: np.ndarray) -> None:
    """Mean of the answered scores of each row, where at least half (rounded up, at least one) of the
    `asked` items are answered."""
    answered = ~np.isnan(block)
    count = answered.sum(axis=1)
    total = np.where(answered, block, 0.0).sum(axis=1, dtype=np.float64)
    minimum = np.maximum((np.asarray(asked) + 1) // 2, 1)  # ceil(asked / 2)
    np.divide(total, count, out=out, where=count >= minimum)


def dimension_scores_from_items(item_matrix: np.ndarray, spec: QuestionnaireSpec,
                                not_asked: np.ndarray | None = None) -> np.ndarray:
    """Respondent dimension scores from an `item_score_matrix`: the mean of the answered item scores of
    the dimension, NaN unless at least half (rounded up) of the dimension's items the respondent was asked
    are answered (`not_asked`: bool matrix of the items routed past; default none).
    float64, column-major, shape (respondents, dimensions)."""
    out = np.full((item_matrix.shape[0], len(spec.dimensions)), np.nan, order="F")
    start = 0
    for d, dimension in enumerate(spec.dimensions):
        stop = start + len(dimension.items)
        block = np.asarray(item_matrix[:, start:stop], dtype=np.float64)
        m = stop - start
        asked = m if not_asked is None else m - not_asked[:, start:stop].sum(axis=1)
        _dimension_means(block, asked, out[:, d])
        start = stop
    return out


def dimension_scores_from_answers(answers: np.ndarray, spec: QuestionnaireSpec) -> np.ndarray:
    """Respondent dimension scores straight from answer codes: packed uint8 (`answer_codes`, which tell
    "not asked" apart) or float codes with NaN for missing (`answer_matrix`), columns in `spec.item_keys`
    order. The mean of the respondent's 0-100 item scores over the dimension's items answered, defined
    when they answered at least half (rounded up) of the dimension's items they were asked (METHOD.md,
    Scores). Computed one dimension at a time in float64 (peak extra memory: one dimension's item scores).
    float64, column-major, shape (respondents, dimensions)."""
    codes = _packed(answers)
    lookup = score_lookup(spec)
    out = np.full((codes.shape[0], len(spec.dimensions)), np.nan, order="F")
    start = 0
    for d, dimension in enumerate(spec.dimensions):
        stop = start + len(dimension.items)
        block = codes[:, start:stop]
        routed = block == NOT_ASKED
        asked = (stop - start) - routed.sum(axis=1) if routed.any() else stop - start
        _dimension_means(_codes_to_scores(block, lookup[start:stop]), asked, out[:, d])
        start = stop
    return out


def respondent_dimension_scores(frame: pd.DataFrame, spec: QuestionnaireSpec) -> pd.DataFrame:
    """Each respondent's 0-100 score per dimension (columns in questionnaire order), NaN where fewer
    than half of the dimension's items they were asked (rounded up) were answered. Index = frame's index.

    Compute this once per round and reuse it for every breakdown (`dimension_index`)."""
    scores = dimension_scores_from_answers(answer_codes(frame, spec), spec)
    return pd.DataFrame(scores, index=frame.index, columns=list(spec.dimension_keys))


def min_answered(items: int) -> int:
    """Half of `items`, rounded up: what a respondent must answer of the items they were asked."""
    return math.ceil(items / 2)
