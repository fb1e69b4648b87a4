import numpy as np
import pandas as pd
import pytest

from survey.analysis import item_scores, respondent_dimension_scores


def test_item_score_is_scaled_to_0_100(make_spec, make_responses):
    spec = make_spec({"overall": 1})
    frame = make_responses(**{"overall.1": [1, 2, 3, 4, 5]})
    # (x - 1) / (5 - 1) * 100: 1 -> 0, 2 -> 25, 3 -> 50, 4 -> 75, 5 -> 100
    assert item_scores(frame, spec)["overall.1"].tolist() == [0, 25, 50, 75, 100]


def test_item_score_on_a_seven_point_scale(make_spec, make_responses):
    spec = make_spec({"overall": 1}, points=7)
    frame = make_responses(**{"overall.1": [3, 7]})
    # (3 - 1) / 6 * 100 = 33.33...; (7 - 1) / 6 * 100 = 100
    assert item_scores(frame, spec)["overall.1"].tolist() == pytest.approx([100 / 3, 100])


def test_reverse_items_are_flipped_before_scaling(make_spec, make_responses):
    spec = make_spec({"overall": 2}, reverse={"overall.2"})
    frame = make_responses(**{"overall.1": [2, 5], "overall.2": [2, 5]})
    scores = item_scores(frame, spec)
    # ordinary: 2 -> (2-1)/4*100 = 25.  reverse: 2 -> 5+1-2 = 4 -> (4-1)/4*100 = 75
    assert scores["overall.1"].tolist() == [25, 100]
    # reverse: 5 -> 1 -> 0
    assert scores["overall.2"].tolist() == [75, 0]


def test_dont_know_is_missing_never_a_score(make_spec, make_responses):
    spec = make_spec({"overall": 2})
    frame = make_responses(**{"overall.1": [None, 5], "overall.2": [3, None]})
    scores = item_scores(frame, spec)
    assert np.isnan(scores.loc[0, "overall.1"]) and np.isnan(scores.loc[1, "overall.2"])
    dimension = respondent_dimension_scores(frame, spec)["overall"]
    # one of two answered meets ceil(2/2) = 1: respondent 0 -> 50 (code 3), respondent 1 -> 100
    assert dimension.tolist() == [50, 100]


def test_nullable_integer_answers(make_spec):
    spec = make_spec({"overall": 2})
    frame = pd.DataFrame({"overall.1": pd.array([4, None], dtype="Int64"),
                          "overall.2": pd.array([2, 3], dtype="Int64")})
    # respondent 0: (75 + 25) / 2 = 50; respondent 1: only 50 answered -> 50
    assert respondent_dimension_scores(frame, spec)["overall"].tolist() == [50, 50]


@pytest.mark.parametrize("code", [0, 6, 2.5, -1])
def test_codes_outside_the_scale_are_refused(make_spec, make_responses, code):
    spec = make_spec({"overall": 1})
    with pytest.raises(ValueError, match="1..5"):
        item_scores(make_responses(**{"overall.1": [3, code]}), spec)


def test_missing_item_column_is_refused(make_spec, make_responses):
    spec = make_spec({"overall": 2})
    with pytest.raises(KeyError, match="overall.2"):
        respondent_dimension_scores(make_responses(**{"overall.1": [3]}), spec)


def test_half_of_items_rule_with_an_odd_item_count(make_spec, make_responses):
    spec = make_spec({"overall": 3})  # 3 items: at least ceil(1.5) = 2 answered
    frame = make_responses(**{
        "overall.1": [5, 5, 5, None],
        "overall.2": [3, 3, None, None],
        "overall.3": [1, None, None, None],
    })
    scores = respondent_dimension_scores(frame, spec)["overall"]
    # r0: (100 + 50 + 0) / 3 = 50;  r1: (100 + 50) / 2 = 75;  r2: 1 of 3 -> missing; r3: none
    assert scores.iloc[:2].tolist() == [50, 75]
    assert scores.iloc[2:].isna().all()


def test_half_of_items_rule_with_an_even_item_count(make_spec, make_responses):
    spec = make_spec({"overall": 4})  # 4 items: at least 4 / 2 = 2 answered
    frame = make_responses(**{
        "overall.1": [4, 4, 4],
        "overall.2": [2, 2, None],
        "overall.3": [5, None, None],
        "overall.4": [None, None, None],
    })
    scores = respondent_dimension_scores(frame, spec)["overall"]
    # r0: (75 + 25 + 100) / 3 = 66.67;  r1: (75 + 25) / 2 = 50;  r2: 1 of 4 -> missing
    assert scores.iloc[0] == pytest.approx(200 / 3)
    assert scores.iloc[1] == 50
    assert np.isnan(scores.iloc[2])


def test_dimension_scores_keep_the_frame_index_and_dimension_order(make_spec, make_responses):
    spec = make_spec({"teaching": 1, "overall": 1})
    frame = make_responses(**{"teaching.1": [1, 5], "overall.1": [5, 1]})
    frame.index = pd.Index([10, 20])
    scores = respondent_dimension_scores(frame, spec)
    assert list(scores.columns) == ["teaching", "overall"]
    assert scores.loc[20].tolist() == [100, 0]


def test_packed_codes_give_the_same_float64_scores_as_the_frame(make_spec, make_responses):
    from survey.analysis import answer_matrix, dimension_scores_from_answers, option_scores

    spec = make_spec({"teaching": 3, "overall": 2}, reverse={"teaching.2"}, points=4)
    frame = make_responses(**{"teaching.1": [1, 2, None, 4], "teaching.2": [4, None, None, 1],
                              "teaching.3": [3, 3, 2, None], "overall.1": [2, 3, 4, 1],
                              "overall.2": [None, 1, 4, 2]})
    answers = answer_matrix(frame, spec)
    packed = np.nan_to_num(answers, nan=255).astype(np.uint8)  # 255: "don't know"
    packed[1, 1] = 0  # 0: no answer
    from_frame = respondent_dimension_scores(frame, spec).to_numpy()
    from_packed = dimension_scores_from_answers(packed, spec)
    assert from_packed.dtype == np.float64 and np.array_equal(from_frame, from_packed, equal_nan=True)
    assert item_scores(frame, spec).to_numpy().dtype == np.float64
    # every path scores code j as option_scores(k)[j - 1], the double nearest (j - 1) / (k - 1) * 100
    assert option_scores(4).tolist() == [0.0, 100 / 3, 200 / 3, 100.0]
    assert item_scores(frame, spec).loc[0, "teaching.1":"teaching.3"].tolist() == [0.0, 0.0, 200 / 3]
