"""The evidence beside a practice card: its school's published index on each dimension the card addresses,
across the comparable closed rounds of the questionnaire's lineage, and the measured change since the practice
began (METHOD.md v2, Trends). Descriptive: a change measured since a practice began, never one it caused.

Input is what the rounds' results publish, one row per (school, round, dimension) of the schools' `all` cells
(`EVIDENCE_COLUMNS`). A suppressed cell carries no number here whatever the table held (`published_cells`), so
no index, interval, n or response rate of a suppressed cell enters a series, a change or the Benjamini-Hochberg
family that a reader could work back from. Every function takes many schools at once: the network learning view
asks for thousands of cards.

- The series of a dimension: the rounds whose dimension is comparable with the latest round's
  (`survey.analysis.trends.comparable_dimensions`: same item lineages, same scales), oldest first.
- The change since it began: the latest round minus the baseline, the last round that closed before the practice
  began; its 95% Welch interval, and the flag of the trend rule: Benjamini-Hochberg q < 0.05 over all the
  dimensions of the school compared between the same two rounds, and |change| >= the network's minimal important
  difference (`survey.analysis.trends.compare_rounds`, the function of the reports' trends).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from survey.analysis.spec import QuestionnaireSpec
from survey.analysis.suppression import K_MIN
from survey.analysis.trends import MINIMAL_DIFFERENCE, comparable_dimensions, compare_rounds

EVIDENCE_COLUMNS = ("school", "round", "dimension", "n", "index", "sd", "ci_low", "ci_high", "response_rate",
                    "suppressed")
SERIES_COLUMNS = ("school", "dimension", "round", "round_dimension", "n", "index", "ci_low", "ci_high",
                  "response_rate", "suppressed")
CHANGE_COLUMNS = ("school", "dimension", "status", "baseline_round", "latest_round", "baseline_n", "latest_n",
                  "change", "change_low", "change_high", "p_value", "q_value", "flag")
_STATISTICS = ("n", "index", "sd", "ci_low", "ci_high", "response_rate")

# why a school's dimension has, or has not, a measured change since the practice began
MEASURED = "measured"
NO_START = "no_start"  # the card does not say when the practice began
NO_ROUND_BEFORE = "no_round_before"  # no round of the lineage closed (with the school in it) before it began
NO_ROUND_SINCE = "no_round_since"  # no round has closed since it began
NOT_COMPARABLE = "not_comparable"  # the dimension changed (items or scales) between the two rounds
SUPPRESSED = "suppressed"  # the school's cell is "–" in either round
NOT_MEASURED = "not_measured"  # the latest round has no such dimension, or no cell of the school
STATUSES = (MEASURED, NO_START, NO_ROUND_BEFORE, NO_ROUND_SINCE, NOT_COMPARABLE, SUPPRESSED, NOT_MEASURED)


@dataclass(frozen=True)
class EvidenceRound:
    """A closed round of the lineage: its id, the day it closed and its questionnaire's analysis contract."""

    round: int
    closes_on: date
    spec: QuestionnaireSpec


