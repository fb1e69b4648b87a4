"""Item results (METHOD.md, Scores: Item results) per group.

Rating items: n, mean 0-100 score, the share of each answer option, share positive, and the share of each
non-substantive option over all who saw the item. Choice questions: the share of each option (multiple
choice: of respondents choosing it). Numeric questions: n, mean, median and quartiles.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis.groups import GroupsLike
from survey.analysis.indices import aligned_codes
from survey.analysis.scores import NON_SUBSTANTIVE_BASE, NOT_ASKED, _packed, answer_codes, option_scores
from survey.analysis.spec import QuestionnaireSpec


def share_columns(spec: QuestionnaireSpec) -> list[str]:
    """The share columns of `item_results`: share_1 .. share_<max k>, share_positive, then one
    `share_<key>` per non-substantive option of any item's scale."""
    return ([f"share_{j}" for j in range(1, spec.max_points + 1)] + ["share_positive"]
            + [non_substantive_column(key) for key in spec.non_substantive_keys])


def non_substantive_column(key: str) -> str:
    """The item results' column of a non-substantive option: `share_ns_<key>` (never a point's share)."""
    return f"share_ns_{key}"


class _Cells:
    """Where each respondent's code is counted: group * 256 + code, with the group part computed once for
    every item (rows without a group left out; one group of everyone: the codes themselves)."""

    def __init__(self, group: np.ndarray, count: int) -> None:
        self.count = count
        self.valid = None if (group >= 0).all() else group >= 0
        kept = group if self.valid is None else group[self.valid]
        self.offset = None if count == 1 else kept.astype(np.intp) * 256

    def counts(self, codes: np.ndarray) -> np.ndarray:
        """(groups, 256) counts of each packed code per group."""
        column = codes if self.valid is None else codes[self.valid]
        if self.offset is None:
            return np.bincount(column, minlength=256).reshape(1, 256)
        return np.bincount(self.offset + column, minlength=self.count * 256).reshape(self.count, 256)


def item_results(frame: pd.DataFrame, spec: QuestionnaireSpec, groups: GroupsLike = None, *,
                 answers: np.ndarray | None = None) -> pd.DataFrame:
    """One row per group and rating item (`spec.reported_items`: loose items have dimension "").

    Columns: the group label columns, `item`, `dimension`, `n` (substantive answers), `mean` (mean 0-100
    item score with the item's own k, reverse items flipped), `share_1` .. `share_<max k>`,
    `share_positive`, and `share_ns_<key>` per non-substantive option (`share_columns`).

    - `share_j` is the share (0..1), among substantive answers, of answer option j *as presented*: the raw
      code before any reverse flip, so the distribution reads like the scale's labels; NaN for j > the
      item's k.
    - `share_positive` is the share of the two most positive points *after* the reverse flip (raw codes
      k - 1 and k for an ordinary item, 1 and 2 for a reverse-worded one; on 2 points every answer).
    - `share_ns_<key>` is the share of that non-substantive option over all who saw the item (every
      respondent of the group not routed past it, answered or not); NaN when the item's scale lacks it.

    Shares and mean are NaN when their denominator is 0. `answers`: the packed codes (`answer_codes`,
    read once for several breakdowns); float codes (`answer_matrix`) give no non-substantive shares.
    """
    codes_matrix = answer_codes(frame, spec) if answers is None else _packed(answers)
    groups_codes = aligned_codes(groups, frame.index)
    items, count = spec.reported_items[:codes_matrix.shape[1]], groups_codes.count
    width, top = len(items), spec.max_points
    ns_keys = spec.non_substantive_keys
    n = np.zeros((count, width), dtype=np.int64)
    mean = np.full((count, width), np.nan)
    shares = np.full((count, width, top), np.nan)
    positive_share = np.full((count, width), np.nan)
    ns_shares = np.full((count, width, len(ns_keys)), np.nan)
    cells = _Cells(groups_codes.codes, count)
    for j, item in enumerate(items):
        k = spec.points_of(item)
        counts = cells.counts(codes_matrix[:, j]) if count else np.zeros((0, 256), dtype=np.int64)
        substantive = counts[:, 1:k + 1]
        n[:, j] = substantive.sum(axis=1)
        scores = option_scores(k)
        positive = np.zeros(k, dtype=bool)
        if item in spec.reverse:
            scores, positive[:2] = scores[::-1], True
        else:
            positive[-2:] = True
        answered = n[:, j] > 0
        denominator = np.where(answered, n[:, j], 1)
        mean[:, j] = np.where(answered, substantive @ scores / denominator, np.nan)
        shares[:, j, :k] = np.where(answered[:, None], substantive / denominator[:, None], np.nan)
        positive_share[:, j] = np.where(answered, substantive[:, positive].sum(axis=1) / denominator, np.nan)
        seen = counts.sum(axis=1) - counts[:, NOT_ASKED]
        for position, key in enumerate(spec.scale_of(item).non_substantive_keys):
            chosen = counts[:, NON_SUBSTANTIVE_BASE - position]
            ns_shares[:, j, ns_keys.index(key)] = np.where(seen > 0, chosen / np.maximum(seen, 1), np.nan)

    result = groups_codes.labels.iloc[np.repeat(np.arange(count), width)].reset_index(drop=True)
    result["item"] = pd.Series(np.tile(np.asarray(items, dtype=object), count), dtype="str")
    dimension_of = [spec.dimension_of(item) for item in items]
    result["dimension"] = pd.Series(np.tile(np.asarray(dimension_of, dtype=object), count), dtype="str")
    result["n"] = n.ravel()
    result["mean"] = mean.ravel()
    for option in range(top):
        result[f"share_{option + 1}"] = shares[:, :, option].ravel()
    result["share_positive"] = positive_share.ravel()
    for position, key in enumerate(ns_keys):
        result[non_substantive_column(key)] = ns_shares[:, :, position].ravel()
    return result


