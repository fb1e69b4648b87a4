"""The complete results of a round, as three long tables (METHOD.md throughout).

`compute_results` takes a loaded round (`survey.results.loading.RoundData`) and returns

- `aggregates`: one row per (school or NETWORK, breakdown, group, dimension). The required columns come
  first, named exactly (`AGGREGATE_COLUMNS`), then `EXTRA_COLUMNS`.
- `items`: one row per (school or NETWORK, item): n, mean 0-100, share_1..k, share_positive, suppressed,
  schools, suppression, n_shown.
- `contributions` (never published): each school's exact n in every cell (`table` "aggregates" with breakdown,
  group and `cell` = dimension; "items" with `cell` = item), what school-level confidentiality checks a network
  cell against for a viewing school (`survey.results.staff_view`).
- `partners`: one row per (school, "Improve first" dimension, benchmark partner): `PARTNER_COLUMNS`, from
  `survey.analysis.all_partners` on the published school indices of `aggregates` (top quartile,
  significantly higher by Welch p < 0.05, same school type first, then the closest size: population, else responses).
  `partner_label` is the partner's name where the network shares names, else the anonymous label of the
  analysis ("School A" = the highest index of that dimension's list); `partner_school` always holds the code
  (`RoundResults.for_school` blanks it when names are not shared).

Rows come in a fixed order (NETWORK first, then schools by code; breakdown `all`, `program`, then the
background questions in questionnaire order; groups in label order; dimensions and items in questionnaire
order) and every float is rounded to `SIGNIFICANT_DIGITS` significant digits, so the same responses give the
same tables byte for byte (`canonical_bytes`), whatever the database or the order of summation.

Where the numbers go:
- `n, index, sd, ci_low, ci_high, suppressed`: every row. A suppressed cell carries no statistic and no exact
  n: `n` is <NA> (Int64), `suppression` is "suppressed" (one value whatever the reason: fewer than k_min, or
  protected so that a small group cannot be derived) and `n_shown` is "–" (the number when published), both
  from `survey.analysis.hide_suppressed_n`. The item table has the same three columns.
  Schools are suppressed cell by cell as a split of the network (whose pooled index is published, so one
  hidden school among published ones could be worked out by subtraction). Each breakdown (program, each
  background question) is suppressed as a two-way table, schools x groups with the school and network cells
  as its totals (`survey.analysis.suppress_crossed`): within each school's split, counting the respondents
  in no group (no answer to an optional question) as hidden; across the schools of each group, against the
  network's group cell; under a suppressed school cell; and so that no suppressed cell, small or not, can be
  bounded by any chain of subtractions to a range narrower than k_min respondents (METHOD.md, "Audit"). The
  item results of a suppressed school dimension cell are suppressed too, items are suppressed across schools
  per item, and no single item of a published dimension (the network's or a school's) is left suppressed
  alone beside the others.
- Intervals (METHOD.md v2, `survey.analysis.intervals`): a school's `all` and `program` rows use
  t(0.975, n - 1) sd / sqrt(n) x `fpc`, fpc = sqrt((N - n) / (N - 1)) with the population N the school gave
  for the round (or the program); `fpc` is blank where N is unknown (factor 1) and on NETWORK rows, whose
  intervals are cluster-robust (CR1, schools as clusters, t with schools - 1 df).
- `network_mean`: every row, the network's pooled index of the dimension (the benchmark line).
- `median, top_quartile`: breakdown `all` rows (school distribution of published school indices);
  `rank` with its 95% interval `rank_low`, `rank_high` (2,000 parametric draws, `survey.analysis.ranks`):
  school `all` rows; `of`: `all` rows.
- `importance, importance_low, importance_high, importance_source, r_squared, quadrant`: `all` rows of
  predictor dimensions; a school with fewer than `driver_min_cases` complete cases shows the network's
  importance and interval (`importance_source` = "network"). `importance_line` (100 / number of predictor
  dimensions) on the same rows: the priority map's vertical line; the horizontal one is gap = 0.
- `gap, gap_low, gap_high`: published school `all` rows, the school's index minus the network's
  (`survey.analysis.gap_interval`); `uncertain` on mapped school rows: an interval straddles its line.
- `change, change_low, change_high, q_value, trend_flag, previous_n, previous_response_rate`: `all` rows of
  schools and the network, against the comparable earlier round (`survey.analysis.compare_rounds`);
  `trend_flag` is "" where nothing is flagged.
- `response_rate`: `all` and `program` rows where the population is known, blank on suppressed rows (rate x
  population = n); `alpha`: NETWORK `all` rows.
- `schools` (after EXTRA_COLUMNS, both tables): on published NETWORK rows, how many schools have respondents
  in the cell; <NA> elsewhere.
- Organiser rows (with `organisers`): `level` "organiser", the organiser's code in `school`, breakdown `all`,
  after the NETWORK rows, in both tables (`_add_organisers`; the suppression rule: `survey.analysis.organisers`).
Column order: `level` first (network, organiser, school), then `PUBLISHED_COLUMNS` (the kept columns,
`schools`, the suppression columns, then METHOD2_COLUMNS).
"""
from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey.analysis import (
    GroupCodes,
    cluster_robust,
    finite_population_factor,
    gap_interval,
    group_interval,
    QuestionnaireSpec,
    all_partners,
    anonymous_labels,
    compare_rounds,
    dimension_index,
    dimension_scores_from_answers,
    driver_importance,
    group_codes,
    hide_suppressed_n,
    item_results,
    mean_importance,
    network_benchmark,
    priority_quadrants,
    response_rate,
    school_driver_importance,
    suppress_crossed,
    suppress_small_groups,
)
from survey.analysis.intervals import standard_error
from survey.analysis.items import share_columns
from survey.analysis.organisers import organiser_gap, suppress_organisers
from survey.analysis.priority import IMPROVE_FIRST
from survey.analysis._stats import stable_seed
from survey.analysis.ranks import rank_interval
from survey.analysis.scores import score_lookup
from survey.analysis.suppression import K_MIN
from survey.analysis.trends import MINIMAL_DIFFERENCE
from survey.results.loading import RoundData
from survey.results.questions import empty_questions, question_contributions, question_results

NETWORK = "NETWORK"
ALL = "all"
LEVEL = "level"  # the first column of both published tables: which level a row is about
LEVELS = ("network", "organiser", "school")
SIGNIFICANT_DIGITS = 10
AGGREGATE_COLUMNS = ("school", "breakdown", "group", "dimension", "n", "index", "sd", "ci_low", "ci_high",
                     "network_mean", "median", "top_quartile", "rank", "of", "suppressed", "importance",
                     "quadrant")
