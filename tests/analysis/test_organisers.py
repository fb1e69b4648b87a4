"""Organiser rows of a round's results: the same method one level above the schools, checked against an
independent pandas computation from the respondents' scores, and against the exact disclosure audit."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from scipy import stats

from survey.analysis import dimension_scores_from_answers
from survey.analysis.audit import audit_published_tables
from survey.results.compute import compute_results, organiser_rows, without_organisers
from tests.analysis.test_audit import SPEC, networks, round_data

K = 5
SCHOOLS = ("S0", "S1", "S2", "S3", "S4", "S5")
ORGANISERS = {"S0": "KOM1", "S1": "KOM1", "S2": "KOM1", "S3": "KOM2", "S4": "KOM2", "S5": "FRI"}


def a_round(sizes: dict[str, int], seed: int = 11, organisers=ORGANISERS):
    people = [(school, "EL") for school, count in sizes.items() for _ in range(count)]
    data = round_data(people, seed)
    return data, compute_results(data, k_min=K, schools=tuple(sizes), organisers=organisers)


def test_an_organisers_index_and_interval_follow_from_its_respondents_with_schools_as_clusters():
    data, results = a_round({"S0": 14, "S1": 9, "S2": 22, "S3": 30, "S4": 12, "S5": 17})
    scores = pd.DataFrame(dimension_scores_from_answers(data.raw_answers, SPEC), columns=list(SPEC.dimension_keys))
    scores["school"] = data.frame["school"].astype(str).to_numpy()
    scores["organiser"] = scores["school"].map(ORGANISERS)
    shown = organiser_rows(results.aggregates).set_index(["school", "dimension"])
    network = results.aggregates.query("level == 'network' and breakdown == 'all'").set_index("dimension")
    for organiser in ("KOM1", "KOM2"):
        own = scores[scores["organiser"] == organiser]
        for dimension in SPEC.dimension_keys:
            values = own[["school", dimension]].dropna()
            row = shown.loc[(organiser, dimension)]
            assert row["n"] == len(values)
            assert np.isclose(row["index"], values[dimension].mean())
            assert np.isclose(row["sd"], values[dimension].std(ddof=1))
            # CR1: schools as clusters, t with clusters - 1 degrees of freedom
            per_school = values.groupby("school")[dimension].agg(["size", "sum"])
            g, total = len(per_school), per_school["size"].sum()
            residual = per_school["sum"] - per_school["size"] * values[dimension].mean()
            se = np.sqrt(g / (g - 1) * np.square(residual).sum()) / total
            half = stats.t.ppf(0.975, g - 1) * se
            assert np.isclose(row["ci_low"], max(0.0, row["index"] - half))
            assert np.isclose(row["ci_high"], min(100.0, row["index"] + half))
            assert np.isclose(row["gap"], row["index"] - network.loc[dimension, "index"])
            assert row["gap_low"] < row["gap"] < row["gap_high"]
            assert np.isclose(row["network_mean"], network.loc[dimension, "index"])


def test_an_organiser_of_one_school_shows_exactly_that_school():
    _, results = a_round({"S0": 14, "S1": 9, "S2": 22, "S3": 30, "S4": 12, "S5": 17})
    organiser = organiser_rows(results.aggregates, "FRI").set_index("dimension")
    school = results.aggregates.query("level == 'school' and school == 'S5' and breakdown == 'all'")
    school = school.set_index("dimension")
    for column in ("n", "index", "sd", "ci_low", "ci_high", "gap", "gap_low", "gap_high"):
        assert organiser[column].tolist() == school[column].tolist(), column


def test_an_organiser_hiding_a_single_small_school_is_suppressed_and_its_hidden_school_stays_uncertain():
    """KOM2 = S3 (30) + S4 (3): publishing KOM2 would give S4 by subtraction, so KOM2 shows "–"; and S4 alone
    would then be the network's hidden remainder, so another organiser holding a hidden school goes too."""
    _, results = a_round({"S0": 14, "S1": 3, "S2": 22, "S3": 30, "S4": 3, "S5": 17})
    organisers = organiser_rows(results.aggregates).query("dimension == 'teach'").set_index("school")
    assert organisers.loc["KOM2", "n_shown"] == "–" and organisers.loc["KOM1", "n_shown"] == "–"
    assert pd.isna(organisers.loc["KOM2", "index"])
    assert organisers.loc["FRI", "n_shown"] == "17"
    assert audit_published_tables(results.aggregates, results.items, k_min=K, organisers=ORGANISERS) == []


def test_the_level_column_comes_first_and_school_presenters_never_see_organiser_rows():
    _, results = a_round({"S0": 14, "S1": 9, "S2": 22, "S3": 30, "S4": 12, "S5": 17})
    for table in (results.aggregates, results.items):
        assert table.columns[0] == "level"
        assert set(table["level"]) == {"network", "organiser", "school"}
        assert set(without_organisers(table)["level"]) == {"network", "school"}
    # the network first, then the organisers, then the schools
    levels = results.aggregates["level"].tolist()
    assert levels == sorted(levels, key=["network", "organiser", "school"].index)


def test_without_organisers_the_tables_have_no_organiser_rows():
    people = [(school, "EL") for school in SCHOOLS for _ in range(8)]
    results = compute_results(round_data(people, 3), k_min=K, schools=SCHOOLS)
    assert set(results.aggregates["level"]) == {"network", "school"}


@settings(max_examples=30, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(networks().filter(lambda network: network[0]), st.data())
def test_nothing_published_at_organiser_level_can_be_pinned_down(network, draw):
    """METHOD's audit rule on the tables with organiser rows, read by someone who sees every school and
    every organiser (an organiser's staff see less): no suppressed cell, school or organiser, can be worked
    out or bounded narrower than k_min."""
    people, populations, k_min, seed = network
    schools = sorted({s for s, _ in people} | {s for s, _, _ in populations})
    organisers = {school: draw.draw(st.sampled_from(["A", "B", "C", None])) for school in schools}
    organisers = {school: code for school, code in organisers.items() if code is not None}
    data = round_data(people, seed)
    results = compute_results(data, k_min=k_min, schools=tuple(schools), organisers=organisers)
    found = audit_published_tables(results.aggregates, results.items, k_min=k_min, organisers=organisers)
    assert [str(d) for d in found] == []
