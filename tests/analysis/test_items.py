import numpy as np
import pandas as pd
import pytest

from survey.analysis import item_results


def test_item_results_by_hand(make_spec, make_responses):
    spec = make_spec({"overall": 2}, reverse={"overall.2"})
    frame = make_responses(
        school=["A"] * 5,
        **{"overall.1": [5, 4, 4, 1, None],     # None: "don't know", not counted
           "overall.2": [1, 2, 5, 5, 3]})       # reverse-worded
    result = item_results(frame, spec, frame["school"]).set_index("item")

    first = result.loc["overall.1"]
    # n = 4 answers; mean (100 + 75 + 75 + 0) / 4 = 62.5
    assert first["n"] == 4 and first["mean"] == 62.5
    # shares of the options as presented: 1 -> 1/4, 4 -> 2/4, 5 -> 1/4
    assert first[[f"share_{j}" for j in range(1, 6)]].tolist() == [0.25, 0, 0, 0.5, 0.25]
    # positive = the top two points 4 and 5: 3 / 4
    assert first["share_positive"] == 0.75

    second = result.loc["overall.2"]
    # flipped 1->5, 2->4, 5->1, 5->1, 3->3: scores 100, 75, 0, 0, 50 -> mean 225 / 5 = 45
    assert second["n"] == 5 and second["mean"] == 45
    # distribution keeps the raw codes: 1, 2, 3 once each, 5 twice
    assert second[[f"share_{j}" for j in range(1, 6)]].tolist() == [0.2, 0.2, 0.2, 0, 0.4]
    # positive after the flip = raw codes 1 and 2: 2 / 5
    assert second["share_positive"] == 0.4
    assert result.loc["overall.2", "dimension"] == "overall"


def test_item_results_per_group_and_for_the_network(make_spec, make_responses):
    spec = make_spec({"overall": 1})
    frame = make_responses(school=["A", "A", "B"], **{"overall.1": [5, 3, 1]})
    by_school = item_results(frame, spec, frame["school"])
    assert by_school[["school", "n", "mean"]].values.tolist() == [["A", 2, 75], ["B", 1, 0]]
    network = item_results(frame, spec)
    # pooled (100 + 50 + 0) / 3 = 50
    assert network.loc[0, "n"] == 3 and network.loc[0, "mean"] == 50
    assert "school" not in network.columns


def test_unanswered_item_has_no_shares(make_spec, make_responses):
    spec = make_spec({"overall": 1})
    frame = make_responses(school=["A"], **{"overall.1": [None]})
    row = item_results(frame, spec, frame["school"]).iloc[0]
    assert row["n"] == 0
    assert np.isnan(row["mean"]) and np.isnan(row["share_positive"])


def test_item_mean_matches_item_scores(make_spec):
    rng = np.random.default_rng(3)
    spec = make_spec({"a": 3, "overall": 2}, points=7, reverse={"a.2"})
    frame = pd.DataFrame({key: rng.integers(1, 8, 200).astype(float) for key in spec.item_keys})
    frame.iloc[::7, 1] = np.nan
    from survey.analysis import item_scores
    expected = item_scores(frame, spec).mean()
    result = item_results(frame, spec).set_index("item")["mean"]
    assert result.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-6)