EXTRA_COLUMNS = ("importance_source", "r_squared", "response_rate", "alpha", "importance_line")
SCHOOLS_COLUMN = "schools"  # added after EXTRA_COLUMNS (and after `suppressed` in the items), in both tables
SUPPRESSION_COLUMNS = ("suppression", "n_shown")  # added by `hide_suppressed_n`, in both tables
# METHOD.md v2, after the suppression columns (the shared column contract's order)
METHOD2_COLUMNS = ("fpc", "rank_low", "rank_high", "importance_low", "importance_high", "gap", "gap_low",
                   "gap_high", "uncertain", "change", "change_low", "change_high", "q_value", "trend_flag",
                   "previous_n", "previous_response_rate")
PUBLISHED_COLUMNS = (AGGREGATE_COLUMNS + EXTRA_COLUMNS + (SCHOOLS_COLUMN,) + SUPPRESSION_COLUMNS
                     + METHOD2_COLUMNS)
_STATS = ("n", "mean", "sd", "ci_low", "ci_high", "suppressed")
_CARRIED = ("fpc", "se", "clusters")  # carried from the cells to the table: `se` and `clusters` stay internal
PARTNER_COLUMNS = ("school", "dimension", "partner_school", "partner_label", "partner_index", "school_index",
                   "p_value", "order")


@dataclass(frozen=True)
class PreviousRound:
    """What a trend needs from the previous round of the same family: its aggregates and its spec, and each
    school's part of its network cells (None: frozen without them), for the confidentiality of the network's
    trend."""

    aggregates: pd.DataFrame
    spec: QuestionnaireSpec
    contributions: pd.DataFrame | None = None


def empty_partners() -> pd.DataFrame:
    """The partners table without rows, with its column types."""
    return pd.DataFrame({
        "school": pd.Series([], dtype="str"), "dimension": pd.Series([], dtype="str"),
        "partner_school": pd.Series([], dtype="str"), "partner_label": pd.Series([], dtype="str"),
        "partner_index": pd.Series([], dtype=np.float64), "school_index": pd.Series([], dtype=np.float64),
        "p_value": pd.Series([], dtype=np.float64), "order": pd.Series([], dtype=np.int64),
    })


CONTRIBUTION_COLUMNS = ("table", "school", "breakdown", "group", "cell", "n")


def empty_contributions() -> pd.DataFrame:
    """The contributions table without rows (results frozen before it was kept)."""
    return pd.DataFrame({column: pd.Series([], dtype=np.int64 if column == "n" else "str")
                         for column in CONTRIBUTION_COLUMNS})


@dataclass(frozen=True)
class SchoolFacts:
    """What benchmark partners need to know about the schools besides their results (codes as keys)."""

    types: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    share_names: bool = False
    organisers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ComputedResults:
    aggregates: pd.DataFrame
    items: pd.DataFrame
    responses: int
    partners: pd.DataFrame = field(default_factory=empty_partners)
    contributions: pd.DataFrame = field(default_factory=lambda: empty_contributions())

    questions: pd.DataFrame = field(default_factory=lambda: empty_questions())

    @property
    def content_hash(self) -> str:
        return content_hash(self.aggregates, self.items, self.partners, self.questions)


def compute_results(data: RoundData, *, k_min: int = K_MIN, driver_min_cases: int = 300,
                    minimal_difference: float = MINIMAL_DIFFERENCE, seed: str = "",
                    schools: tuple[str, ...] = (), populations: pd.DataFrame | None = None,
                    previous: PreviousRound | None = None, school_facts: SchoolFacts | None = None,
                    organisers: Mapping[str, str] | None = None) -> ComputedResults:
    """The round's results. `schools`: the round's school codes (a school without responses still gets
    its suppressed `all` rows); `populations`: columns `school`, `program`, `size`; `school_facts`: types,
    names and the naming setting for benchmark partners (default: no types, anonymous labels);
    `minimal_difference`: the network's minimal important difference (trend flags, partners); `seed`: text
    naming the round, from which every bootstrap is seeded (with the dimension), so the same responses give the
    same bytes; `organisers`: school code -> organiser code, for the organiser rows (`level` "organiser",
    the organiser's code in `school`; none without it)."""
    spec, frame = data.spec, data.frame
    scores = _dimension_scores(data)
    dimension_keys = list(spec.dimension_keys)
    school_population, program_population = _population_sizes(populations)

    by_school = group_codes(frame["school"])
    school_raw = dimension_index(scores, by_school)
    net = suppress_small_groups(_clustered(dimension_index(scores), school_raw, ["dimension"]), k_min)
    # the schools are a split of the network: its pooled index is published (see suppress_small_groups)
    school_cells = suppress_small_groups(
        _finite_population(school_raw, school_population, ["school"]), k_min, parent_cells=net)
    benchmark = network_benchmark(school_cells, net)

    parts = [_part(net.assign(school=NETWORK), ALL, None)]
    school_parts = [_part(benchmark.schools, ALL, None)]
    for breakdown in data.breakdowns:
        groups = group_codes(frame[breakdown].rename("group"))
        crossed = group_codes([by_school, groups])
        crossed_raw = dimension_index(scores, crossed)
        population = program_population if breakdown == "program" else None
        cells, network_cells = suppress_crossed(
            _finite_population(crossed_raw, population, ["school", "group"]), k_min, rows=["school"],
            row_cells=school_cells,
            column_cells=_clustered(dimension_index(scores, groups), crossed_raw, ["group", "dimension"]),
            total_cells=net)
        parts.append(_part(network_cells.assign(school=NETWORK), breakdown, "group"))
        school_parts.append(_part(cells, breakdown, "group"))

    table = pd.concat(parts + school_parts, ignore_index=True)
    table = _add_missing_schools(table, schools, dimension_keys)
    table = _add_benchmark(table, benchmark, net)
    table = _add_rank_interval(table, seed)
    table = _add_gap(table)
    table = _add_drivers(table, scores, by_school, spec, driver_min_cases, seed)
    table = _add_response_rate(table, frame, populations)
    table = _add_trend(table, previous, spec, k_min, minimal_difference)
    table = _add_alpha(table, data, spec, net)
    table = _order(table, data.breakdowns, dimension_keys)
    aggregates = canonical(table[list(AGGREGATE_COLUMNS + EXTRA_COLUMNS + METHOD2_COLUMNS)])
    items = _items(data, by_school, k_min, schools, school_cells, net)
    partners = canonical(partners_table(aggregates, school_sizes(frame, populations),
                                        school_facts or SchoolFacts(), dimension_keys, minimal_difference))
    questions = question_results(data, by_school, k_min, schools, aggregates)
    contributions = _contributions(aggregates, items, questions)
    questions = canonical(questions.drop(columns="count", errors="ignore"))
    aggregates, items = _add_school_counts(aggregates, contributions, "aggregates"), \
        _add_school_counts(items, contributions, "items")
    organiser_of = pd.Series(dict(organisers or {}), dtype="str")
    if len(organiser_of):
        aggregates, items = _add_organisers(aggregates, items, data, scores, school_raw, organiser_of, net,
                                             k_min)
    aggregates, items = _with_level(aggregates), _with_level(items)
    # what may be published: no exact n for a suppressed cell, one symbol ("–") for every suppressed cell
    aggregates = canonical(hide_suppressed_n(aggregates, k_min)[[LEVEL, *PUBLISHED_COLUMNS]])
    items = canonical(hide_suppressed_n(items, k_min))
    questions = canonical(hide_suppressed_n(questions, k_min))
    return ComputedResults(aggregates=aggregates, items=items, responses=len(frame), partners=partners,
                           contributions=contributions, questions=questions)


