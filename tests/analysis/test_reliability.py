import numpy as np
import pandas as pd
import pytest

from survey.analysis import cronbach_alpha, item_scores


def test_alpha_by_hand_with_a_reverse_item(make_spec, make_responses):
    spec = make_spec({"overall": 2}, reverse={"overall.2"})
    frame = make_responses(**{"overall.1": [1, 3, 5, 4], "overall.2": [5, 3, 1, None]})
    row = cronbach_alpha(frame, spec).iloc[0]
    # complete cases: the first 3 (the 4th skipped overall.2)
    # scores: overall.1 0, 50, 100; overall.2 flipped 5->1, 3->3, 1->5: 0, 50, 100
    # item variances (ddof 1): (50^2 + 0 + 50^2) / 2 = 2500 each
    # sums 0, 100, 200: variance (100^2 + 0 + 100^2) / 2 = 10000
    # alpha = 2 / 1 * (1 - 5000 / 10000) = 1
    assert row["n"] == 3 and row["items"] == 2
    assert row["alpha"] == pytest.approx(1)


def test_alpha_against_a_direct_computation(make_spec):
    rng = np.random.default_rng(4)
    spec = make_spec({"a": 4, "overall": 3}, reverse={"a.3"})
    latent = rng.normal(size=300)
    frame = pd.DataFrame({key: np.clip(np.rint(3 + latent + rng.normal(size=300)), 1, 5)
                          for key in spec.item_keys})
    frame["a.3"] = 6 - frame["a.3"]  # worded the other way round
    frame.iloc[::10, 0] = np.nan
    result = cronbach_alpha(frame, spec).set_index("dimension")["alpha"]
    for dimension in spec.dimensions:
        block = item_scores(frame, spec)[list(dimension.items)].dropna().to_numpy()
        m = block.shape[1]
        expected = m / (m - 1) * (1 - block.var(axis=0, ddof=1).sum()
                                  / block.sum(axis=1).var(ddof=1))
        assert result[dimension.key] == pytest.approx(expected)
        assert expected > 0.5  # the flip made a.3 agree with the others


def test_one_item_dimension_has_no_alpha(make_spec, make_responses):
    spec = make_spec({"overall": 1})
    row = cronbach_alpha(make_responses(**{"overall.1": [1, 2, 3]}), spec).iloc[0]
    assert np.isnan(row["alpha"]) and row["n"] == 3
