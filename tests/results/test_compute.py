"""Aggregates of small hand-made rounds against independent pandas computations and METHOD's rules."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.results.compute import AGGREGATE_COLUMNS, NETWORK
from survey.results.service import compute_round
from tests.results.conftest import DIMENSIONS, REVERSE, random_answers


def independent_scores(rows: list[dict]) -> pd.DataFrame:
    """METHOD.md Scores, written out plainly."""
    out = []
    for row in rows:
        scores = {}
        for dimension, items in DIMENSIONS.items():
            values = []
            for item in items:
                code = row.get(item)
                if code is None or code == "dk":
                    continue
                code = 6 - code if item in REVERSE else code
                values.append((code - 1) / 4 * 100)
            scores[dimension] = np.mean(values) if len(values) >= -(-len(items) // 2) else np.nan
        out.append(scores)
    return pd.DataFrame(out)


@pytest.fixture
def small_round(make_version, make_school, make_round, add_response):
    rng = np.random.default_rng(7)
    schools = [make_school("AAA", programs=("EL", "VVS")), make_school("BBB", programs=("EL",)),
               make_school("CCC", programs=("EL",)), make_school("DDD", programs=("EL",))]
    survey_round = make_round(make_version(), schools)
    sizes = {"AAA": 30, "BBB": 12, "CCC": 3, "DDD": 12}
    records = []
    for school in schools:
        answers = random_answers(rng, sizes[school.code])
        for i, row in enumerate(answers):
            program = "VVS" if school.code == "AAA" and i < 3 else "EL"
            gender = "female" if i % 2 else "male"
            add_response(survey_round, school, row, program=program, gender=gender)
            records.append({"school": school.code, "program": program, "gender": gender, **row})
    return survey_round, records


def test_school_indices_match_independent_computation(small_round):
    survey_round, records = small_round
    table = compute_round(survey_round, today=date(2026, 6, 1)).aggregates
    assert tuple(table.columns[: len(AGGREGATE_COLUMNS)]) == AGGREGATE_COLUMNS
    frame = pd.DataFrame(records)
    scores = independent_scores(records)
    scores["school"] = frame["school"]
    for (school, dimension), values in scores.melt(id_vars="school", var_name="dimension").groupby(
            ["school", "dimension"]):
        values = values["value"].dropna()
        row = table[(table["school"] == school) & (table["breakdown"] == "all") & (table["dimension"] == dimension)]
        assert len(row) == 1
        row = row.iloc[0]
        if len(values) < 5:
            assert row["suppressed"]
        if row["suppressed"]:  # small, or complementary to a small school: no numbers, no exact n
            assert np.isnan(row["index"]) and np.isnan(row["ci_low"]) and np.isnan(row["sd"])
            assert pd.isna(row["n"])
            assert row["n_shown"] == "–" and row["suppression"] == "suppressed"  # one symbol, whatever the reason
            continue
        assert row["n"] == len(values) and row["n_shown"] == str(len(values)) and pd.isna(row["suppression"])
        mean, sd = values.mean(), values.std(ddof=1)
        half = stats.t.ppf(0.975, len(values) - 1) * sd / np.sqrt(len(values))
        assert row["index"] == pytest.approx(mean, abs=1e-8)
        assert row["sd"] == pytest.approx(sd, abs=1e-8)
        assert row["ci_low"] == pytest.approx(mean - half, abs=1e-8)
        assert row["ci_high"] == pytest.approx(mean + half, abs=1e-8)
    network = table[(table["school"] == NETWORK) & (table["breakdown"] == "all")].set_index("dimension")
    for dimension in DIMENSIONS:
        pooled = scores[dimension].dropna()
        assert network.at[dimension, "index"] == pytest.approx(pooled.mean(), abs=1e-8)
        assert network.at[dimension, "n"] == len(pooled)
        assert np.allclose(table.loc[table["dimension"] == dimension, "network_mean"], pooled.mean(),
                           rtol=0, atol=1e-8)


def test_suppression_ranks_and_complementary(small_round):
    survey_round, _ = small_round
    table = compute_round(survey_round, today=date(2026, 6, 1)).aggregates
    schools = table[(table["breakdown"] == "all") & (table["school"] != NETWORK)]
    ccc = schools[schools["school"] == "CCC"]
    assert ccc["suppressed"].all() and ccc["index"].isna().all() and ccc["n"].isna().all()
    assert (ccc["n_shown"] == "–").all()
    assert ccc["rank"].isna().all()
    for dimension, cells in schools.groupby("dimension"):
        published = cells[~cells["suppressed"]]
        # complementary: CCC (< 5) alone may not be the only suppressed school of the network
        assert cells["suppressed"].sum() >= 2 or cells.loc[cells["suppressed"], "n"].sum() >= 5
        expected = published["index"].rank(method="min", ascending=False).astype(int)
        assert published["rank"].astype(int).tolist() == expected.tolist()
        assert (published["of"] == len(published)).all()
        values = published["index"].to_numpy()
        assert cells["median"].iloc[0] == pytest.approx(np.percentile(values, 50))
        assert cells["top_quartile"].iloc[0] == pytest.approx(np.percentile(values, 75))
    # AAA split by program: VVS has 3 (< 5), so EL is suppressed too (else VVS = AAA - EL)
    programs = table[(table["school"] == "AAA") & (table["breakdown"] == "program")]
    for _, cells in programs.groupby("dimension"):
        assert cells["suppressed"].all()
        assert cells["index"].isna().all() and cells["n"].isna().all()
        assert set(cells["n_shown"]) == {"–"}  # VVS is small, EL is hidden to protect it: the same symbol


def test_rank_ties_share_the_better_rank(make_version, make_school, make_round, add_response):
    schools = [make_school(code) for code in ("S1", "S2", "S3")]
    survey_round = make_round(make_version(), schools)
    plan = {"S1": [5, 5, 5, 4, 4], "S2": [5, 5, 5, 4, 4], "S3": [1, 2, 3, 3, 3]}
    for school in schools:
        for code in plan[school.code]:
            add_response(survey_round, school, {item: code for items in DIMENSIONS.values() for item in items
                                                if item not in REVERSE} | {"teach.boring": 6 - code})
    table = compute_round(survey_round, today=date(2026, 6, 1)).aggregates
    cells = table[(table["breakdown"] == "all") & (table["dimension"] == "teach") & (table["school"] != NETWORK)]
    assert cells.set_index("school")["rank"].to_dict() == {"S1": 1, "S2": 1, "S3": 3}
    assert (cells["of"] == 3).all()


def test_items_table(small_round):
    survey_round, records = small_round
    items = compute_round(survey_round, today=date(2026, 6, 1)).items
    assert list(items.columns) == ["school", "item", "dimension", "n", "mean", "share_1", "share_2", "share_3",
                                   "share_4", "share_5", "share_positive", "share_ns_dont_know", "suppressed",
                                   "schools", "suppression", "n_shown"]
    frame = pd.DataFrame(records)
    own = frame[frame["school"] == "AAA"]["teach.boring"]
    answered = own[own.map(lambda v: isinstance(v, int))].astype(int)
    row = items[(items["school"] == "AAA") & (items["item"] == "teach.boring")].iloc[0]
    assert row["n"] == len(answered)
    assert row["share_1"] == pytest.approx((answered == 1).mean())
    assert row["share_positive"] == pytest.approx(answered.isin([1, 2]).mean())  # reverse-worded
    assert row["mean"] == pytest.approx(((5 - answered) / 4 * 100).mean())
    ccc = items[items["school"] == "CCC"]
    assert ccc["suppressed"].all() and ccc["n"].isna().all() and ccc["mean"].isna().all()


def test_network_alpha_equals_the_analysis_package(small_round):
    from survey.analysis import cronbach_alpha
    from survey.results.compute import network_alpha
    from survey.results.loading import load_round

    data = load_round(small_round[0])
    frame = pd.concat([data.frame, data.answer_frame()], axis=1)
    ours, package = network_alpha(data), cronbach_alpha(frame, data.spec)
    assert np.allclose(ours["alpha"], package["alpha"], equal_nan=True)
    assert ours["n"].tolist() == package["n"].tolist()


def test_schools_tied_on_a_four_point_scale_share_the_better_rank(make_version, make_school, make_round,
                                                                  add_response):
    """k = 4, item scores 0, 33.3.., 66.6.., 100: S1's respondents answer wellbeing (4, 1), S2's (2, 3), so
    both indices are 50. With float32 item scores S2 came out a hair lower and ranked 2nd."""
    schools = [make_school(code) for code in ("S1", "S2", "S3")]
    survey_round = make_round(make_version(points=4), schools)
    plan = {"S1": (4, 1), "S2": (2, 3), "S3": (1, 2)}
    for school in schools:
        safe, friends = plan[school.code]
        for _ in range(5):
            add_response(survey_round, school, {"wellbeing.safe": safe, "wellbeing.friends": friends,
                                                "overall.satisfied": 3, "overall.recommend": 3,
                                                "teach.explains": 2, "teach.feedback": 2})
    table = compute_round(survey_round, today=date(2026, 6, 1)).aggregates
    cells = table[(table["breakdown"] == "all") & (table["dimension"] == "wellbeing") & (table["school"] != NETWORK)]
    cells = cells.set_index("school")
    assert cells["rank"].to_dict() == {"S1": 1, "S2": 1, "S3": 3}
    assert cells.loc["S1", "index"] == cells.loc["S2", "index"] == 50.0


def test_the_priority_map_lines_are_in_the_results(small_round):
    """The vertical line is 100 / number of predictor dimensions (teach and wellbeing: 50), the horizontal
    one gap = 0, the gap being the school's index minus the network's; the quadrants follow these numbers."""
    survey_round, _ = small_round
    table = compute_round(survey_round, today=date(2026, 6, 1)).aggregates
    mapped = table[table["importance"].notna()]
    assert set(mapped["dimension"]) == {"teach", "wellbeing"} and (mapped["breakdown"] == "all").all()
    assert (mapped["importance_line"] == 50.0).all()
    network = table[(table["school"] == NETWORK) & (table["breakdown"] == "all")].set_index("dimension")["index"]
    placed = mapped[mapped["quadrant"].notna()]
    assert len(placed)
    assert placed["gap"].to_numpy() == pytest.approx(
        placed["index"].to_numpy() - placed["dimension"].map(network).to_numpy())
    important = placed["importance"] >= placed["importance_line"]
    below = placed["gap"] < 0
    expected = np.select([important & below, important & ~below, ~important & below],
                         ["Improve first", "Keep up", "Watch"], "Maintain")
    assert placed["quadrant"].tolist() == expected.tolist()
    assert table.loc[table["importance"].isna(), "importance_line"].isna().all()


def test_school_intervals_take_the_population_and_network_intervals_the_clustering(small_round, db_session):
    """METHOD v2: AAA gave its population (45: 40 in EL, 5 in VVS), so its `all` intervals shrink by
    sqrt((45 - n) / 44); BBB's and DDD's populations equal their 12 respondents, so its intervals shrink by
    sqrt((12 - n) / 11); the NETWORK intervals are statsmodels' cluster-robust OLS with schools as clusters."""
    import statsmodels.api as sm

    from survey.rounds.models import Population

    survey_round, records = small_round
    sizes = {("AAA", "EL"): 40, ("AAA", "VVS"): 5, ("BBB", "EL"): 12, ("DDD", "EL"): 12}
    for school in survey_round.schools:
        for program in school.programs:
            if (school.code, program.code) in sizes:
                db_session.add(Population(round_id=survey_round.id, program_id=program.id,
                                          size=sizes[(school.code, program.code)]))
    db_session.flush()
    table = compute_round(survey_round, today=date(2026, 6, 1)).aggregates
    scores = independent_scores(records)
    scores["school"] = pd.DataFrame(records)["school"]
    exact = 0
    for dimension in DIMENSIONS:
        own = scores.loc[scores["school"] == "AAA", dimension].dropna()
        row = table[(table["school"] == "AAA") & (table["breakdown"] == "all") & (table["dimension"] == dimension)].iloc[0]
        fpc = np.sqrt((45 - len(own)) / 44)
        assert row["fpc"] == pytest.approx(fpc)
        expected = stats.t.interval(0.95, len(own) - 1, loc=own.mean(), scale=stats.sem(own) * fpc)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(np.clip(expected, 0, 100)), abs=1e-8)
        for code in ("BBB", "DDD"):  # one of them goes with CCC (complementary suppression)
            row = table[(table["school"] == code) & (table["breakdown"] == "all") & (table["dimension"] == dimension)].iloc[0]
            if not row["suppressed"]:  # 12 gave 12: the closer n is to the population, the narrower
                assert row["fpc"] == pytest.approx(np.sqrt((12 - row["n"]) / 11))
                half = stats.t.ppf(0.975, row["n"] - 1) * row["sd"] / np.sqrt(row["n"]) * row["fpc"]
                assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * half, abs=1e-8)
                exact += 1
        pooled = scores[["school", dimension]].dropna()
        fit = sm.OLS(pooled[dimension].to_numpy(), np.ones(len(pooled))).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(pooled["school"])[0]}, use_t=True)
        network = table[(table["school"] == NETWORK) & (table["breakdown"] == "all") & (table["dimension"] == dimension)].iloc[0]
        assert (network["ci_low"], network["ci_high"]) == pytest.approx(tuple(np.clip(fit.conf_int()[0], 0, 100)), abs=1e-8)
        assert pd.isna(network["fpc"])
    assert exact  # BBB or DDD is published, with its narrower interval
    # CCC gave no population: factor 1, `fpc` blank (and CCC is suppressed anyway)
    assert table.loc[table["school"] == "CCC", "fpc"].isna().all()