OPTION_RESULT_COLUMNS = ("question", "option", "n", "count", "share")
NUMBER_RESULT_COLUMNS = ("question", "n", "mean", "median", "q1", "q3")


def choice_results(question: str, chosen: np.ndarray, answered: np.ndarray, options: list[str],
                   groups: GroupsLike = None, *, index: pd.Index | None = None) -> pd.DataFrame:
    """The share of each option of a choice question per group: one row per group and option.

    `chosen`: bool (respondents, options), whether the respondent chose the option (single choice: exactly
    one per answering respondent); `answered`: bool (respondents,), whether they answered the question (not
    routed past, not left blank). Columns: the group label columns, `question`, `option`, `n` (respondents who
    answered), `count` (who chose the option; never published, what suppression works on) and `share`
    = count / n (multiple choice: the share of respondents choosing it; NaN when n = 0)."""
    index = pd.RangeIndex(len(answered)) if index is None else index
    codes = aligned_codes(groups, index)
    valid = (codes.codes >= 0) & answered
    group = codes.codes[valid]
    n = np.bincount(group, minlength=codes.count)
    chosen = chosen[valid]
    counts = np.zeros((codes.count, len(options)), dtype=np.int64)
    for o in range(len(options)):
        counts[:, o] = np.bincount(group[chosen[:, o]], minlength=codes.count)
    width = len(options)
    result = codes.labels.iloc[np.repeat(np.arange(codes.count), width)].reset_index(drop=True)
    result["question"] = question
    result["option"] = pd.Series(np.tile(np.asarray(options, dtype=object), codes.count), dtype="str")
    result["n"] = np.repeat(n, width)
    result["count"] = counts.ravel()
    result["share"] = np.where(result["n"] > 0, result["count"] / np.maximum(result["n"], 1), np.nan)
    result["question"] = result["question"].astype("str")
    return result


def single_choice_results(question: str, codes: np.ndarray, options: list[str], groups: GroupsLike = None, *,
                          index: pd.Index | None = None) -> pd.DataFrame:
    """`choice_results` of a single choice from its packed codes (i = the i-th option, 1-based; anything else:
    not answered or not asked), counted in one pass."""
    index = pd.RangeIndex(len(codes)) if index is None else index
    group_codes_ = aligned_codes(groups, index)
    width = len(options) + 1
    answered = (codes >= 1) & (codes <= len(options)) & (group_codes_.codes >= 0)
    cell = group_codes_.codes[answered].astype(np.intp) * width + codes[answered]
    counts = np.bincount(cell, minlength=group_codes_.count * width).reshape(group_codes_.count, width)[:, 1:]
    n = counts.sum(axis=1)
    result = group_codes_.labels.iloc[np.repeat(np.arange(group_codes_.count), len(options))].reset_index(drop=True)
    result["question"] = pd.Series([question] * len(result), dtype="str")
    result["option"] = pd.Series(np.tile(np.asarray(options, dtype=object), group_codes_.count), dtype="str")
    result["n"] = np.repeat(n, len(options))
    result["count"] = counts.ravel().astype(np.int64)
    result["share"] = np.where(result["n"] > 0, result["count"] / np.maximum(result["n"], 1), np.nan)
    return result


def number_results(question: str, values: np.ndarray, groups: GroupsLike = None, *,
                   index: pd.Index | None = None) -> pd.DataFrame:
    """n, mean, median and quartiles (linear interpolation) of a numeric question's answers per group; NaN
    in `values` = not answered or not asked. Columns: the group label columns, `NUMBER_RESULT_COLUMNS`."""
    index = pd.RangeIndex(len(values)) if index is None else index
    codes = aligned_codes(groups, index)
    valid = (codes.codes >= 0) & ~np.isnan(values)
    group, answered = codes.codes[valid], values[valid]
    order = np.lexsort((answered, group))
    group, answered = group[order], answered[order]
    n = np.bincount(group, minlength=codes.count)
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    stats = np.full((codes.count, 4), np.nan)
    for g in np.flatnonzero(n):
        block = answered[starts[g]:starts[g] + n[g]]
        stats[g] = [block.mean(), *np.quantile(block, [0.5, 0.25, 0.75])]
    result = codes.labels.reset_index(drop=True)
    result["question"] = pd.Series([question] * codes.count, dtype="str")
    result["n"] = n
    for position, column in enumerate(("mean", "median", "q1", "q3")):
        result[column] = stats[:, position]
    return result