def published_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells as a reader may use them (`EVIDENCE_COLUMNS`): every statistic of a suppressed cell (or of a
    cell without an index) blanked, n a nullable integer. Whatever the input held for a suppressed cell (an exact
    n from an older frozen table, an sd), it never reaches a series, a change or a q value."""
    cells = cells.reset_index(drop=True)
    out = pd.DataFrame({"school": cells["school"].astype(str), "round": cells["round"].astype(np.int64),
                        "dimension": cells["dimension"].astype(str)})
    index = pd.to_numeric(cells["index"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    flagged = (cells["suppressed"].fillna(True).to_numpy(dtype=bool) if "suppressed" in cells.columns
               else np.zeros(len(cells), dtype=bool))
    suppressed = flagged | np.isnan(index)
    for column in _STATISTICS:
        values = (pd.to_numeric(cells[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
                  if column in cells.columns else np.full(len(cells), np.nan))
        out[column] = np.where(suppressed, np.nan, values)
    out["n"] = pd.array(out["n"].to_numpy(), dtype="Float64").astype("Int64")
    out["suppressed"] = suppressed
    return out[list(EVIDENCE_COLUMNS)]


def _ordered(rounds: Sequence[EvidenceRound]) -> list[EvidenceRound]:
    return sorted(rounds, key=lambda r: (r.closes_on, r.round))


def evidence_series(cells: pd.DataFrame, rounds: Sequence[EvidenceRound]) -> pd.DataFrame:
    """Each school's published cell of each dimension of the latest round's questionnaire, in every round where
    that dimension is comparable with the latest round's, oldest first (`SERIES_COLUMNS`). `round_dimension`
    is the dimension's key in that round (a renamed dimension is found by its lineages). A round without the
    school's cell (the school did not take part) is left out; a suppressed cell stays, with no number."""
    cells = published_cells(cells)
    ordered = _ordered(rounds)
    if not ordered:
        return _empty(SERIES_COLUMNS)
    latest = ordered[-1]
    parts = []
    for position, earlier in enumerate(ordered):
        mapping = ({key: key for key in latest.spec.dimension_keys} if earlier is latest
                   else comparable_dimensions(earlier.spec, latest.spec))
        kept = {before: now for now, before in mapping.items() if before is not None}
        part = cells[(cells["round"] == earlier.round).to_numpy() & cells["dimension"].isin(list(kept)).to_numpy()]
        parts.append(part.assign(round_dimension=part["dimension"], dimension=part["dimension"].map(kept),
                                 _order=position))
    series = pd.concat(parts, ignore_index=True)
    order = {key: i for i, key in enumerate(latest.spec.dimension_keys)}
    series = series.assign(_dimension=series["dimension"].map(order)).sort_values(
        ["school", "_dimension", "_order"], kind="stable")
    return series[list(SERIES_COLUMNS)].reset_index(drop=True)


def baseline_round(rounds: Sequence[EvidenceRound], started_on: date | None) -> EvidenceRound | None:
    """The last round that closed before the practice began (None: none did, or no start is known)."""
    if started_on is None:
        return None
    before = [r for r in _ordered(rounds) if r.closes_on < started_on]
    return before[-1] if before else None