def without_organisers(table: pd.DataFrame) -> pd.DataFrame:
    """The network and school rows of a published table: what every presenter of schools reads (an organiser's
    code may equal a school's). Tables frozen before organisers had no `level` column and are returned whole."""
    if LEVEL not in table.columns:
        return table
    return table[(table[LEVEL] != "organiser").to_numpy()].reset_index(drop=True)


def organiser_rows(table: pd.DataFrame, code: str | None = None) -> pd.DataFrame:
    """The organiser rows of a published table (of one organiser when `code` is given)."""
    if LEVEL not in table.columns:
        return table.iloc[0:0]
    rows = (table[LEVEL] == "organiser").to_numpy()
    if code is not None:
        rows = rows & (table["school"] == code).to_numpy()
    return table[rows].reset_index(drop=True)


def _with_level(table: pd.DataFrame) -> pd.DataFrame:
    """`level` as the first column: "network" for NETWORK rows, "organiser" where set, else "school"."""
    given = table[LEVEL] if LEVEL in table.columns else pd.Series(np.nan, index=table.index, dtype=object)
    level = np.where(table["school"].to_numpy() == NETWORK, "network", "school").astype(object)
    level = np.where(given.to_numpy() == "organiser", "organiser", level)
    table = table.drop(columns=LEVEL, errors="ignore")
    table.insert(0, LEVEL, pd.array(level, dtype="str"))
    return table


