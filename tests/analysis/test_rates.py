import numpy as np
import pandas as pd
import pytest

from survey.analysis import response_rate


def test_response_rate_by_hand():
    # 45 of 60 = 0.75
    assert response_rate(45, 60) == 0.75


@pytest.mark.parametrize("population", [None, 0, float("nan"), -3])
def test_unknown_population_gives_no_rate(population):
    assert np.isnan(response_rate(45, population))


def test_rates_above_one_are_shown_as_they_are():
    assert response_rate(66, 60) == pytest.approx(1.1)


def test_response_rate_per_school_and_program():
    submitted = pd.Series({("A", "p1"): 30, ("A", "p2"): 12, ("B", "p1"): 8})
    population = pd.Series({("A", "p1"): 40, ("B", "p1"): 0})
    rates = response_rate(submitted, population)
    # A/p1: 30 / 40 = 0.75; A/p2: population unknown; B/p1: population 0
    assert rates[("A", "p1")] == 0.75
    assert rates[[("A", "p2"), ("B", "p1")]].isna().all()


def test_response_rate_over_arrays():
    result = response_rate(np.array([10, 20, 30]), [20, None, 60])
    assert result[0] == 0.5 and np.isnan(result[1]) and result[2] == 0.5