def change_since_start(cells: pd.DataFrame, rounds: Sequence[EvidenceRound], started_on: date | None, *,
                       k_min: int = K_MIN, minimal_difference: float = MINIMAL_DIFFERENCE) -> pd.DataFrame:
    """Per school of `cells` and dimension of the latest round's questionnaire: the measured change since the
    practice began on `started_on` (`CHANGE_COLUMNS`).

    Each school's two rounds are among those it took part in (has cells in): the latest, and the baseline, the
    last one closed before `started_on`. change = the latest index - the baseline's; `change_low`, `change_high`:
    its 95% Welch interval, change +/- t(0.975, Welch-Satterthwaite df) sqrt(s0^2/n0 + s1^2/n1); `p_value`: Welch's
    two-sided p (scipy.stats.ttest_ind(equal_var=False) on the scores); `q_value`: Benjamini-Hochberg within the
    school over every dimension with a published cell in both rounds and comparable between them (statsmodels'
    multipletests(method="fdr_bh")); `flag` "up"/"down" when q < 0.05 and |change| >= `minimal_difference`, else
    "". `status` says why a row has no numbers (`STATUSES`)."""
    cells = published_cells(cells)
    ordered = _ordered(rounds)
    if not ordered:
        return _empty(CHANGE_COLUMNS)
    lineage_latest = ordered[-1]
    dimensions = list(lineage_latest.spec.dimension_keys)
    position = {r.round: i for i, r in enumerate(ordered)}
    before_start = (len(ordered) if started_on is None
                    else sum(r.closes_on < started_on for r in ordered))  # rounds closed before it began
    took_part = pd.DataFrame({"school": cells["school"], "position": cells["round"].map(position)})
    latest = took_part.groupby("school")["position"].max()
    baseline = took_part[took_part["position"] < before_start].groupby("school")["position"].max()
    schools = latest.index.to_numpy(dtype=str)
    result = pd.DataFrame({"school": np.repeat(schools, len(dimensions)),
                           "dimension": np.tile(np.asarray(dimensions, dtype=str), len(schools))})
    latest_position = np.repeat(latest.to_numpy(dtype=np.int64), len(dimensions))
    baseline_position = np.repeat(baseline.reindex(latest.index).to_numpy(dtype=np.float64), len(dimensions))
    ids = np.array([r.round for r in ordered], dtype=np.int64)
    result["latest_round"] = ids[latest_position]
    result["baseline_round"] = np.where(np.isnan(baseline_position), np.nan,
                                        ids[np.nan_to_num(baseline_position).astype(np.int64)])
    # a school whose latest round is older than the lineage's: its dimension keys there, mapped to today's
    latest_positions = set(latest.tolist())
    keys_then = {i: ({key: key for key in dimensions} if r is lineage_latest
                     else comparable_dimensions(r.spec, lineage_latest.spec))
                 for i, r in enumerate(ordered) if i in latest_positions}
    result["latest_dimension"] = [keys_then[p].get(d) for p, d in zip(latest_position, result["dimension"])]
    if started_on is None:
        status = np.full(len(result), NO_START, dtype=object)
    else:
        status = np.where(np.isnan(baseline_position), NO_ROUND_BEFORE,
                          np.where(baseline_position == latest_position, NO_ROUND_SINCE, NOT_COMPARABLE)
                          ).astype(object)
    result["baseline_round"] = np.where(status == NOT_COMPARABLE, result["baseline_round"], np.nan)
    result["status"] = status
    for column in CHANGE_COLUMNS[5:]:
        result[column] = "" if column == "flag" else np.nan
    pairs = result.loc[result["status"] == NOT_COMPARABLE, ["baseline_round", "latest_round"]].drop_duplicates()
    by_id = {r.round: r for r in ordered}
    for baseline_id, latest_id in pairs.itertuples(index=False):
        baseline, latest = by_id[int(baseline_id)], by_id[int(latest_id)]
        rows = ((result["status"] == NOT_COMPARABLE) & (result["baseline_round"] == baseline_id)
                & (result["latest_round"] == latest_id)).to_numpy()
        schools = set(result.loc[rows, "school"])
        before = cells[(cells["round"] == baseline.round).to_numpy() & cells["school"].isin(schools).to_numpy()]
        now = cells[(cells["round"] == latest.round).to_numpy() & cells["school"].isin(schools).to_numpy()]
        trend = compare_rounds(_trend_cells(before), _trend_cells(now), baseline.spec, latest.spec, k_min=k_min,
                               minimal_difference=minimal_difference)
        keys = pd.MultiIndex.from_arrays([result.loc[rows, "school"], result.loc[rows, "latest_dimension"].astype(str)])
        found = trend.set_index(pd.MultiIndex.from_frame(trend[["school", "dimension"]].astype(str))).reindex(keys)
        comparable = found["comparable"].fillna(False).to_numpy(dtype=bool)
        measured = comparable & found["change"].notna().to_numpy()
        result.loc[rows, "status"] = np.where(measured, MEASURED, np.where(comparable, SUPPRESSED, NOT_COMPARABLE))
        for column, source in (("baseline_n", "previous_n"), ("latest_n", "current_n"), ("change", "change"),
                               ("change_low", "change_low"), ("change_high", "change_high"),
                               ("p_value", "p_value"), ("q_value", "q_value")):
            values = pd.to_numeric(found[source]).to_numpy(dtype=np.float64, na_value=np.nan)
            result.loc[rows, column] = np.where(measured, values, np.nan)
        result.loc[rows, "flag"] = np.where(measured, found["flag"].fillna("").astype(str).to_numpy(), "")
    present = pd.MultiIndex.from_frame(cells[["school", "round", "dimension"]])
    in_latest = pd.MultiIndex.from_arrays([result["school"], result["latest_round"].astype(np.int64),
                                           result["latest_dimension"].astype(str)]).isin(present)
    result.loc[~in_latest, "status"] = NOT_MEASURED
    for column in ("change", "change_low", "change_high", "p_value", "q_value"):
        result.loc[~in_latest, column] = np.nan
    result.loc[~in_latest, "flag"] = ""
    for column in ("baseline_round", "latest_round", "baseline_n", "latest_n"):
        result[column] = pd.array(pd.to_numeric(result[column]).to_numpy(dtype=np.float64), dtype="Float64"
                                  ).astype("Int64")
    result["flag"] = result["flag"].astype(str)
    return result[list(CHANGE_COLUMNS)]


def _trend_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Published cells in the form `compare_rounds` reads (group column `school`, `mean` for the index)."""
    return cells[["school", "dimension", "n", "index", "sd"]].rename(columns={"index": "mean"}).reset_index(drop=True)


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
