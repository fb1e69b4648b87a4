"""What a school's staff see of the network's rows: school-level confidentiality (METHOD.md, Anonymity).

A network-level cell is shown to a school's staff only when it pools at least 3 schools and at least k_min
respondents outside that school (`survey.analysis.NetworkCells`, with the complementary rule within each
split); otherwise it is shown like any suppressed cell: `suppressed` true, no n, no statistic, `n_shown` "–".
What repeats a withheld network cell on the school's own rows goes with it: `network_mean`, `median` and
`top_quartile` of that dimension (a median of two schools is their mean), and the school's `gap` to it with
its interval (gap = own index - network index) and whether that interval straddles 0 (`uncertain`). Item cells follow their dimension:
the network's items of a withheld dimension cell are withheld, and a single withheld item of a shown
dimension takes the smallest other item with it (with complete answers the dimension index is the mean of its
items' means).

Admins see the network rows as computed (`RoundResults.for_school(code, staff=False)`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_float_dtype

from survey.analysis import HIDDEN, SUPPRESSED, NetworkCells

NETWORK = "NETWORK"
ALL = "all"
_REPEATED = ("network_mean", "median", "top_quartile", "gap", "gap_low", "gap_high")


def staff_view(aggregates: pd.DataFrame, items: pd.DataFrame, contributions: pd.DataFrame | None,
               school: str, k_min: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The school's slice of the results (its rows and the NETWORK rows) as its staff may see it.
    `contributions`: the schools' exact parts of the network cells (`survey.results.compute`); None for
    results frozen without them: then no network cell can be checked, and none is shown."""
    aggregates, items = aggregates.copy(), items.copy()
    network = (aggregates["school"] == NETWORK).to_numpy()
    network_items = (items["school"] == NETWORK).to_numpy()
    if contributions is None:
        withheld = network & ~aggregates["suppressed"].astype(bool).to_numpy()
        withheld_items = network_items & ~items["suppressed"].astype(bool).to_numpy()
    else:
        withheld = _withheld_cells(aggregates, network, contributions, "aggregates", "dimension", school, k_min)
        withheld_items = _withheld_cells(items, network_items, contributions, "items", "item", school, k_min)
    _withhold(aggregates, withheld)

    hidden_dimensions = set(aggregates.loc[network & (aggregates["breakdown"] == ALL).to_numpy()
                                           & aggregates["suppressed"].astype(bool).to_numpy(), "dimension"])
    withheld_items |= network_items & items["dimension"].isin(hidden_dimensions).to_numpy() \
        & ~items["suppressed"].astype(bool).to_numpy()
    withheld_items |= _lone_items(items, network_items, withheld_items)
    _withhold(items, withheld_items)

    if withheld.any():
        own_dimension = aggregates["dimension"].isin(hidden_dimensions).to_numpy()
        for column in _REPEATED:
            if column in aggregates.columns:
                aggregates.loc[own_dimension, column] = np.nan
        if "uncertain" in aggregates.columns:  # it says whether the gap's interval straddles 0
            aggregates["uncertain"] = aggregates["uncertain"].astype("boolean").mask(own_dimension)
    return aggregates, items


def _withheld_cells(table: pd.DataFrame, rows: np.ndarray, contributions: pd.DataFrame, name: str, key: str,
                    school: str, k_min: int) -> np.ndarray:
    parts = contributions[contributions["table"] == name].rename(columns={"cell": key})
    labels = ["breakdown", "group", key] if name == "aggregates" else [key]
    cells = table[rows]
    mask = np.zeros(len(table), dtype=bool)
    mask[np.flatnonzero(rows)] = NetworkCells(cells, parts, labels).withheld(school, k_min)
    return mask


def _lone_items(items: pd.DataFrame, network: np.ndarray, withheld: np.ndarray) -> np.ndarray:
    """Per dimension of the network's items: when exactly one item is withheld and others are shown, the
    smallest shown item too."""
    more = np.zeros(len(items), dtype=bool)
    shown = network & ~withheld & ~items["suppressed"].astype(bool).to_numpy()
    n = pd.to_numeric(items["n"], errors="coerce").fillna(0).to_numpy()
    dimension = items["dimension"].astype(str).to_numpy()
    for value in np.unique(dimension[network & withheld]):
        same = dimension == value
        if (same & withheld & network).sum() == 1 and (same & shown).any():
            candidates = np.flatnonzero(same & shown)
            more[candidates[np.argmin(n[candidates])]] = True
    return more


def _withhold(table: pd.DataFrame, mask: np.ndarray) -> None:
    """Show the rows of `mask` as suppressed: no n, no statistic, "–"."""
    if not mask.any():
        return
    floats = [c for c in table.columns if is_float_dtype(table[c].dtype)]
    table.loc[mask, floats] = np.nan
    table.loc[mask, "suppressed"] = True
    for column in ("n", "schools"):
        if column in table.columns:
            table[column] = pd.array(table[column].where(~mask), dtype="Int64")
    if "trend_flag" in table.columns:
        table.loc[mask, "trend_flag"] = ""
    if "uncertain" in table.columns:
        table["uncertain"] = table["uncertain"].astype("boolean").mask(mask)
    if "n_shown" in table.columns:
        table.loc[mask, "n_shown"] = HIDDEN
    if "suppression" in table.columns:
        table.loc[mask, "suppression"] = SUPPRESSED


def staff_questions(questions: pd.DataFrame, contributions: pd.DataFrame | None, school: str,
                    k_min: int) -> pd.DataFrame:
    """The background questions' rows as the school's staff may see them: a network question or option cell
    only when at least 3 other schools contribute to it and at least k_min of its respondents are outside the
    school (the school knows its own part, so a network cell of fewer would tell it about one other school's
    respondents); None `contributions`: no network cell can be checked, and none is shown."""
    questions = questions.copy()
    network = (questions["school"] == NETWORK).to_numpy()
    if not network.any():
        return questions
    cells = np.where(questions["option"].astype(str).to_numpy() == "", questions["question"].astype(str),
                     (questions["question"] + "\x1f" + questions["option"]).astype(str))
    withheld = network & ~questions["suppressed"].astype(bool).to_numpy()
    if contributions is not None:
        parts = contributions[(contributions["table"] == "questions").to_numpy()
                              & (contributions["school"] != school).to_numpy()]
        parts = parts[parts["n"] > 0]
        schools = parts.groupby("cell")["school"].nunique()
        outside = parts.groupby("cell")["n"].sum()
        question_cell = questions["question"].astype(str).to_numpy()
        enough = lambda keys: ((schools.reindex(keys).fillna(0).to_numpy() >= 3)
                               & (outside.reindex(keys).fillna(0).to_numpy() >= k_min))
        withheld &= ~(enough(cells) & enough(question_cell))
    _withhold(questions, withheld)
    return questions
