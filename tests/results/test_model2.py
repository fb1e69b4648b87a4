"""Results of questionnaire model 2 from the database: items of one dimension on different scales, items a
respondent was routed past, non-substantive options each with its share, choice and numeric questions, an
optional overall dimension, trends found by lineage and broken by a changed scale (METHOD.md v2)."""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from survey.results.service import compute_round, previous_round
from tests.results.conftest import REVERSE, random_answers

AFTER = date(2026, 6, 1)
AGREE, OFTEN = 5, 4
TEACH = ["teach.explains", "teach.boring", "teach.feedback"]
WELLBEING = ["wellbeing.safe", "wellbeing.friends", "wellbeing.bullying"]
OVERALL = ["overall.satisfied", "overall.recommend"]
DIMENSIONS = {"teach": TEACH, "wellbeing": WELLBEING, "overall": OVERALL}
POINTS = {item: OFTEN if item in ("wellbeing.safe", "wellbeing.friends") else AGREE
          for items in DIMENSIONS.values() for item in items}
MIXED_REVERSE = REVERSE | {"wellbeing.bullying"}


def mixed_people(rng: np.random.Generator, n: int) -> list[dict]:
    """Respondents of the mixed questionnaire: answers by item ("dk", "nr", "na" or a code; absent = no
    answer) and background answers; those not bullied were routed past the bullying page."""
    people = []
    for _ in range(n):
        bullied = rng.random() < 0.4
        answers = {}
        for item, k in POINTS.items():
            if item == "wellbeing.bullying" and not bullied:
                answers[item] = "na"
                continue
            u = rng.random()
            if u < 0.08:
                continue  # no answer
            if u < 0.14:
                answers[item] = "dk"
            elif u < 0.18 and k == OFTEN:
                answers[item] = "nr"
            else:
                answers[item] = int(rng.integers(1, k + 1))
        background = {"bullied": "yes" if bullied else "no"}
        if bullied:
            chosen = [key for key in ("class", "yard", "online") if rng.random() < 0.5]
            background["where"] = chosen or ["none"]
            if rng.random() < 0.9:
                background["days"] = int(rng.integers(0, 30))
        else:
            background["where"] = background["days"] = "na"
        people.append({"answers": answers, "background": background})
    return people


@pytest.fixture
def mixed_round(make_version, make_school, make_round, add_response):
    rng = np.random.default_rng(21)
    schools = [make_school(code) for code in ("AAA", "BBB", "CCC", "DDD")]
    survey_round = make_round(make_version(mixed=True), schools)
    people = []
    for school, size in zip(schools, (40, 30, 25, 3)):
        for person in mixed_people(rng, size):
            add_response(survey_round, school, person["answers"], background=person["background"])
            people.append(person | {"school": school.code})
    return survey_round, people


def independent_score(person: dict, items: list[str]) -> float | None:
    """METHOD.md, Scores, computed afresh: the mean 0-100 score over the answered items, defined when at least
    half (rounded up) of the items the respondent was asked are answered."""
    asked = [item for item in items if person["answers"].get(item) != "na"]
    scores = []
    for item in asked:
        value = person["answers"].get(item)
        if isinstance(value, int):
            k = POINTS[item]
            x = k + 1 - value if item in MIXED_REVERSE else value
            scores.append((x - 1) / (k - 1) * 100)
    if not scores or len(scores) < math.ceil(len(asked) / 2):
        return None
    return sum(scores) / len(scores)


def test_dimension_indices_with_mixed_scales_and_routing_match_an_independent_computation(mixed_round):
    survey_round, people = mixed_round
    table = compute_round(survey_round, today=AFTER).aggregates
    network = table[(table["school"] == "NETWORK") & (table["breakdown"] == "all")].set_index("dimension")
    for dimension, items in DIMENSIONS.items():
        scores = [s for s in (independent_score(p, items) for p in people) if s is not None]
        assert network.loc[dimension, "n"] == len(scores)
        assert network.loc[dimension, "index"] == pytest.approx(np.mean(scores), rel=1e-9)
    school = table[(table["school"] == "AAA") & (table["breakdown"] == "all")].set_index("dimension")
    own = [s for s in (independent_score(p, WELLBEING) for p in people if p["school"] == "AAA") if s is not None]
    assert school.loc["wellbeing", "index"] == pytest.approx(np.mean(own), rel=1e-9)


