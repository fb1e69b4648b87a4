"""Who sees which rounds and counts: admins their network, staff their school, nobody another network."""
from __future__ import annotations

import pytest

ROUND_ROUTES = ["", "/counts", "/results", "/items"]


def names(response) -> list[str]:
    return [r["name"] for r in response.json]


def test_admin_lists_every_round_of_their_network(api, admin, world):
    response = api(admin, "/rounds")
    assert response.status_code == 200
    assert sorted(names(response)) == ["Elever 2026", "Kun OTHER 2026"]
    shared = next(r for r in response.json if r["id"] == world["shared"].id)
    assert shared["schools"] == ["OTHER", "STAFFSCH"] and shared["state"] == "closed"
    assert shared["questionnaire"] == {"family": "student", "version": "2026"}


def test_staff_list_only_rounds_of_their_school_and_see_only_it(api, staff, world):
    response = api(staff, "/rounds")
    assert names(response) == ["Elever 2026"]
    assert response.json[0]["schools"] == ["STAFFSCH"]
    detail = api(staff, f"/rounds/{world['shared'].id}")
    assert detail.status_code == 200 and detail.json["schools"] == ["STAFFSCH"]


def test_staff_get_404_for_a_round_without_their_school(api, staff, world):
    for route in ROUND_ROUTES:
        response = api(staff, f"/rounds/{world['only_other'].id}{route}")
        assert response.status_code == 404 and response.json["status"] == 404, route


def test_another_networks_round_is_not_found_as_if_it_did_not_exist(api, admin, staff, world):
    for user in (admin, staff):
        for route in ROUND_ROUTES:
            hidden = api(user, f"/rounds/{world['foreign'].id}{route}")
            missing = api(user, f"/rounds/987654{route}")
            assert hidden.status_code == missing.status_code == 404, (user, route)
            assert hidden.json == missing.json


def test_admin_counts_every_school_and_program_with_rates(api, admin, world):
    body = api(admin, f"/rounds/{world['shared'].id}/counts").json
    schools = {s["school"]: s for s in body["schools"]}
    assert set(schools) == {"STAFFSCH", "OTHER"}
    own, other = schools["STAFFSCH"], schools["OTHER"]
    assert (own["responses"], own["population"], own["response_rate"]) == (6, 12, 0.5)
    assert own["programs"] == [{"program": "EL", "name": "Program EL", "responses": 6, "population": 12, "response_rate": 0.5}]
    programs = {p["program"]: p for p in other["programs"]}
    assert programs["EL"]["responses"] == 7 and programs["EL"]["response_rate"] == pytest.approx(0.5)
    assert programs["VVS"] == {"program": "VVS", "name": "Program VVS", "responses": 5, "population": None, "response_rate": None}
    assert programs[None]["responses"] == 1  # respondents who gave no program count for their school
    assert (other["responses"], other["population"]) == (13, 14)
    assert body["network"] == {"responses": 19, "population": 26, "response_rate": pytest.approx(19 / 26)}


def test_staff_counts_show_their_school_only(api, staff, world):
    body = api(staff, f"/rounds/{world['shared'].id}/counts").json
    assert [s["school"] for s in body["schools"]] == ["STAFFSCH"]
    assert "network" not in body
    assert "OTHER" not in str(body)


def test_a_round_without_responses_counts_zero(api, admin, staff, make_round, world):
    empty = make_round("Tom 2026", [staff.school])
    body = api(admin, f"/rounds/{empty.id}/counts").json
    assert body["schools"][0]["responses"] == 0 and body["network"]["response_rate"] is None


def test_draft_round_has_no_results_yet(api, admin, staff, make_round, world):
    from .conftest import DRAFT

    draft = make_round("Kladde", [staff.school], DRAFT)
    for user in (admin, staff):
        response = api(user, f"/rounds/{draft.id}/results")
        assert response.status_code == 409 and response.json["status"] == 409
    assert api(staff, f"/rounds/{draft.id}").json["state"] == "draft"
