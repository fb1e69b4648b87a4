"""Benchlearn's numbers: pure functions over numpy/pandas, following shared/METHOD.md exactly.

Nothing here knows of Flask or the database: callers load a round's responses into a frame, call
these functions and present the tables they return.

Data contract
-------------
- `QuestionnaireSpec` (spec.py): each item's scale (`scales`: a `ScaleSpec` with its k, labels and
  non-substantive options; items of one dimension may differ; `points` for items without one), the
  `dimensions` in order (each a `DimensionSpec` with its item keys), the `overall` satisfaction dimension's
  key (None: no structural analysis), the `reverse`-worded item keys, each item's `lineage` id (for trends;
  default: the item key itself) and the items whose changed scale is declared equivalent.
- A responses frame: one row per submitted response; columns `school` (code), `program` (code or
  missing), any background question columns (categorical/string), and one column per item key
  holding the answer code as given: 1..k before the reverse flip, NaN for no answer, and optionally
  240 (not asked: routed past) and 255 - j (the j-th non-substantive option, 255 = "don't know"), the
  codes of `Response.answers`. The results read those packed codes straight from the database
  (`answer_codes` gives them from a frame); not asked leaves the item out of the half-of-items rule.

Pipeline
--------
    scores = respondent_dimension_scores(frame, spec)        # once per round, reused everywhere
    network = dimension_index(scores)                        # all respondents pooled
    network = suppress_small_groups(network, k_min)
    schools = suppress_small_groups(dimension_index(scores, frame["school"]), k_min,
                                    parent_cells=network)
    programs, network_programs = suppress_crossed(
        dimension_index(scores, frame[["school", "program"]]), k_min, rows=["school"],
        row_cells=schools, column_cells=dimension_index(scores, frame["program"]),
        total_cells=network)
    benchmark = network_benchmark(schools, network)
    drivers = driver_importance(scores, spec)
    published = hide_suppressed_n(programs, k_min)          # no exact n for suppressed cells

Result tables are long ("tidy"): the group label columns first, then the cell key (`dimension`
or `item`), `n` and the statistics. `mean` is the index (0-100). Respondents with a missing
label (e.g. no program) are in no group of that breakdown but still count for their school and
the network; `suppress_small_groups` and `suppress_crossed` count them as a hidden remainder of
their school's split. For repeated breakdowns over a million rows, encode labels once with
`group_codes` and pass the `GroupCodes` (a list of them is crossed).

Numbers are float64 throughout; answer codes are kept compact (float32 or uint8) and become
float64 scores one dimension at a time (`dimension_scores_from_answers`).
"""
from survey.analysis.benchmark import NetworkBenchmark, network_benchmark
from survey.analysis.drivers import DriverImportance, driver_importance, school_driver_importance
from survey.analysis.lmg import lmg_shares, subset_r_squared
from survey.analysis.groups import GroupCodes, group_codes
from survey.analysis.indices import dimension_index
from survey.analysis.items import choice_results, item_results, number_results
from survey.analysis.partners import all_partners, anonymous_label, anonymous_labels, benchmark_partners
from survey.analysis.priority import (
    IMPROVE_FIRST,
    KEEP_UP,
    MAINTAIN,
    WATCH,
    mean_importance,
    priority_quadrants,
)
from survey.analysis.rates import response_rate
from survey.analysis.reliability import cronbach_alpha
from survey.analysis.scores import (
    answer_codes,
    answer_matrix,
    dimension_scores_from_answers,
    dimension_scores_from_items,
    item_score_matrix,
    item_scores,
    option_scores,
    respondent_dimension_scores,
)
from survey.analysis.disclosure import protect_table
from survey.analysis.spec import DimensionSpec, QuestionnaireSpec, ScaleSpec
from survey.analysis.suppression import (
    HIDDEN,
    K_MIN,
    SUPPRESSED,
    SUPPRESSION_NOTE,
    displayed_n,
    hide_suppressed_n,
    suppress_crossed,
    suppress_small_groups,
)
from survey.analysis.confidentiality import NetworkCells, confidential_network_cells, protected_counts
from survey.analysis.intervals import cluster_robust, finite_population_factor, gap_interval, group_interval
from survey.analysis.trends import benjamini_hochberg, comparable_dimensions, compare_rounds, trend, welch_interval

__all__ = [
    "HIDDEN", "IMPROVE_FIRST", "KEEP_UP", "K_MIN", "MAINTAIN", "SUPPRESSED", "SUPPRESSION_NOTE", "WATCH",
    "NetworkCells", "confidential_network_cells", "protected_counts",
    "DimensionSpec", "DriverImportance", "GroupCodes", "NetworkBenchmark", "QuestionnaireSpec", "ScaleSpec",
    "all_partners", "anonymous_label", "anonymous_labels", "answer_codes", "answer_matrix", "choice_results", "number_results", "benchmark_partners", "comparable_dimensions",
    "compare_rounds", "cronbach_alpha", "dimension_index", "dimension_scores_from_answers",
    "dimension_scores_from_items", "displayed_n", "driver_importance", "group_codes",
    "hide_suppressed_n", "item_results", "item_score_matrix", "item_scores", "lmg_shares",
    "mean_importance", "network_benchmark", "option_scores",
    "priority_quadrants", "protect_table", "respondent_dimension_scores", "response_rate",
    "school_driver_importance", "subset_r_squared", "suppress_crossed", "suppress_small_groups",
    "trend", "benjamini_hochberg", "welch_interval", "cluster_robust", "finite_population_factor",
    "gap_interval", "group_interval",
]
