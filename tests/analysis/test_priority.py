import pandas as pd
import pytest

from survey.analysis import mean_of_dimension_indices, priority_quadrants


def test_quadrants_by_hand_including_ties_on_the_lines():
    importance = pd.Series({"a": 40.0, "b": 25.0, "c": 20.0, "d": 15.0})
    school = pd.Series({"a": 60.0, "b": 70.0, "c": 80.0, "d": 50.0, "overall": 90.0})
    result = priority_quadrants(importance, school, 70.0, 4).set_index("dimension")
    # vertical line 100 / 4 = 25, horizontal line 70
    # a: 40 >= 25 important, 60 < 70 weak      -> Improve first
    # b: 25 >= 25 important (tie), 70 >= 70 strong (tie) -> Keep up
    # c: 20 < 25 less important, 80 >= 70 strong -> Maintain
    # d: 15 < 25 less important, 50 < 70 weak   -> Watch
    assert result["quadrant"].to_dict() == {"a": "Improve first", "b": "Keep up",
                                            "c": "Maintain", "d": "Watch"}
    assert result.loc["b", "important"] and result.loc["b", "strong"]
    assert "overall" not in result.index


def test_number_of_dimensions_defaults_to_the_predictors():
    importance = pd.Series({"a": 51.0, "b": 49.0})
    result = priority_quadrants(importance, pd.Series({"a": 10.0, "b": 10.0}), 50.0)
    # line 100 / 2 = 50: a important, b not; both weak
    assert result["quadrant"].tolist() == ["Improve first", "Watch"]


def test_suppressed_school_index_gets_no_quadrant():
    importance = pd.Series({"a": 60.0, "b": 40.0})
    result = priority_quadrants(importance, pd.Series({"a": float("nan"), "b": 80.0}), 50.0)
    assert pd.isna(result.loc[0, "quadrant"]) and pd.isna(result.loc[0, "important"])
    assert result.loc[1, "quadrant"] == "Maintain"


def test_horizontal_line_is_the_mean_of_network_indices_without_overall(make_spec):
    spec = make_spec({"a": 1, "b": 1, "overall": 1})
    network = pd.DataFrame({"dimension": ["a", "b", "overall"], "n": 100,
                            "mean": [60.0, 70.0, 100.0]})
    # (60 + 70) / 2 = 65; overall satisfaction's 100 is not on the map
    assert mean_of_dimension_indices(network, spec) == pytest.approx(65)


def test_the_vertical_line_is_one_number_for_quadrants_and_charts():
    from survey.analysis import DriverImportance, mean_importance

    # 3 predictors: 100 / 3, however many of them a chart shows
    assert mean_importance(3) == pytest.approx(100 / 3)
    fitted = DriverImportance(pd.Series({"a": 50.0, "b": 30.0, "c": 20.0}), 0.4, 200)
    assert fitted.mean_importance == mean_importance(3)
    # b sits just above the line, c below: the quadrants use the same number
    importance = pd.Series({"a": 40.0, "b": 100 / 3 + 1e-9, "c": 100 / 3 - 1e-9})
    placed = priority_quadrants(importance, pd.Series({"a": 10.0, "b": 10.0, "c": 10.0}), 50.0)
    assert placed["important"].tolist() == [True, True, False]
    with pytest.raises(ValueError):
        mean_importance(0)
