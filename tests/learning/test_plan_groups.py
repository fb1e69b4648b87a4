"""Schools with and without a plan: each group's mean change with its t interval over schools, against scipy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.analysis.plan_groups import GROUP_COLUMNS, changes_by_plan_group


def changes_and_plans(seed: int = 3):
    rng = np.random.default_rng(seed)
    schools = [f"S{i:02d}" for i in range(14)]
    rows = [{"school": s, "dimension": d, "change": rng.normal(2 if d == "a" else -1, 4)}
            for s in schools for d in ("a", "b", "c")]
    changes = pd.DataFrame(rows)
    changes.loc[3, "change"] = np.nan  # a school whose cell was suppressed: in neither group
    planned = pd.DataFrame({"school": ["S00", "S01", "S02", "S03", "S04", "S05", "S06", "S07"],
                            "dimension": ["a", "a", "a", "a", "a", "b", "b", "zzz"]})
    return changes, planned


def expected(changes, planned, dimension, with_plan: bool):
    keys = set(zip(planned["school"], planned["dimension"]))
    cells = changes[(changes["dimension"] == dimension) & changes["change"].notna()]
    chosen = cells[[((s, d) in keys) == with_plan for s, d in zip(cells["school"], cells["dimension"])]]
    values = chosen["change"].to_numpy()
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    return len(values), values.mean(), values.std(ddof=1), low, high


def test_each_group_is_scipys_t_interval_over_its_schools():
    changes, planned = changes_and_plans()
    table = changes_by_plan_group(changes, planned, ["a", "b", "c"], hide_small=False)
    assert tuple(table.columns) == GROUP_COLUMNS
    assert table[["dimension", "group"]].values.tolist() == [
        ["a", "with"], ["a", "without"], ["b", "with"], ["b", "without"], ["c", "with"], ["c", "without"]]
    for row in table.itertuples():
        if row.dimension == "c" and row.group == "with":
            assert row.n == 0 and np.isnan(row.mean)
            continue
        n, mean, sd, low, high = expected(changes, planned, row.dimension, row.group == "with")
        assert row.n == n and not row.hidden
        assert row.mean == pytest.approx(mean, rel=1e-12) and row.sd == pytest.approx(sd, rel=1e-12)
        if n > 1:
            assert (row.low, row.high) == pytest.approx((low, high), rel=1e-12)
    a_with = table.iloc[0]
    assert a_with["n"] == 4  # S03's change on "a" is suppressed: not in the group


def test_a_small_group_hides_both_groups_of_its_dimension_where_plans_are_not_the_admins():
    changes, planned = changes_and_plans()
    table = changes_by_plan_group(changes, planned, ["a", "b", "c"], hide_small=True).set_index(["dimension", "group"])
    assert not table.loc[("a", "with"), "hidden"] and table.loc[("a", "with"), "n"] == 4
    # two schools planned on "b": their group is hidden, and so is the rest, whose n and mean beside the
    # network's schools would give the two by subtraction
    for group in ("with", "without"):
        assert table.loc[("b", group), "hidden"] and pd.isna(table.loc[("b", group), "n"])
        assert table.loc[("b", group), ["mean", "sd", "low", "high"]].isna().all()
    assert table.loc[("c", "without"), "hidden"]  # nobody planned on "c"


def test_one_school_has_a_mean_but_no_interval():
    changes = pd.DataFrame({"school": ["A", "B", "C"], "dimension": "a", "change": [1.0, 2.0, 4.0]})
    planned = pd.DataFrame({"school": ["A"], "dimension": ["a"]})
    table = changes_by_plan_group(changes, planned, ["a"], hide_small=False)
    assert table.loc[0, "n"] == 1 and table.loc[0, "mean"] == 1.0 and np.isnan(table.loc[0, "low"])
    assert table.loc[1, "mean"] == pytest.approx(3.0)