def test_an_item_routed_past_is_not_among_the_items_a_score_needs_half_of(make_version, make_school, make_round,
                                                                         add_response):
    """Wellbeing has 3 items. Routed past the third, one answer of the two asked is enough (1 >= ceil(2/2));
    asked all three, one answer is not (1 < ceil(3/2))."""
    school = make_school("AAA")
    survey_round = make_round(make_version(mixed=True), [school])
    for _ in range(6):
        add_response(survey_round, school, {"wellbeing.safe": 4, "wellbeing.bullying": "na"},
                     background={"bullied": "no", "where": "na", "days": "na"})
    for _ in range(6):
        add_response(survey_round, school, {"wellbeing.safe": 1}, background={"bullied": "yes"})
    table = compute_round(survey_round, today=AFTER).aggregates
    cell = table[(table["school"] == "NETWORK") & (table["breakdown"] == "all")
                 & (table["dimension"] == "wellbeing")].iloc[0]
    assert cell["n"] == 6 and cell["index"] == 100


def test_item_results_of_every_type(mixed_round):
    survey_round, people = mixed_round
    results = compute_round(survey_round, today=AFTER)
    items = results.items[results.items["school"] == "NETWORK"].set_index("item")

    safe = [p["answers"].get("wellbeing.safe") for p in people]
    given = [v for v in safe if isinstance(v, int)]
    row = items.loc["wellbeing.safe"]
    assert row["n"] == len(given)
    assert row["mean"] == pytest.approx(np.mean([(v - 1) / 3 * 100 for v in given]))
    assert [row[f"share_{j}"] for j in range(1, 5)] == pytest.approx([given.count(j) / len(given) for j in range(1, 5)])
    assert np.isnan(row["share_5"])  # a 4-point item has no fifth point
    assert row["share_positive"] == pytest.approx(sum(v >= 3 for v in given) / len(given))
    # each non-substantive option over all who saw the item (here everyone), answered or not
    assert row["share_ns_not_relevant"] == pytest.approx(safe.count("nr") / len(people))
    assert row["share_ns_dont_know"] == pytest.approx(safe.count("dk") / len(people))
    bullying = [p["answers"].get("wellbeing.bullying") for p in people]
    saw = [v for v in bullying if v != "na"]
    row = items.loc["wellbeing.bullying"]
    assert row["share_ns_dont_know"] == pytest.approx(saw.count("dk") / len(saw))  # not over those routed past
    assert np.isnan(row["share_ns_not_relevant"])  # the agreement scale has no such option
    assert row["n"] == sum(isinstance(v, int) for v in saw)

    questions = results.questions
    network = questions[questions["school"] == "NETWORK"]
    bullied = network[network["question"] == "bullied"].set_index("option")
    assert bullied.loc["yes", "share"] == pytest.approx(
        sum(p["background"]["bullied"] == "yes" for p in people) / len(people))
    where = network[network["question"] == "where"].set_index("option")
    answered = [p["background"]["where"] for p in people if p["background"]["where"] != "na"]
    assert (where["n"] == len(answered)).all()
    for option in ("class", "yard", "online"):  # multiple choice: the share of respondents choosing it
        assert where.loc[option, "share"] == pytest.approx(sum(option in w for w in answered) / len(answered))
    days = network[network["question"] == "days"].iloc[0]
    numbers = np.array([p["background"]["days"] for p in people if isinstance(p["background"].get("days"), int)])
    assert days["n"] == len(numbers) and days["option"] == ""
    assert (days["mean"], days["median"], days["q1"], days["q3"]) == pytest.approx(
        (numbers.mean(), np.median(numbers), *np.quantile(numbers, [0.25, 0.75])))


