"""Item results of the background questions (choice and numeric) for the network and every school, protected
like every other cell (METHOD.md, Scores: Item results; Anonymity).

Each question type computes its own results from its packed bytes (`Question.item_results`, one section of
survey/questions/<type>.py); this module only asks each question of the round and protects the cells:

- a question cell (the network's or a school's question, n = respondents who answered it) with n < k_min is
  suppressed, and the schools are a split of the network (complementary across schools), as for rating items;
- an option's share is a cell of its own, n = the respondents who chose it: suppressed when that count is
  below k_min (or, for a multiple choice, when fewer than k_min answered without choosing it), when its
  question cell is suppressed, when the same group is suppressed in the school's breakdown by that question
  (a single choice is a breakdown of the aggregates: the two tables hide the same groups), complementary
  within a single choice's options (they add up to the question's n) and across schools (the network's
  option count minus the published schools' counts).

Counts are never published: a published share times the published n gives them, a suppressed one shows "–".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis import suppress_small_groups
from survey.analysis.groups import GroupCodes

NETWORK = "NETWORK"
QUESTION_COLUMNS = ("school", "question", "type", "option", "n", "share", "mean", "median", "q1", "q3",
                    "suppressed")
_SEP = "\x1f"


def empty_questions() -> pd.DataFrame:
    """The question results table without rows (a round without background questions, or results frozen
    before they were kept)."""
    columns = {column: pd.Series([], dtype="str") for column in ("school", "question", "type", "option")}
    columns["n"] = pd.Series([], dtype=np.int64)
    columns.update({column: pd.Series([], dtype=np.float64) for column in ("share", "mean", "median", "q1", "q3")})
    columns["suppressed"] = pd.Series([], dtype=bool)
    return pd.DataFrame(columns)


def question_results(data, by_school: GroupCodes, k_min: int, schools, aggregates: pd.DataFrame) -> pd.DataFrame:
    """Every background question's results (`QUESTION_COLUMNS`, then `count`: how many chose the option, or
    answered a numeric question; exact, for `question_contributions` only, never published), NETWORK first, then schools by code; rows in
    questionnaire order, options in their order. `aggregates`: the round's aggregates (breakdown suppression
    to follow)."""
    if data.background is None:
        return empty_questions()
    frames = []
    for slot in data.slots:
        question = slot.question
        packed = slot.packed(data.background)
        network = question.item_results(packed)
        if network is None:
            continue
        per_school = question.item_results(packed, by_school)
        if "option" in network.columns:
            frames.append(_choice(question, network, per_school, k_min, schools, aggregates))
        else:
            frames.append(_numbers(question, network, per_school, k_min, schools))
    if not frames:
        return empty_questions()
    table = pd.concat(frames, ignore_index=True)
    order = table.assign(_net=(table["school"] != NETWORK), _row=np.arange(len(table))).sort_values(
        ["_net", "school", "_row"], kind="stable").index
    table = table.iloc[order].reset_index(drop=True)
    for column in ("share", "mean", "median", "q1", "q3"):
        table.loc[table["suppressed"].to_numpy(dtype=bool), column] = np.nan
    return table[[*QUESTION_COLUMNS, "count"]]


def _question_cells(network_n: int, school_n: pd.Series, question: str, k_min: int, schools):
    """The question's cells: the network's, and each school's as a split of it (schools without an answer
    count with n = 0)."""
    net = suppress_small_groups(pd.DataFrame({"item": [question], "n": [int(network_n)]}), k_min)
    codes = sorted(set(schools) | set(school_n.index.astype(str)))
    cells = pd.DataFrame({"school": pd.Series(codes, dtype="str"), "item": question,
                          "n": school_n.reindex(codes, fill_value=0).to_numpy(dtype=np.int64)})
    return net, suppress_small_groups(cells, k_min, parent_cells=net)


def _numbers(question, network, per_school, k_min, schools) -> pd.DataFrame:
    school_n = per_school.set_index(per_school["school"].astype(str))["n"]
    net, cells = _question_cells(int(network["n"].iloc[0]), school_n, question.key, k_min, schools)
    stats = per_school.set_index(per_school["school"].astype(str))
    rows = pd.DataFrame({"school": [NETWORK, *cells["school"]]})
    rows["question"], rows["type"], rows["option"] = question.key, question.type, ""
    rows["n"] = [int(network["n"].iloc[0]), *cells["n"].astype(int)]
    for column in ("mean", "median", "q1", "q3"):
        rows[column] = [float(network[column].iloc[0]),
                        *stats[column].reindex(cells["school"]).to_numpy(dtype=np.float64)]
    rows["share"] = np.nan
    rows["count"] = rows["n"]
    rows["suppressed"] = [bool(net["suppressed"].iloc[0]), *cells["suppressed"].to_numpy(dtype=bool)]
    return rows


def _choice(question, network, per_school, k_min, schools, aggregates) -> pd.DataFrame:
    key, options = question.key, [option.key for option in question.options]
    multiple = question.type == "multiple"
    by_school = per_school.assign(school=per_school["school"].astype(str))
    school_n = by_school.drop_duplicates("school").set_index("school")["n"]
    net_n = int(network["n"].iloc[0])
    net, cells = _question_cells(net_n, school_n, key, k_min, schools)
    codes = list(cells["school"])
    count = by_school.pivot_table(index="school", columns="option", values="count", aggfunc="sum",
                                  observed=False).reindex(index=codes, columns=options, fill_value=0).fillna(0)
    net_count = network.set_index("option")["count"].reindex(options, fill_value=0).to_numpy(dtype=np.int64)
    n_school = cells["n"].to_numpy(dtype=np.int64)

    net_hidden = np.full(len(options), bool(net["suppressed"].iloc[0])) | _small(net_count, net_n, k_min, multiple)
    hidden = (cells["suppressed"].to_numpy(dtype=bool)[:, None]
              | _small(count.to_numpy(dtype=np.int64), n_school[:, None], k_min, multiple)
              | _breakdown_hidden(aggregates, key, codes, options))
    counts = count.to_numpy(dtype=np.int64)
    if not multiple:  # the options add up to the question's n: hidden ones must hold k_min between them
        net_hidden = _within(net_count[None, :], net_hidden[None, :], k_min)[0]
    for _ in range(len(options) * 2 + 2):  # each pass hides more, or stops
        before = hidden.copy()
        if not multiple:
            hidden = _within(counts, hidden, k_min)
        hidden = _across(counts, hidden, net_count, net_hidden, k_min, codes, options)
        if (hidden == before).all():
            break

    share_net = np.where(net_n > 0, net_count / max(net_n, 1), np.nan)
    share = np.where(n_school[:, None] > 0, counts / np.maximum(n_school, 1)[:, None], np.nan)
    width = len(options)
    return pd.DataFrame({
        "school": [NETWORK] * width + list(np.repeat(codes, width)),
        "question": key, "type": question.type,
        "option": options * (len(codes) + 1),
        "n": np.concatenate([np.full(width, net_n), np.repeat(n_school, width)]),
        "share": np.concatenate([share_net, share.ravel()]),
        "mean": np.nan, "median": np.nan, "q1": np.nan, "q3": np.nan,
        "suppressed": np.concatenate([net_hidden, hidden.ravel()]),
        "count": np.concatenate([net_count, counts.ravel()]),
    })


def _small(count: np.ndarray, n, k_min: int, multiple: bool) -> np.ndarray:
    """Primary suppression of option cells: fewer than k_min chose it (for a multiple choice also: fewer than
    k_min, but some, answered without choosing it)."""
    small = count < k_min
    if multiple:
        rest = n - count
        small |= (rest > 0) & (rest < k_min)
    return small


def _breakdown_hidden(aggregates: pd.DataFrame, key: str, codes: list[str], options: list[str]) -> np.ndarray:
    """(schools, options): the school's group of that option is suppressed in its breakdown by `key`."""
    rows = aggregates[(aggregates["breakdown"] == key).to_numpy()]
    hidden = np.zeros((len(codes), len(options)), dtype=bool)
    if rows.empty:
        return hidden
    suppressed = rows[rows["suppressed"].astype(bool).to_numpy()]
    where = {(school, group) for school, group in zip(suppressed["school"].astype(str), suppressed["group"].astype(str))}
    for i, school in enumerate(codes):
        for j, option in enumerate(options):
            hidden[i, j] = (school, option) in where
    return hidden


