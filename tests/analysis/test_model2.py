"""The analysis with questionnaire model 2: items of one dimension on different scales, items a respondent was
routed past (240), non-substantive options with their own codes, choice and numeric results, no overall
dimension, and comparability across versions by scale (METHOD.md v2)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from survey.analysis import (
    DimensionSpec,
    QuestionnaireSpec,
    ScaleSpec,
    choice_results,
    comparable_dimensions,
    driver_importance,
    item_results,
    number_results,
    respondent_dimension_scores,
)

NOT_ASKED, DONT_KNOW, NOT_RELEVANT = 240, 255, 254
SCALES = {"a.1": ScaleSpec(5), "a.2": ScaleSpec(4, non_substantive=(("dont_know", ()), ("not_relevant", ()))),
          "a.3": ScaleSpec(11), "b.1": ScaleSpec(2)}
SPEC = QuestionnaireSpec(points=5, dimensions=(DimensionSpec("a", ("a.1", "a.2", "a.3")), DimensionSpec("b", ("b.1",))),
                         overall="b", reverse={"a.3"}, scales=SCALES)


def by_hand(row: dict) -> float:
    """METHOD.md, Scores, written out: mean 0-100 score of the answered items, defined when at least half
    (rounded up) of the items the respondent was asked are answered."""
    asked = [item for item in ("a.1", "a.2", "a.3") if row[item] != NOT_ASKED]
    scores = []
    for item in asked:
        x, k = row[item], SCALES[item].points
        if isinstance(x, int) and 1 <= x <= k:
            x = k + 1 - x if item == "a.3" else x
            scores.append((x - 1) / (k - 1) * 100)
    return sum(scores) / len(scores) if scores and len(scores) >= math.ceil(len(asked) / 2) else float("nan")


def test_mixed_scales_and_routing_against_a_computation_by_hand():
    rng = np.random.default_rng(4)
    rows = []
    for _ in range(500):
        row = {}
        for item, scale in SCALES.items():
            choices = list(range(1, scale.points + 1)) + [None, NOT_ASKED]
            choices += [DONT_KNOW - j for j in range(len(scale.non_substantive))]
            row[item] = choices[rng.integers(len(choices))]
        rows.append(row)
    frame = pd.DataFrame([{k: np.nan if v is None else v for k, v in row.items()} for row in rows])
    scores = respondent_dimension_scores(frame, SPEC)
    expected = [by_hand({k: v for k, v in row.items()}) for row in rows]
    assert np.allclose(scores["a"].to_numpy(), expected, equal_nan=True)
    assert scores["a"].notna().sum() > 100


@pytest.mark.parametrize("answers, defined", [
    ({"a.1": 5, "a.2": np.nan, "a.3": NOT_ASKED}, True),   # 1 of the 2 asked: enough
    ({"a.1": 5, "a.2": np.nan, "a.3": np.nan}, False),      # 1 of 3 asked: not enough
    ({"a.1": 5, "a.2": DONT_KNOW, "a.3": NOT_ASKED}, True),  # "don't know" is no answer, but was asked
    ({"a.1": NOT_ASKED, "a.2": NOT_ASKED, "a.3": NOT_ASKED}, False),  # asked nothing: no score
])
def test_an_item_routed_past_does_not_count_among_the_dimensions_items(answers, defined):
    frame = pd.DataFrame([answers | {"b.1": 1}])
    assert respondent_dimension_scores(frame, SPEC)["a"].notna().iloc[0] == defined


def test_a_code_the_items_scale_lacks_is_refused():
    with pytest.raises(ValueError, match="a.1"):  # a 5-point item has no second non-substantive option
        respondent_dimension_scores(pd.DataFrame([{"a.1": NOT_RELEVANT, "a.2": 1, "a.3": 1, "b.1": 1}]), SPEC)


def test_item_results_per_scale_with_non_substantive_shares_over_those_who_saw_the_item():
    frame = pd.DataFrame({"a.1": [5, 4, 1, 1], "a.2": [4, DONT_KNOW, NOT_RELEVANT, NOT_ASKED],
                          "a.3": [11, 1, np.nan, 6], "b.1": [2, 2, 1, np.nan]})
    result = item_results(frame, SPEC).set_index("item")
    a2 = result.loc["a.2"]
    assert a2["n"] == 1 and a2["mean"] == 100 and a2["share_4"] == 1 and np.isnan(a2["share_5"])
    # three saw it (one was routed past); each non-substantive option has its own share of them
    assert a2["share_ns_dont_know"] == pytest.approx(1 / 3) and a2["share_ns_not_relevant"] == pytest.approx(1 / 3)
    assert np.isnan(result.loc["a.1", "share_ns_dont_know"])  # its scale has no such option
    a3 = result.loc["a.3"]  # reverse-worded 11 points: 11 -> 0, 1 -> 100, 6 -> 50
    assert a3["mean"] == 50 and a3["share_11"] == pytest.approx(1 / 3)
    assert a3["share_positive"] == pytest.approx(1 / 3)  # raw codes 1 and 2 after the flip
    assert result.loc["b.1", "share_positive"] == 1  # two points: every answer


def test_choice_and_number_results():
    chosen = np.array([[1, 0, 0], [0, 1, 1], [1, 1, 0], [0, 0, 0]], dtype=bool)
    answered = np.array([True, True, True, False])
    groups = pd.Series(["S", "S", "T", "T"])
    result = choice_results("where", chosen, answered, ["class", "yard", "online"], groups)
    s = result[result["school"] == "S"] if "school" in result else result[result.iloc[:, 0] == "S"]
    assert s["n"].tolist() == [2, 2, 2] and s["share"].tolist() == [0.5, 0.5, 0.5]
    network = choice_results("where", chosen, answered, ["class", "yard", "online"]).set_index("option")
    assert network["share"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3]) and (network["n"] == 3).all()
    numbers = number_results("days", np.array([1.0, 2.0, 3.0, 10.0, np.nan]))
    row = numbers.iloc[0]
    assert (row["n"], row["mean"], row["median"], row["q1"], row["q3"]) == (4, 4.0, 2.5, 1.75, 4.75)


def test_without_an_overall_dimension_there_are_no_importances():
    spec = QuestionnaireSpec(points=5, dimensions=SPEC.dimensions, scales=SCALES)
    assert spec.predictors == () and not spec.has_structural_analysis
    scores = pd.DataFrame({"a": [10.0, 20.0, 30.0], "b": [1.0, 2.0, 3.0]})
    fit = driver_importance(scores, spec)
    assert fit.importance.empty and fit.n == 0


def test_labels_compared_in_the_languages_both_versions_have():
    five = ScaleSpec(5, labels=(("da", ("a", "b", "c", "d", "e")),))
    assert five.changes(five) == []
    translated = ScaleSpec(5, labels=(("da", ("a", "b", "c", "d", "e")), ("en", ("A", "B", "C", "D", "E"))))
    assert translated.changes(five) == []
    assert ScaleSpec(5, labels=(("da", ("a", "b", "x", "d", "e")),)).changes(five) == ["labels changed"]
    assert ScaleSpec(5, order="descending", labels=five.labels).changes(five) == ["order ascending -> descending"]
    assert ScaleSpec(5, labels=five.labels, non_substantive=(("dont_know", ()),)).changes(five) == [
        "non-substantive options none -> dont_know"]


def test_a_changed_scale_breaks_comparability_unless_declared_equivalent():
    before = QuestionnaireSpec(points=5, dimensions=SPEC.dimensions, overall="b", reverse={"a.3"}, scales=SCALES)
    wider = dict(SCALES) | {"a.1": ScaleSpec(7)}
    after = QuestionnaireSpec(points=5, dimensions=SPEC.dimensions, overall="b", reverse={"a.3"}, scales=wider)
    assert comparable_dimensions(before, after) == {"a": None, "b": "b"}
    declared = QuestionnaireSpec(points=5, dimensions=SPEC.dimensions, overall="b", reverse={"a.3"}, scales=wider,
                                 equivalent_scale={"a.1": "seven points, the same two ends"})
    assert comparable_dimensions(before, declared) == {"a": "a", "b": "b"}