def _add_organisers(aggregates: pd.DataFrame, items: pd.DataFrame, data: RoundData, scores: pd.DataFrame,
                    school_raw: pd.DataFrame, organiser_of: pd.Series, net: pd.DataFrame, k_min: int
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organiser rows (breakdown `all`) after the network's, in both tables: the pooled index of the organiser's
    respondents with the CR1 interval (its schools as clusters) and the gap to the network with its interval
    (`survey.analysis.organiser_gap`); an organiser of one school carries that school's interval and gap. Cells
    are suppressed as groups of schools (`survey.analysis.suppress_organisers`), items like a school's."""
    codes = sorted(set(organiser_of.astype(str)))
    dimension_keys = list(data.spec.dimension_keys)
    label = data.frame["school"].astype(str).map(organiser_of).rename("organiser")
    cells = _organiser_cells(scores, label, codes, dimension_keys)
    clustered = school_raw.assign(organiser=school_raw["school"].astype(str).map(organiser_of))
    clustered = clustered[clustered["organiser"].notna().to_numpy()]
    robust = cluster_robust(clustered, ["organiser", "dimension"])
    at = pd.MultiIndex.from_frame(cells[["organiser", "dimension"]].astype(str))
    robust.index = pd.MultiIndex.from_frame(robust[["organiser", "dimension"]].astype(str))
    for column in ("se", "clusters", "ci_low", "ci_high"):
        cells[column] = robust[column].reindex(at).to_numpy(dtype=np.float64)

    school_all = aggregates[_is_all(aggregates) & (aggregates["school"] != NETWORK).to_numpy()]
    network = net.set_index("dimension")
    hidden = suppress_organisers(cells, school_all, organiser_of, k_min, "dimension",
                                 network["suppressed"].astype(bool))
    dimension = cells["dimension"]
    gap, gap_low, gap_high = organiser_gap(
        cells["mean"], cells["se"], cells["n"], cells["clusters"], dimension.map(network["mean"]),
        dimension.map(network["se"]), dimension.map(network["n"]), dimension.map(network["clusters"]))
    rows = pd.DataFrame({
        LEVEL: "organiser", "school": cells["organiser"].astype(str), "breakdown": ALL, "group": ALL,
        "dimension": dimension.astype(str), "n": cells["n"].to_numpy(dtype=np.int64),
        "index": cells["mean"].to_numpy(dtype=np.float64), "sd": cells["sd"].to_numpy(dtype=np.float64),
        "ci_low": cells["ci_low"].to_numpy(dtype=np.float64), "ci_high": cells["ci_high"].to_numpy(dtype=np.float64),
        "network_mean": dimension.map(network["mean"]).to_numpy(dtype=np.float64),
        "suppressed": hidden, "gap": gap, "gap_low": gap_low, "gap_high": gap_high, "fpc": np.nan,
    })
    # one school: exactly what that school shows (its own interval, with its finite-population factor)
    members = organiser_of.groupby(organiser_of.astype(str)).size()
    single = rows["school"].map(members).to_numpy() == 1
    if single.any():
        only = {code: school for school, code in organiser_of.items() if members[code] == 1}
        own = school_all.set_index(["school", "dimension"])
        keys = pd.MultiIndex.from_arrays([rows.loc[single, "school"].map(only), rows.loc[single, "dimension"]])
        for column in ("ci_low", "ci_high", "fpc", "gap", "gap_low", "gap_high"):
            rows.loc[single, column] = own[column].reindex(keys).to_numpy(dtype=np.float64)
    rows.loc[hidden, ["index", "sd", "ci_low", "ci_high", "gap", "gap_low", "gap_high", "fpc"]] = np.nan
    rows["n"] = pd.array(rows["n"], dtype=aggregates["n"].dtype)
    aggregates = _after_network(aggregates, rows)
    items = _after_network(items, _organiser_items(items, data, label, codes, organiser_of, hidden, cells, k_min))
    return aggregates, items


def _organiser_cells(scores: pd.DataFrame, label: pd.Series, codes: list[str], dimension_keys: list[str]
                     ) -> pd.DataFrame:
    """Every organiser x dimension: n, mean, sd of its respondents (n 0 where it has none)."""
    full = pd.MultiIndex.from_product([codes, dimension_keys], names=["organiser", "dimension"])
    if label.notna().any():
        raw = dimension_index(scores, label)
        raw.index = pd.MultiIndex.from_arrays([raw["organiser"].astype(str), raw["dimension"].astype(str)])
        raw = raw[["n", "mean", "sd"]].reindex(full)
    else:
        raw = pd.DataFrame(index=full, columns=["n", "mean", "sd"], dtype=np.float64)
    raw["n"] = raw["n"].fillna(0).astype(np.int64)
    return raw.reset_index()


def _organiser_items(items: pd.DataFrame, data: RoundData, label: pd.Series, codes: list[str],
                     organiser_of: pd.Series, dimension_hidden: np.ndarray, cells: pd.DataFrame, k_min: int
                     ) -> pd.DataFrame:
    """The organisers' item rows: an item of a hidden organiser dimension is hidden, each item is suppressed as
    a group of its schools' item cells, and no item is left hidden alone in a published dimension."""
    spec = data.spec
    reported = list(spec.reported_items)
    full = pd.MultiIndex.from_product([codes, reported], names=["organiser", "item"])
    if label.notna().any():
        found = item_results(data.frame, spec, label, answers=data.raw_answers)
        found.index = pd.MultiIndex.from_arrays([found["organiser"].astype(str), found["item"].astype(str)])
        found = found.drop(columns=["organiser", "item"]).reindex(full)
    else:
        found = pd.DataFrame(index=full, columns=["n", "mean"], dtype=np.float64)
    table = found.reset_index()
    table["dimension"] = [spec.dimension_of(item) for item in table["item"]]
    table["n"] = table["n"].fillna(0).astype(np.int64)
    hidden_dimension = dict(zip(zip(cells["organiser"].astype(str), cells["dimension"].astype(str)),
                                dimension_hidden))
    forced = np.array([hidden_dimension.get((o, d), False) for o, d in zip(table["organiser"], table["dimension"])])
    school_items = items[(items["school"] != NETWORK).to_numpy()]
    network_items = items[(items["school"] == NETWORK).to_numpy()].set_index("item")["suppressed"].astype(bool)
    for _ in range(len(reported) + 1):  # each pass hides more, or stops
        hidden = suppress_organisers(table, school_items, organiser_of, k_min, "item", network_items, forced)
        lone = _lone_items(table.assign(school=table["organiser"], suppressed=hidden))
        if not lone.any():
            break
        forced = hidden | lone
    values = [c for c in items.columns if c == "mean" or c.startswith("share_")]
    out = pd.DataFrame({LEVEL: "organiser", "school": table["organiser"].astype(str),
                        "item": table["item"].astype(str), "dimension": table["dimension"].astype(str),
                        "n": table["n"].to_numpy(dtype=np.int64)})
    for column in values:
        out[column] = table[column].to_numpy(dtype=np.float64) if column in table.columns else np.nan
        out.loc[hidden, column] = np.nan
    out["suppressed"] = hidden
    return out


def _after_network(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` placed after the NETWORK rows and before the schools' (organisers by code, as given)."""
    network = (table["school"] == NETWORK).to_numpy()
    rows = rows.reindex(columns=list(dict.fromkeys([*table.columns, LEVEL])))
    for column in table.columns:
        if column in rows.columns and rows[column].isna().all() and column not in ("n", "suppressed"):
            blank = "" if column == "trend_flag" else np.nan  # as on a school row without a flag
            rows[column] = pd.Series(blank, index=rows.index).astype(table[column].dtype)
    combined = pd.concat([table[network], rows, table[~network]], ignore_index=True)
    for column in table.columns:
        if combined[column].dtype != table[column].dtype:
            combined[column] = combined[column].astype(table[column].dtype)
    return combined


def _contributions(aggregates: pd.DataFrame, items: pd.DataFrame, questions: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """Each school's exact part (n) of every network-level cell, never published: what school-level
    confidentiality checks a network cell against for a viewing school (`RoundResults.for_school`)."""
    schools = aggregates[(aggregates["school"] != NETWORK).to_numpy()]
    school_items = items[(items["school"] != NETWORK).to_numpy()]
    table = pd.concat([
        pd.DataFrame({"table": "aggregates", "school": schools["school"].to_numpy(),
                      "breakdown": schools["breakdown"].to_numpy(), "group": schools["group"].to_numpy(),
                      "cell": schools["dimension"].to_numpy(),
                      "n": pd.to_numeric(schools["n"]).fillna(0).to_numpy(dtype=np.int64)}),
        pd.DataFrame({"table": "items", "school": school_items["school"].to_numpy(), "breakdown": ALL,
                      "group": ALL, "cell": school_items["item"].to_numpy(),
                      "n": pd.to_numeric(school_items["n"]).fillna(0).to_numpy(dtype=np.int64)}),
    ], ignore_index=True)
    if questions is not None and len(questions):
        table = pd.concat([table, question_contributions(questions)], ignore_index=True)
    table = table[table["n"] > 0].reset_index(drop=True)
    for column in CONTRIBUTION_COLUMNS[:-1]:
        table[column] = table[column].astype("str")
    return table


def _add_school_counts(table: pd.DataFrame, contributions: pd.DataFrame, name: str) -> pd.DataFrame:
    """`schools`: on network rows, how many schools contribute respondents to the cell (<NA> on school
    rows and on suppressed network rows)."""
    own = contributions[contributions["table"] == name]
    counts = own.groupby(["breakdown", "group", "cell"], sort=False).size()
    if name == "aggregates":
        keys = pd.MultiIndex.from_arrays([table["breakdown"].astype(str), table["group"].astype(str),
                                          table["dimension"].astype(str)])
    else:
        keys = pd.MultiIndex.from_arrays([np.full(len(table), ALL), np.full(len(table), ALL),
                                          table["item"].astype(str).to_numpy()])
    values = counts.reindex(keys).fillna(0).to_numpy(dtype=np.float64)
    network_rows = (table["school"] == NETWORK).to_numpy() & ~table["suppressed"].astype(bool).to_numpy()
    table = table.copy()
    table[SCHOOLS_COLUMN] = pd.array(np.where(network_rows, values, np.nan), dtype="Int64")
    return table


def school_sizes(frame: pd.DataFrame, populations: pd.DataFrame | None) -> pd.Series:
    """A school's size for "most similar" partners: its population for the round where the school gave one,
    else its number of responses."""
    responses = frame.groupby("school", observed=True).size()
    sizes = responses.set_axis(responses.index.astype(str)).astype(np.float64)
    if populations is not None and len(populations):
        given = populations.groupby("school", observed=True)["size"].sum()
        given = given.set_axis(given.index.astype(str))
        given = given[given > 0]
        sizes.loc[sizes.index.intersection(given.index)] = given
    return sizes


def partners_table(aggregates: pd.DataFrame, sizes: Mapping[str, int] | pd.Series, facts: SchoolFacts,
                   dimension_keys: list[str], minimal_difference: float = MINIMAL_DIFFERENCE) -> pd.DataFrame:
    """Every school's benchmark partners (METHOD.md, Structural analysis), computed from the published
    school indices of the aggregates table (breakdown `all`) by `survey.analysis.all_partners`: higher by at
    least `minimal_difference` and Welch p < 0.05. `sizes`: responses per school code."""
    rows = aggregates[_is_all(aggregates) & (aggregates["school"] != NETWORK).to_numpy()]
    improve = rows[(rows["quadrant"] == IMPROVE_FIRST).to_numpy() & ~rows["suppressed"].astype(bool).to_numpy()]
    if improve.empty:
        return empty_partners()
    index_by_school = rows[["school", "dimension", "n", "index", "sd", "suppressed"]].rename(
        columns={"index": "mean"})
    found = all_partners(index_by_school, improve[["school", "dimension"]], facts.types, pd.Series(sizes, dtype=np.float64),
                         minimal_difference=minimal_difference, school_organisers=facts.organisers)
    if found.empty:
        return empty_partners()
    if facts.share_names:
        named = found["partner_school"].map(facts.names) if facts.names else found["partner_school"]
        labels = named.where(named.notna(), found["partner_school"]).astype("str")
    else:
        labels = anonymous_labels(found)
    position = {key: i for i, key in enumerate(dimension_keys)}
    table = pd.DataFrame({
        "school": found["school"].astype("str"), "dimension": found["dimension"].astype("str"),
        "partner_school": found["partner_school"].astype("str"), "partner_label": labels.astype("str"),
        "partner_index": found["partner_index"].to_numpy(dtype=np.float64),
        "school_index": found["school_index"].to_numpy(dtype=np.float64),
        "p_value": found["p_value"].to_numpy(dtype=np.float64),
        "order": found["order"].to_numpy(dtype=np.int64),
    })
    table = table.assign(_d=table["dimension"].map(position)).sort_values(
        ["school", "_d", "order"], kind="stable").drop(columns="_d")
    return table.reset_index(drop=True)


def _dimension_scores(data: RoundData) -> pd.DataFrame:
    """Respondent dimension scores straight from the packed uint8 codes, in float64, one dimension at a time
    (one table lookup per item; never the whole item-score matrix in memory)."""
    spec = data.spec
    scores = dimension_scores_from_answers(data.raw_answers, spec)
    return pd.DataFrame(scores, columns=list(spec.dimension_keys))


def _part(cells: pd.DataFrame, breakdown: str, group_column: str | None) -> pd.DataFrame:
    frame = pd.DataFrame({
        "school": cells["school"].astype("str"),
        "breakdown": breakdown,
        "group": cells[group_column].astype("str") if group_column else ALL,
        "dimension": cells["dimension"].astype("str"),
    })
    for column in _STATS:
        frame[column] = cells[column].to_numpy()
    for column in ("rank", *_CARRIED):
        if column in cells.columns:
            frame[column] = cells[column].to_numpy()
    return frame.rename(columns={"mean": "index"})


def _add_missing_schools(table: pd.DataFrame, schools, dimension_keys) -> pd.DataFrame:
    present = set(table["school"].unique())
    missing = [code for code in sorted(set(schools)) if code not in present]
    if not missing:
        return table
    rows = pd.DataFrame({
        "school": np.repeat(missing, len(dimension_keys)),
        "breakdown": ALL, "group": ALL,
        "dimension": dimension_keys * len(missing),
        "n": 0, "index": np.nan, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan, "suppressed": True,
    })
    return pd.concat([table, rows], ignore_index=True)


def _is_all(table: pd.DataFrame) -> np.ndarray:
    return (table["breakdown"] == ALL).to_numpy()


def _add_benchmark(table: pd.DataFrame, benchmark, net: pd.DataFrame) -> pd.DataFrame:
    dims = benchmark.dimensions.set_index("dimension")
    network_mean = net.set_index("dimension")["mean"]
    dimension = table["dimension"]
    all_rows = _is_all(table)
    table["network_mean"] = dimension.map(network_mean).to_numpy(dtype=np.float64)
    table["median"] = np.where(all_rows, dimension.map(dims["median"]).to_numpy(dtype=np.float64), np.nan)
    table["top_quartile"] = np.where(all_rows, dimension.map(dims["upper_quartile"]).to_numpy(dtype=np.float64),
                                     np.nan)
    of = dimension.map(dims["of"]).to_numpy(dtype=np.float64)
    table["of"] = pd.array(np.where(all_rows, of, np.nan), dtype="Int64")
    if "rank" not in table.columns:
        table["rank"] = pd.NA
    table["rank"] = pd.array(table["rank"], dtype="Int64")
    return table


def _population_sizes(populations: pd.DataFrame | None) -> tuple[pd.Series, pd.Series]:
    """The populations the schools gave for the round: per school (the sum over its programs) and per
    (school, program), indexed by code(s) as text; only sizes > 0."""
    if populations is None or populations.empty:
        return pd.Series(dtype=np.float64), pd.Series(dtype=np.float64)
    sizes = populations.assign(school=populations["school"].astype(str), program=populations["program"].astype(str))
    program = sizes.groupby(["school", "program"])["size"].sum().astype(np.float64)
    school = program.groupby(level="school").sum()
    return school[school > 0], program[program > 0]


def _finite_population(cells: pd.DataFrame, population: pd.Series | None, keys: list[str]) -> pd.DataFrame:
    """The cells' intervals with the finite-population factor of their group (`population` indexed by `keys`
    as text; None or a missing group: unknown, factor 1): `fpc` (NaN when unknown), `se`, `ci_low`, `ci_high`
    (`survey.analysis.intervals`)."""
    cells = cells.copy()
    n = cells["n"].to_numpy(dtype=np.float64)
    size = np.full(len(cells), np.nan)
    if population is not None and len(population):
        size = population.reindex(_keys_of(cells, keys)).to_numpy(dtype=np.float64)
    fpc = finite_population_factor(n, size)
    sd = cells["sd"].to_numpy(dtype=np.float64)
    cells["fpc"] = fpc
    cells["se"] = standard_error(n, sd, fpc)
    cells["ci_low"], cells["ci_high"] = group_interval(n, cells["mean"].to_numpy(dtype=np.float64), sd, fpc)
    return cells


def _keys_of(cells: pd.DataFrame, keys: list[str]) -> pd.Index:
    if len(keys) == 1:
        return pd.Index(cells[keys[0]].astype(str))
    return pd.MultiIndex.from_frame(cells[keys].astype(str))


def _clustered(pooled: pd.DataFrame, by_school: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Network cells (`pooled`, by `keys`) with the CR1 interval from the same cells split by school
    (`cluster_robust`): `se`, `clusters`, `ci_low`, `ci_high`."""
    robust = cluster_robust(by_school, keys)
    robust.index = _keys_of(robust, keys)
    at = _keys_of(pooled, keys)
    pooled = pooled.copy()
    for column in ("se", "clusters", "ci_low", "ci_high"):
        pooled[column] = robust[column].reindex(at).to_numpy(dtype=np.float64)
    return pooled


def _add_rank_interval(table: pd.DataFrame, seed: str) -> pd.DataFrame:
    """`rank_low`, `rank_high` on the ranked school `all` rows (`survey.analysis.ranks`), seeded per round and
    dimension."""
    table["rank_low"] = np.nan
    table["rank_high"] = np.nan
    ranked = _is_all(table) & (table["school"] != NETWORK).to_numpy() & table["rank"].notna().to_numpy()
    rows = table[ranked]
    for dimension, cells in rows.groupby("dimension", sort=False):
        low, high = rank_interval(cells["index"].to_numpy(dtype=np.float64),
                                  cells["se"].to_numpy(dtype=np.float64), stable_seed(seed, dimension, "rank"))
        table.loc[cells.index, "rank_low"] = low
        table.loc[cells.index, "rank_high"] = high
    return table


def _add_gap(table: pd.DataFrame) -> pd.DataFrame:
    """`gap`, `gap_low`, `gap_high` on published school `all` rows: the school's index minus the network's
    of the same dimension (`survey.analysis.gap_interval`)."""
    all_rows = _is_all(table)
    network = table[all_rows & (table["school"] == NETWORK).to_numpy()].set_index("dimension")
    rows = all_rows & (table["school"] != NETWORK).to_numpy() & ~table["suppressed"].astype(bool).to_numpy()
    cells = table[rows]
    dimension = cells["dimension"]
    gap, low, high = gap_interval(
        cells["index"], cells["se"], pd.to_numeric(cells["n"]),
        dimension.map(network["index"]), dimension.map(network["se"]),
        dimension.map(pd.to_numeric(network["n"])), dimension.map(network["clusters"]))
    for column, values in (("gap", gap), ("gap_low", low), ("gap_high", high)):
        table[column] = np.nan
        table.loc[rows, column] = np.asarray(values, dtype=np.float64)
    return table


def _add_drivers(table, scores, by_school: GroupCodes, spec, driver_min_cases, seed: str) -> pd.DataFrame:
    """Importance (with its interval), the priority map's quadrant on the gap and `uncertain`, on `all` rows of
    predictor dimensions."""
    if not spec.has_structural_analysis:  # no overall dimension: no importances, no priority map
        drivers = pd.DataFrame({
            "school": pd.Series([], dtype="str"), "breakdown": pd.Series([], dtype="str"),
            "group": pd.Series([], dtype="str"), "dimension": pd.Series([], dtype="str"),
            "importance": np.empty(0), "quadrant": pd.Series([], dtype="str"),
            "importance_source": pd.Series([], dtype="str"), "r_squared": np.empty(0),
            "importance_line": np.empty(0), "importance_low": np.empty(0), "importance_high": np.empty(0),
            "uncertain": pd.array([], dtype="boolean")})
        return _merge_drivers(table, drivers)
    network = driver_importance(scores, spec, clusters=by_school, seed=seed)
    per_school = school_driver_importance(scores, by_school, spec, min_cases=driver_min_cases,
                                          network=network, seed=seed)
    predictors = list(spec.predictors)
    network_fit = {"importance": network.importance.reindex(predictors).to_numpy(),
                   "importance_low": network.low.reindex(predictors).to_numpy(),
                   "importance_high": network.high.reindex(predictors).to_numpy()}
    fits = pd.concat([
        pd.DataFrame({"school": NETWORK, "dimension": predictors, **network_fit,
                      "source": "network", "r_squared": network.r_squared}),
        per_school[["school", "dimension", "importance", "importance_low", "importance_high", "source",
                    "r_squared"]].astype({"school": "str", "dimension": "str"}),
    ], ignore_index=True)
    # schools without a response have no fit of their own: the network's, labelled as such
    all_rows = table[_is_all(table) & table["dimension"].isin(predictors).to_numpy()]
    fitted = set(fits["school"])
    missing = sorted(set(all_rows["school"]) - fitted)
    if missing:
        fits = pd.concat([fits, pd.DataFrame({
            "school": np.repeat(missing, len(predictors)), "dimension": predictors * len(missing),
            **{column: np.tile(values, len(missing)) for column, values in network_fit.items()},
            "source": "network", "r_squared": network.r_squared})], ignore_index=True)
    # one call places every (school, dimension) on its map: the rule is cell by cell, with the vertical
    # line at 100 / number of predictors and the horizontal line at gap = 0
    cell = pd.Index(fits["school"].astype(str) + "\x1f" + fits["dimension"].astype(str))
    keyed = all_rows.set_axis(all_rows["school"].astype(str) + "\x1f" + all_rows["dimension"].astype(str))

    def by_cell(values) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=np.float64), index=cell)

    placed = priority_quadrants(by_cell(fits["importance"]), keyed["gap"].astype(np.float64), len(predictors),
                                (by_cell(fits["importance_low"]), by_cell(fits["importance_high"])),
                                (keyed["gap_low"].astype(np.float64), keyed["gap_high"].astype(np.float64)))
    drivers = pd.DataFrame({
        "school": fits["school"].astype("str"), "breakdown": ALL, "group": ALL,
        "dimension": fits["dimension"].astype("str"),
        "importance": placed["importance"].to_numpy(dtype=np.float64),
        "quadrant": placed["quadrant"].astype("str").to_numpy(),
        "importance_source": fits["source"].astype("str").to_numpy(),
        "r_squared": fits["r_squared"].to_numpy(dtype=np.float64),
        "importance_line": mean_importance(len(predictors)),
        "importance_low": fits["importance_low"].to_numpy(dtype=np.float64),
        "importance_high": fits["importance_high"].to_numpy(dtype=np.float64),
        "uncertain": placed["uncertain"].array,
    })
    merged = _merge_drivers(table, drivers)
    # METHOD.md: a suppressed group shows no importance (nor the network's in its place)
    hidden = merged["suppressed"].to_numpy(dtype=bool)
    merged.loc[hidden, ["importance", "importance_low", "importance_high", "r_squared", "importance_line"]] = np.nan
    return merged


def _merge_drivers(table: pd.DataFrame, drivers: pd.DataFrame) -> pd.DataFrame:
    merged = table.merge(drivers, on=["school", "breakdown", "group", "dimension"], how="left", sort=False)
    merged["importance_source"] = merged["importance_source"].astype("str")
    merged["quadrant"] = merged["quadrant"].astype("str")
    merged["uncertain"] = merged["uncertain"].astype("boolean")
    return merged


def _add_trend(table, previous: PreviousRound | None, spec, k_min, minimal_difference) -> pd.DataFrame:
    """`change` with its Welch interval, `q_value` (Benjamini-Hochberg within each school and the network),
    `trend_flag`, and the earlier round's `previous_n` and `previous_response_rate` of the same cell, on `all`
    rows of schools and the network (`survey.analysis.compare_rounds`). Nothing where either round's cell is
    suppressed or the dimension is not comparable."""
    for column in ("change", "change_low", "change_high", "q_value", "previous_n", "previous_response_rate"):
        table[column] = np.nan
    table["trend_flag"] = ""
    if previous is None:
        return table
    all_rows = _is_all(table)
    columns = ["school", "dimension", "n", "index", "sd"]
    current = table.loc[all_rows, columns].rename(columns={"index": "mean"})
    before = without_organisers(previous.aggregates)
    before = before.loc[(before["breakdown"] == ALL).to_numpy()]
    trend = compare_rounds(before[columns].rename(columns={"index": "mean"}).reset_index(drop=True),
                           current.reset_index(drop=True), previous.spec, spec, k_min=k_min,
                           minimal_difference=minimal_difference)
    hidden = (trend["school"].astype(str) == NETWORK).to_numpy() & ~trend["previous_dimension"].isin(
        _confidential_previous(previous, k_min)).to_numpy()
    for column in ("change", "change_low", "change_high", "p_value", "q_value", "previous_mean"):
        trend[column] = trend[column].where(~hidden)
    trend["previous_n"] = trend["previous_n"].where(~hidden)
    trend["flag"] = trend["flag"].where(~hidden, "")
    shown = trend["change"].notna().to_numpy()
    rate = pd.Series(before["response_rate"].to_numpy(dtype=np.float64),
                     index=pd.MultiIndex.from_arrays([before["school"].astype(str), before["dimension"].astype(str)]))
    earlier = pd.MultiIndex.from_arrays([trend["school"].astype(str), trend["previous_dimension"].astype(str)])
    previous_rate = rate.reindex(earlier).to_numpy(dtype=np.float64)
    position = np.flatnonzero(all_rows)
    for column, values in (("change", trend["change"]), ("change_low", trend["change_low"]),
                           ("change_high", trend["change_high"]), ("q_value", trend["q_value"]),
                           ("previous_n", pd.to_numeric(trend["previous_n"]).astype(np.float64)),
                           ("previous_response_rate", np.where(shown, previous_rate, np.nan))):
        table.loc[position, column] = np.asarray(values, dtype=np.float64)
    table.loc[position, "trend_flag"] = trend["flag"].astype(str).to_numpy()
    return table


def _confidential_previous(previous: PreviousRound, k_min: int) -> set[str]:
    """The dimensions whose previous network `all` cell every school's staff could see then: at least 3 schools
    and at least k_min respondents outside the largest. The network's change is the current index minus the
    previous one, so it is published only for those: a previous network cell that pooled two schools would
    otherwise come back as index - change. Results frozen without contributions: none."""
    if previous.contributions is None:
        return set()
    parts = previous.contributions
    parts = parts[((parts["table"] == "aggregates") & (parts["breakdown"] == ALL)).to_numpy() & (parts["n"] > 0).to_numpy()]
    by_cell = parts.groupby("cell")["n"].agg(["size", "sum", "max"])
    return set(by_cell.index[(by_cell["size"] >= 3) & (by_cell["sum"] - by_cell["max"] >= k_min)].astype(str))


def _add_response_rate(table, frame: pd.DataFrame, populations: pd.DataFrame | None) -> pd.DataFrame:
    table["response_rate"] = np.nan
    if populations is None or populations.empty:
        return table
    sizes = populations.groupby(["school", "program"], observed=True)["size"].sum()
    submitted = frame.groupby(["school", "program"], observed=True).size()
    school_size = sizes.groupby(level="school").sum()
    school_submitted = frame.groupby("school", observed=True).size()
    rate_school = response_rate(school_submitted.reindex(school_size.index, fill_value=0), school_size)
    rate_program = response_rate(submitted.reindex(sizes.index, fill_value=0), sizes)
    network_rate = response_rate(len(frame), float(sizes.sum()))
    # programs across schools: responses with that program code / the population given for it
    program_size = sizes.groupby(level="program").sum()
    program_submitted = frame.groupby("program", observed=True).size()
    rate_network_program = response_rate(program_submitted.reindex(program_size.index, fill_value=0),
                                         program_size)

    all_rows = _is_all(table)
    program_rows = (table["breakdown"] == "program").to_numpy()
    network_rows = (table["school"] == NETWORK).to_numpy()
    rate = np.full(len(table), np.nan)
    rate[all_rows & network_rows] = network_rate
    school_rows = all_rows & ~network_rows
    rate[school_rows] = table.loc[school_rows, "school"].map(rate_school).to_numpy(dtype=np.float64)
    rows = program_rows & network_rows
    rate[rows] = table.loc[rows, "group"].map(rate_network_program).to_numpy(dtype=np.float64)
    rows = program_rows & ~network_rows
    keys = pd.MultiIndex.from_frame(table.loc[rows, ["school", "group"]])
    rate[rows] = rate_program.reindex(keys).to_numpy(dtype=np.float64)
    # rate x population = n: a suppressed group shows no response rate (METHOD.md, Response rate)
    rate[table["suppressed"].astype(bool).to_numpy()] = np.nan
    table["response_rate"] = rate
    return table


def network_alpha(data: RoundData) -> pd.DataFrame:
    """`cronbach_alpha` (same formula, same result) on the packed codes, without the frame round trip: on the
    0-100 item scores after the reverse flip, which leaves alpha unchanged where a dimension's items share
    one k and puts items of different k on one footing."""
    spec = data.spec
    lookup = score_lookup(spec)
    substantive = ~np.isnan(lookup)
    rows, start = [], 0
    for dimension in spec.dimensions:
        m = len(dimension.items)
        complete = np.ones(data.raw_answers.shape[0], dtype=bool)
        for j in range(start, start + m):  # the complete cases first, from the codes: fewer scores to look up
            complete &= substantive[j][data.raw_answers[:, j]]
        codes = data.raw_answers[complete, start:start + m]
        block = np.empty(codes.shape)
        for j in range(m):
            np.take(lookup[start + j], codes[:, j], out=block[:, j])
        start += m
        n, alpha = len(block), np.nan
        if m > 1 and n > 1:
            total_variance = block.sum(axis=1).var(ddof=1)
            if total_variance > 0:
                alpha = m / (m - 1) * (1 - block.var(axis=0, ddof=1).sum() / total_variance)
        rows.append({"dimension": dimension.key, "items": m, "n": n, "alpha": alpha})
    return pd.DataFrame(rows, columns=["dimension", "items", "n", "alpha"])


def _add_alpha(table, data, spec, net) -> pd.DataFrame:
    alpha = network_alpha(data).set_index("dimension")["alpha"]
    rows = _is_all(table) & (table["school"] == NETWORK).to_numpy()
    if net["suppressed"].any():  # a network below k_min publishes nothing
        alpha = alpha.where(~net.set_index("dimension")["suppressed"])
    table["alpha"] = np.where(rows, table["dimension"].map(alpha).to_numpy(dtype=np.float64), np.nan)
    return table


def _order(table: pd.DataFrame, breakdowns, dimension_keys) -> pd.DataFrame:
    """NETWORK, then schools by code; breakdowns in order; groups as listed; dimensions in order."""
    school_order = np.where(table["school"].to_numpy() == NETWORK, 0, 1)
    breakdown_position = {name: i for i, name in enumerate((ALL, *breakdowns))}
    keys = pd.DataFrame({
        "network": school_order,
        "school": table["school"].to_numpy(),
        "breakdown": table["breakdown"].map(breakdown_position).to_numpy(),
        "position": np.arange(len(table)),
    })
    order = keys.sort_values(["network", "school", "breakdown", "position"], kind="stable").index
    return table.iloc[order].reset_index(drop=True)


def _items(data: RoundData, by_school: GroupCodes, k_min: int, schools, school_cells: pd.DataFrame,
           net: pd.DataFrame) -> pd.DataFrame:
    """Item results of the network and of every school. A school's items of a dimension whose index is
    suppressed are suppressed too (with complete answers the dimension's index is the mean of its item
    means, so they would give the hidden index back); then each item is a split of the network's item,
    complementary across schools; and a single suppressed item of a published dimension (the network's or
    a school's) takes the smallest other item with it (`_lone_items`)."""
    spec, frame = data.spec, data.frame
    network = item_results(frame, spec, answers=data.raw_answers)
    dimension_hidden = net.set_index("dimension")["suppressed"].astype(bool)
    dimension_hidden[""] = False  # loose items: no dimension cell to protect
    network["suppressed"] = network["dimension"].map(dimension_hidden).fillna(True).to_numpy(dtype=bool)
    network = suppress_small_groups(network, k_min)
    lone = _lone_items(network.assign(school=NETWORK))  # the network's items: the same rule as a school's
    if lone.any():
        network = suppress_small_groups(network.assign(suppressed=network["suppressed"].to_numpy() | lone), k_min)
    per_school = item_results(frame, spec, by_school, answers=data.raw_answers)
    hidden = school_cells.loc[school_cells["suppressed"].to_numpy(dtype=bool), ["school", "dimension"]]
    hidden_keys = set(zip(hidden["school"].astype(str), hidden["dimension"].astype(str)))
    per_school["suppressed"] = [key in hidden_keys for key in zip(per_school["school"].astype(str),
                                                                   per_school["dimension"].astype(str))]
    for _ in range(len(spec.item_keys) + 1):  # each pass suppresses more, or stops
        per_school = suppress_small_groups(per_school, k_min, parent_cells=network)
        lone = _lone_items(per_school)
        if not lone.any():
            break
        per_school["suppressed"] = per_school["suppressed"].to_numpy(dtype=bool) | lone
    network.insert(0, "school", NETWORK)
    table = pd.concat([network, per_school], ignore_index=True)
    missing = sorted(set(schools) - set(per_school["school"].astype(str)))
    if missing:
        items = list(spec.reported_items)
        empty = pd.DataFrame({
            "school": np.repeat(missing, len(items)),
            "item": items * len(missing),
            "dimension": [spec.dimension_of(item) for item in items] * len(missing),
            "n": 0, "suppressed": True,
        })
        table = pd.concat([table, empty], ignore_index=True)
        order = table.assign(_net=(table["school"] != NETWORK)).sort_values(["_net", "school"], kind="stable").index
        table = table.iloc[order].reset_index(drop=True)
    table = table[["school", "item", "dimension", "n", "mean", *share_columns(spec), "suppressed"]]
    for column in ("school", "item", "dimension"):
        table[column] = table[column].astype("str")
    table["n"] = table["n"].astype(np.int64)
    table["suppressed"] = table["suppressed"].astype(bool)
    return canonical(table)


def _lone_items(items: pd.DataFrame) -> np.ndarray:
    """Per school and dimension: when exactly one item cell is suppressed and others are published, the
    smallest published one (METHOD.md: no item cell may be derivable from a published dimension index and
    the other item results; with complete answers the index is the mean of the item means)."""
    suppressed = items["suppressed"].to_numpy(dtype=bool)
    n = items["n"].to_numpy(dtype=np.float64, na_value=0)
    frame = pd.DataFrame({"school": items["school"].astype(str).to_numpy(),
                          "dimension": items["dimension"].astype(str).to_numpy(),
                          "hidden": suppressed & (n > 0), "row": np.arange(len(items))})
    lone = np.zeros(len(items), dtype=bool)
    counts = frame.groupby(["school", "dimension"], sort=False)["hidden"].transform("sum").to_numpy()
    in_dimension = (frame["dimension"] != "").to_numpy()  # a loose item has no index to be derived from
    candidates = frame[(counts == 1) & ~suppressed & (n > 0) & in_dimension]
    if len(candidates):
        smallest = candidates.assign(n=n[candidates["row"]]).sort_values(["n", "row"], kind="stable")
        lone[smallest.drop_duplicates(["school", "dimension"])["row"].to_numpy()] = True
    return lone


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """Floats rounded to SIGNIFICANT_DIGITS significant digits (through their decimal text, so two values
    that differ only in the last bits give the same float), strings as `str`, a fresh RangeIndex."""
    table = table.reset_index(drop=True).copy()
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_float_dtype(values.dtype):
            array = values.to_numpy(dtype=np.float64, na_value=np.nan)
            finite = np.isfinite(array)
            text = np.char.mod(f"%.{SIGNIFICANT_DIGITS}g", array[finite])
            rounded = array.copy()
            rounded[finite] = text.astype(np.float64)
            rounded[rounded == 0] = 0.0  # no negative zero
            table[column] = rounded
        elif values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            table[column] = values.astype("str")
    return table


def canonical_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV text with fixed float formatting: what the content hash is computed over."""
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n", na_rep="", float_format=f"%.{SIGNIFICANT_DIGITS}g")
    return buffer.getvalue().encode()


def content_hash(aggregates: pd.DataFrame, items: pd.DataFrame, partners: pd.DataFrame | None = None,
                 questions: pd.DataFrame | None = None) -> str:
    """sha256 over the canonical text of the tables. `partners` None: results frozen before partners were
    part of the results (their hash covers the first two tables only); `questions` None: frozen before the
    background questions' results were (their hash covers the tables they had)."""
    digest = hashlib.sha256()
    digest.update(canonical_bytes(aggregates))
    digest.update(b"\x1e")
    digest.update(canonical_bytes(items))
    if partners is not None:
        digest.update(b"\x1e")
        digest.update(canonical_bytes(partners))
    if questions is not None:
        digest.update(b"\x1e")
        digest.update(canonical_bytes(questions))
    return digest.hexdigest()