def _within(counts: np.ndarray, hidden: np.ndarray, k_min: int) -> np.ndarray:
    """Per row (a split of the question's n into its options): while the hidden options hold 0 < n < k_min,
    or a single one is hidden, hide the smallest published option too."""
    hidden = hidden.copy()
    for row in range(counts.shape[0]):
        while True:
            held = counts[row, hidden[row]].sum()
            published = np.flatnonzero(~hidden[row])
            lone = hidden[row].sum() == 1 and counts[row, hidden[row]].sum() > 0
            if not len(published) or not ((0 < held < k_min) or lone):
                break
            smallest = published[np.argmin(counts[row, published])]  # the first of equal ones
            hidden[row, smallest] = True
    return hidden


def _across(counts, hidden, net_count, net_hidden, k_min, codes, options) -> np.ndarray:
    """Per option, the schools are a split of the network's option cell (complementary across schools)."""
    cells = pd.DataFrame({
        "school": pd.Series(np.repeat(codes, len(options)), dtype="str"),
        "item": pd.Series(np.tile(np.asarray(options, dtype=object), len(codes)), dtype="str"),
        "n": counts.ravel(), "suppressed": hidden.ravel(),
    })
    parent = pd.DataFrame({"item": pd.Series(options, dtype="str"), "n": net_count, "suppressed": net_hidden})
    protected = suppress_small_groups(cells, k_min, parent_cells=parent)
    return protected["suppressed"].to_numpy(dtype=bool).reshape(hidden.shape)


def question_contributions(questions: pd.DataFrame) -> pd.DataFrame:
    """Each school's exact part of every network question cell (n answered, `cell` = the question key) and
    option cell (n chose it, `cell` = question and option joined by \\x1f): what school-level confidentiality
    checks the network's question rows against. Never published."""
    rows = questions[(questions["school"] != NETWORK).to_numpy()]
    n = pd.to_numeric(rows["n"]).fillna(0).to_numpy(dtype=np.float64)
    counts = rows["count"].to_numpy(dtype=np.float64)
    first = ~rows.duplicated(["school", "question"]).to_numpy()
    options = (rows["option"] != "").to_numpy()
    return pd.DataFrame({
        "table": "questions",
        "school": np.concatenate([rows["school"].to_numpy()[first], rows["school"].to_numpy()[options]]),
        "breakdown": "all", "group": "all",
        "cell": np.concatenate([rows["question"].to_numpy()[first],
                                (rows["question"] + _SEP + rows["option"]).to_numpy()[options]]),
        "n": np.concatenate([n[first], counts[options]]).astype(np.int64),
    })