def test_question_cells_are_suppressed_like_every_cell(mixed_round):
    survey_round, people = mixed_round
    questions = compute_round(survey_round, today=AFTER).questions
    small = questions[questions["school"] == "DDD"]  # 3 respondents
    assert small["suppressed"].all() and small["share"].isna().all() and small["mean"].isna().all()
    assert (small["n_shown"] == "–").all() and small["n"].isna().all()
    # the other schools are a split of the network: with one school hidden, another goes with it
    bullied = questions[(questions["question"] == "bullied") & (questions["school"] != "NETWORK")]
    assert bullied.groupby("school")["suppressed"].all().sum() >= 2
    # an option chosen by fewer than k_min respondents of a published question is hidden, never a bare count
    for _, row in questions[~questions["suppressed"].astype(bool) & (questions["option"] != "")].iterrows():
        assert row["share"] * row["n"] >= 5 - 1e-9


def test_without_an_overall_dimension_there_is_no_structural_analysis(make_version, make_school, make_round,
                                                                     add_response):
    rng = np.random.default_rng(2)
    schools = [make_school(code) for code in ("AAA", "BBB")]
    survey_round = make_round(make_version(overall=False), schools)
    for school in schools:
        for row in random_answers(rng, 30):
            add_response(survey_round, school, {k: v for k, v in row.items() if not k.startswith("overall")})
    table = compute_round(survey_round, today=AFTER).aggregates
    assert set(table["dimension"]) == {"teach", "wellbeing"}
    assert table["importance"].isna().all() and table["r_squared"].isna().all()
    assert (table["quadrant"].fillna("") == "").all()
    assert table.loc[table["breakdown"] == "all", "index"].notna().all()


def _closed(make_round, version, schools, name, year):
    return make_round(version, schools, name=name, opens_on=date(year, 1, 1), closes_on=date(year, 3, 1))


def test_the_earlier_round_is_the_last_closed_one_of_the_same_lineage(make_version, make_school, make_round):
    school = make_school("AAA")
    first = _closed(make_round, make_version("t1"), [school], "R2024", 2024)
    follows = make_version("t2", previous="t1")
    other_family = _closed(make_round, make_version("w1", family="wellbeing"), [school], "W2025", 2025)
    restart = make_version("t3")  # same family name, no `previous`: a lineage of its own
    current = make_round(follows, [school], name="R2026")
    assert previous_round(current, AFTER) == first  # not the later round of another family
    assert other_family.closes_on > first.closes_on
    later = _closed(make_round, restart, [school], "R2025b", 2025)
    assert previous_round(current, AFTER) == first  # nor the later round of the restarted lineage
    assert previous_round(make_round(make_version("t4", previous="t3"), [school], name="R2026b"), AFTER) == later


def _trend_rounds(make_version, make_school, make_round, add_response, **new_version):
    rng = np.random.default_rng(5)
    school = make_school("AAA")
    old = _closed(make_round, make_version("t1"), [school], "R2025", 2025)
    new = make_round(make_version("t2", previous="t1", **new_version), [school], name="R2026")
    for survey_round in (old, new):
        for row in random_answers(rng, 40, missing=0):
            add_response(survey_round, school, row)
    table = compute_round(new, today=AFTER).aggregates
    return table[(table["school"] == "AAA") & (table["breakdown"] == "all")].set_index("dimension")["change"]


def test_trends_follow_the_lineage(make_version, make_school, make_round, add_response):
    assert _trend_rounds(make_version, make_school, make_round, add_response).notna().all()


def test_a_changed_scale_breaks_the_trend_unless_declared_equivalent(make_version, make_school, make_round,
                                                                    add_response):
    changed = _trend_rounds(make_version, make_school, make_round, add_response, scale_labels="Grad ")
    assert changed.isna().all()


def test_a_scale_declared_equivalent_keeps_the_trend(make_version, make_school, make_round, add_response):
    kept = _trend_rounds(make_version, make_school, make_round, add_response, scale_labels="Grad ",
                         equivalent="'the same five points, relabelled'")
    assert kept.notna().all()
