import pandas as pd
import pytest

from survey.analysis import priority_quadrants


def test_quadrants_by_hand_on_the_gap_including_ties_on_the_lines():
    importance = pd.Series({"a": 40.0, "b": 25.0, "c": 20.0, "d": 15.0})
    gap = pd.Series({"a": -10.0, "b": 0.0, "c": 10.0, "d": -0.5, "overall": 20.0})
    result = priority_quadrants(importance, gap, 4)
    # vertical line 100 / 4 = 25, horizontal line gap = 0
    # a: 40 >= 25 important, -10 < 0 below the network   -> Improve first
    # b: 25 >= 25 important (tie), gap 0 is at the network -> Keep up
    # c: 20 < 25 less important, above                    -> Maintain
    # d: 15 < 25 less important, below                    -> Watch
    assert result["quadrant"].to_dict() == {"a": "Improve first", "b": "Keep up",
                                            "c": "Maintain", "d": "Watch"}
    assert result.loc["b", "important"] and not result.loc["b", "below"]
    assert "overall" not in result.index


def test_number_of_dimensions_defaults_to_the_predictors():
    importance = pd.Series({"a": 51.0, "b": 49.0})
    result = priority_quadrants(importance, pd.Series({"a": -1.0, "b": -1.0}))
    # line 100 / 2 = 50: a important, b not; both below the network
    assert result["quadrant"].tolist() == ["Improve first", "Watch"]


def test_suppressed_school_index_gets_no_quadrant():
    importance = pd.Series({"a": 60.0, "b": 40.0})
    result = priority_quadrants(importance, pd.Series({"a": float("nan"), "b": 8.0}))
    assert pd.isna(result.loc["a", "quadrant"]) and pd.isna(result.loc["a", "important"])
    assert pd.isna(result.loc["a", "uncertain"])
    assert result.loc["b", "quadrant"] == "Maintain"


def test_uncertain_when_either_interval_straddles_its_line():
    importance = pd.Series({"a": 40.0, "b": 40.0, "c": 10.0, "d": 40.0})
    gap = pd.Series({"a": -5.0, "b": -5.0, "c": 5.0, "d": -5.0})
    # line 25: a's importance interval crosses it; b's gap interval crosses 0; c and d cross neither
    importance_low = pd.Series({"a": 20.0, "b": 30.0, "c": 5.0, "d": 30.0})
    importance_high = pd.Series({"a": 45.0, "b": 50.0, "c": 24.0, "d": 50.0})
    gap_low = pd.Series({"a": -8.0, "b": -9.0, "c": 1.0, "d": -9.0})
    gap_high = pd.Series({"a": -1.0, "b": 2.0, "c": 9.0, "d": -0.1})
    result = priority_quadrants(importance, gap, 4, (importance_low, importance_high), (gap_low, gap_high))
    assert result["uncertain"].tolist() == [True, True, False, False]
    assert result["quadrant"].tolist() == ["Improve first", "Improve first", "Maintain", "Improve first"]


def test_the_vertical_line_is_one_number_for_quadrants_and_charts():
    from survey.analysis import DriverImportance, mean_importance

    # 3 predictors: 100 / 3, however many of them a chart shows
    assert mean_importance(3) == pytest.approx(100 / 3)
    fitted = DriverImportance(pd.Series({"a": 50.0, "b": 30.0, "c": 20.0}), 0.4, 200)
    assert fitted.mean_importance == mean_importance(3)
    # b sits just above the line, c below: the quadrants use the same number
    importance = pd.Series({"a": 40.0, "b": 100 / 3 + 1e-9, "c": 100 / 3 - 1e-9})
    placed = priority_quadrants(importance, pd.Series({"a": -1.0, "b": -1.0, "c": -1.0}))
    assert placed["important"].tolist() == [True, True, False]
    with pytest.raises(ValueError):
        mean_importance(0)
