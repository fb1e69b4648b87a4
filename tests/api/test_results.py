"""Results and item results through the API: who sees which rows, provisional vs frozen, NaN as null."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import pandas as pd

from survey.api.views import filtered, json_records
from survey.results.operations import freeze_due_rounds

from .conftest import OPEN, TODAY


def strict_json(response):
    """The body parsed as standard JSON: NaN or Infinity (which Python would accept) fail the test."""
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(response.get_data(as_text=True), parse_constant=refuse)


# --- pure helpers ----------------------------------------------------------------------------------------


def test_json_records_turn_nan_na_and_infinity_into_none_and_numpy_into_python():
    frame = pd.DataFrame(
        {
            "school": ["NETWORK", "ABC"],
            "n": pd.array([12, None], dtype="Int64"),  # a suppressed cell carries no n
            "index": [61.5, np.nan],
            "rank": pd.array([1, None], dtype="Int64"),
            "r_squared": [np.inf, -np.inf],
            "suppressed": np.array([False, True]),
            "quadrant": ["Keep up", None],
            "n_shown": ["12", "< 5"],
        }
    )
    records = json_records(frame)
    assert records == [
        {"school": "NETWORK", "n": 12, "index": 61.5, "rank": 1, "r_squared": None, "suppressed": False,
         "quadrant": "Keep up", "n_shown": "12"},
        {"school": "ABC", "n": None, "index": None, "rank": None, "r_squared": None, "suppressed": True,
         "quadrant": None, "n_shown": "< 5"},
    ]
    assert type(records[0]["n"]) is int and type(records[0]["suppressed"]) is bool
    assert json.loads(json.dumps(records, allow_nan=False)) == records


def test_filters_keep_matching_rows_and_a_missing_column_matches_nothing():
    frame = pd.DataFrame({"school": ["NETWORK", "A", "B"], "dimension": ["x", "x", "y"], "rank": [None, 1, 2]})
    assert filtered(frame, {}).equals(frame)
    assert list(filtered(frame, {"dimension": "x"})["school"]) == ["NETWORK", "A"]
    assert list(filtered(frame, {"dimension": "x", "school": "A"})["school"]) == ["A"]
    assert filtered(frame, {"breakdown": "all"}).empty


# --- through the API, on the real results service ----------------------------------------------------------

ROUTES = ["/results", "/items"]


def test_staff_see_their_school_and_the_network_never_another_school(api, staff, world):
    for route in ROUTES:
        response = api(staff, f"/rounds/{world['shared'].id}{route}")
        assert response.status_code == 200, route
        body = strict_json(response)
        assert {row["school"] for row in body["rows"]} == {"STAFFSCH", "NETWORK"}, route
        assert "OTHER" not in response.get_data(as_text=True)
        assert body["frozen"] is True and body["provisional"] is False and len(body["content_hash"]) == 64
        assert body["state"] == "closed"
        assert api(staff, f"/rounds/{world['shared'].id}{route}?school=OTHER").json["rows"] == []


def test_admin_sees_every_school(api, admin, world):
    for route in ROUTES:
        body = strict_json(api(admin, f"/rounds/{world['shared'].id}{route}"))
        assert {row["school"] for row in body["rows"]} == {"STAFFSCH", "OTHER", "NETWORK"}, route


def test_results_rows_are_the_aggregates_with_nan_as_null(api, admin, world):
    body = strict_json(api(admin, f"/rounds/{world['shared'].id}/results"))
    row = body["rows"][0]
    for column in ("school", "breakdown", "group", "dimension", "n", "index", "sd", "ci_low", "ci_high",
                   "network_mean", "median", "top_quartile", "rank", "of", "suppressed", "importance", "quadrant"):
        assert column in row
    values = [value for row in body["rows"] for value in row.values()]
    assert None in values  # e.g. a network row has no rank, a suppressed cell no index
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in values)


def test_results_are_filtered_by_the_query(api, admin, world):
    url = f"/rounds/{world['shared'].id}/results?school=OTHER&dimension=motivation&breakdown=all"
    rows = api(admin, url).json["rows"]
    assert len(rows) == 1
    assert (rows[0]["school"], rows[0]["dimension"], rows[0]["breakdown"]) == ("OTHER", "motivation", "all")
    items = api(admin, f"/rounds/{world['shared'].id}/items?school=NETWORK&dimension=motivation").json["rows"]
    assert items and all(r["dimension"] == "motivation" and r["school"] == "NETWORK" for r in items)


def test_the_same_frozen_results_come_back_on_every_request(api, admin, staff, world):
    first = api(admin, f"/rounds/{world['shared'].id}/results").json
    second = api(staff, f"/rounds/{world['shared'].id}/items").json
    assert first["content_hash"] == second["content_hash"] and first["computed_at"] == second["computed_at"]


def test_an_open_rounds_results_are_provisional_and_for_admins_only(api, admin, staff, make_round, add_responses, world):
    open_round = make_round("Åben 2027", [staff.school, world["other"]], OPEN)
    add_responses(open_round, staff.school, 5)
    freeze_due_rounds(today=TODAY)
    for route in ROUTES:
        refused = api(staff, f"/rounds/{open_round.id}{route}")
        assert refused.status_code == 403 and refused.json["status"] == 403, route
        body = strict_json(api(admin, f"/rounds/{open_round.id}{route}"))
        assert body["provisional"] is True and body["frozen"] is False and body["state"] == "open", route
        assert body["as_of"] == TODAY.isoformat(), route
        assert {row["school"] for row in body["rows"]} >= {"STAFFSCH", "NETWORK"}


def test_a_closed_round_without_responses_has_only_suppressed_rows(api, admin, staff, make_round, world):
    empty = make_round("Tom 2026", [staff.school])
    freeze_due_rounds(today=TODAY)
    body = strict_json(api(staff, f"/rounds/{empty.id}/results"))
    assert body["rows"] and all(row["index"] is None for row in body["rows"])


def test_suppressed_rows_carry_no_exact_n(api, admin, staff, world):
    """OTHER has 7 EL, 5 VVS and 1 respondent without a program. Published as they were, that one
    respondent would be OTHER minus its two programs: so OTHER's VVS (the smaller) is hidden as well, shown
    with a null n and "–", never its 5."""
    for user in (admin, staff):
        for route in ROUTES:
            rows = strict_json(api(user, f"/rounds/{world['shared'].id}{route}"))["rows"]
            hidden = [row for row in rows if row["suppressed"]]
            assert all(row["n"] is None and row["n_shown"] == "–" for row in hidden), route
            assert all(row["suppression"] == "suppressed" for row in hidden), route
            assert all(isinstance(row["n"], int) and row["n_shown"] == str(row["n"])
                       for row in rows if not row["suppressed"]), route
    rows = api(admin, f"/rounds/{world['shared'].id}/results?school=OTHER&breakdown=program").json["rows"]
    vvs = [row for row in rows if row["group"] == "VVS"]
    assert vvs and all(row["suppressed"] and row["n"] is None and row["n_shown"] == "–" for row in vvs)
    assert all(row["suppression"] == "suppressed" for row in vvs)


def test_the_priority_map_lines_come_with_the_results(api, admin, world):
    """The map's vertical line on every mapped row, and each school's gap to the network with its interval and
    the `uncertain` mark where it is placed (the horizontal line is gap = 0)."""
    rows = api(admin, f"/rounds/{world['shared'].id}/results?breakdown=all").json["rows"]
    mapped = [row for row in rows if row["importance"] is not None]
    assert mapped and all(row["importance_line"] == mapped[0]["importance_line"] for row in mapped)
    network = {row["dimension"]: row["index"] for row in rows if row["school"] == "NETWORK"}
    placed = [row for row in mapped if row["quadrant"] is not None and row["school"] != "NETWORK"]
    assert placed
    for row in placed:
        assert row["gap"] == pytest.approx(row["index"] - network[row["dimension"]])
        assert row["gap_low"] <= row["gap"] <= row["gap_high"]
        assert row["uncertain"] in (True, False)
        assert (row["quadrant"] in ("Improve first", "Watch")) == (row["gap"] < 0)
