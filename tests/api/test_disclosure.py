"""What a school's staff read through the API (METHOD.md v2, Anonymity): network rows of fewer than 3 schools
or k_min respondents outside their school, live counts below k_min and the response rates of suppressed
groups are "–" (null); every suppressed cell looks the same."""
from __future__ import annotations

from .test_results import strict_json


def test_network_rows_of_two_schools_are_withheld_from_staff_not_admins(api, admin, staff, world):
    """STAFFSCH and OTHER are the whole round: every NETWORK row minus STAFFSCH's own is OTHER's."""
    round_id = world["shared"].id
    for route in ("/results", "/items"):
        staff_rows = [row for row in strict_json(api(staff, f"/rounds/{round_id}{route}"))["rows"]
                      if row["school"] == "NETWORK"]
        assert staff_rows and all(row["suppressed"] and row["n"] is None and row["n_shown"] == "–"
                                  and row["suppression"] == "suppressed" and row["schools"] is None
                                  for row in staff_rows), route
        assert all(value is None for row in staff_rows for key, value in row.items()
                   if key in ("index", "mean", "sd", "ci_low", "ci_high", "share_positive", "response_rate"))
        admin_rows = [row for row in strict_json(api(admin, f"/rounds/{round_id}{route}"))["rows"]
                      if row["school"] == "NETWORK" and not row["suppressed"]]
        assert admin_rows and all(row["schools"] == 2 and isinstance(row["n"], int) for row in admin_rows)
    own = api(staff, f"/rounds/{round_id}/results?school=STAFFSCH&breakdown=all").json["rows"]
    assert own and all(row["network_mean"] is None and row["median"] is None for row in own)


def test_staff_live_counts_below_k_min_are_null(api, admin, staff, make_round, add_responses):
    """3 responses in STAFFSCH's EL, of a population of 12: null responses and rate for staff (0.25 x 12 = 3),
    for the program and the school's total; the admin sees 3."""
    from survey.extensions import db
    from survey.rounds.models import Population

    small = make_round("Lille 2026", [staff.school])
    add_responses(small, staff.school, 3, staff.school.programs[0])
    db.session.add(Population(round_id=small.id, program_id=staff.school.programs[0].id, size=12))
    db.session.flush()
    body = strict_json(api(staff, f"/rounds/{small.id}/counts"))
    school = body["schools"][0]
    assert (school["responses"], school["response_rate"], school["population"]) == (None, None, 12)
    assert school["programs"][0] | {"name": None} == {"program": "EL", "name": None, "responses": None,
                                                      "population": 12, "response_rate": None}
    assert api(admin, f"/rounds/{small.id}/counts").json["schools"][0]["responses"] == 3


def test_the_openapi_document_has_one_suppression_value_and_nullable_counts(api):
    document = api(None, "/openapi.json").json
    schemas = document["components"]["schemas"]
    assert schemas["ResultRow"]["properties"]["suppression"]["enum"] == ["suppressed", None]
    assert "< 5" not in str(schemas["ResultRow"]["properties"]["n_shown"])
    assert schemas["Count"]["properties"]["responses"]["type"] == ["integer", "null"]
    assert "schools" in schemas["ResultRow"]["properties"]
