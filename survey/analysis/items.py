"""Item results: n, mean 0-100 score, answer distribution and share positive per group."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis.groups import GroupsLike
from survey.analysis.indices import aligned_codes
from survey.analysis.scores import answer_matrix, option_scores
from survey.analysis.spec import QuestionnaireSpec


def item_results(frame: pd.DataFrame, spec: QuestionnaireSpec, groups: GroupsLike = None, *,
                 answers: np.ndarray | None = None) -> pd.DataFrame:
    """One row per group and item, over the respondents who answered the item ("don't know" and
    no answer are excluded from n and from every share).

    Columns: the group label columns, `item`, `dimension`, `n`, `mean` (mean 0-100 item score,
    reverse items flipped), `share_1` .. `share_k`, `share_positive`.

    - `share_j` is the share (0..1) of answer option j *as presented*: the raw code before any
      reverse flip, so the distribution reads like the questionnaire's scale labels.
    - `share_positive` is the share of the two most positive points *after* the reverse flip:
      raw codes k - 1 and k for an ordinary item, raw codes 1 and 2 for a reverse-worded one.
      (On a 2-point scale that is every answer.)

    Shares and mean are NaN when n = 0. Pass `answers=answer_matrix(frame, spec)` to read the
    answers once for several breakdowns.
    """
    if answers is None:
        answers = answer_matrix(frame, spec)
    codes = aligned_codes(groups, frame.index)
    k, items, count = spec.points, spec.item_keys, codes.count
    counts = np.empty((count, len(items), k), dtype=np.int64)
    for j in range(len(items)):
        column = answers[:, j]
        valid = (codes.codes >= 0) & ~np.isnan(column)
        cell = codes.codes[valid] * k + (column[valid].astype(np.int64) - 1)
        counts[:, j, :] = np.bincount(cell, minlength=count * k).reshape(count, k)

    reverse = np.array([item in spec.reverse for item in items])
    option_score = option_scores(k)  # raw code j -> (j - 1) / (k - 1) * 100, as for dimension scores
    option_score = np.where(reverse[:, None], option_score[::-1], option_score)  # (items, k)
    positive = np.zeros((len(items), k), dtype=bool)
    positive[:, -2:] = ~reverse[:, None]
    positive[:, :2] |= reverse[:, None]

    n = counts.sum(axis=2)
    denominator = np.where(n > 0, n, 1)
    empty = n == 0
    mean = np.where(empty, np.nan, (counts * option_score).sum(axis=2) / denominator)
    shares = np.where(empty[..., None], np.nan, counts / denominator[..., None])
    share_positive = np.where(empty, np.nan, (counts * positive).sum(axis=2) / denominator)

    width = len(items)
    result = codes.labels.iloc[np.repeat(np.arange(count), width)].reset_index(drop=True)
    result["item"] = pd.Series(np.tile(np.asarray(items, dtype=object), count), dtype="str")
    dimension_of = [spec.dimension_of(item) for item in items]
    result["dimension"] = pd.Series(np.tile(np.asarray(dimension_of, dtype=object), count),
                                    dtype="str")
    result["n"] = n.ravel()
    result["mean"] = mean.ravel()
    for option in range(k):
        result[f"share_{option + 1}"] = shares[:, :, option].ravel()
    result["share_positive"] = share_positive.ravel()
    return result
