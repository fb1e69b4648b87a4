"""Practice cards, action plans and benchlearning requests through the API: who reads what, across schools and
networks (404 exactly like a missing object), how requests are anonymised, who downloads an attachment, the
filters and the pages; every answer checked against the OpenAPI document's schema."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_schema_validator import OAS31Validator
from sqlalchemy import select

from survey.accounts.operations import add_user
from survey.audit.models import AuditEntry
from survey.network.models import Organiser
from survey.partnering.models import BenchlearningRequest, RequestNote
from survey.plans.models import ActionPlan, PlanAction, PlanFocus
from survey.practices.models import PracticeAttachment, PracticeCard, PracticeTag
from tests.conftest import TEST_PASSWORD


def card(school, title: str, *, status: str = "published", featured: bool = False, language: str = "da",
         tags: dict[str, list[str]] | None = None, updated: int = 1, **fields) -> PracticeCard:
    made = PracticeCard(network_id=school.network_id, school=school, title=title, summary=f"Om {title}",
                        status=status, featured=featured, language=language,
                        updated_at=datetime(2026, 1, updated, tzinfo=timezone.utc), **fields)
    made.tags = [PracticeTag(kind=kind, value=value) for kind, values in (tags or {}).items() for value in values]
    if status == "published":
        made.published_at = made.updated_at
    return made


@pytest.fixture
def attachment_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path))
    return tmp_path


def attach(card_: PracticeCard, folder, filename: str, content: bytes, content_type: str) -> PracticeAttachment:
    stored = hashlib.sha256(filename.encode() + str(card_.id).encode()).hexdigest()[:32]
    (folder / stored).write_bytes(content)
    attachment = PracticeAttachment(filename=filename, stored_name=stored, content_type=content_type,
                                    size=len(content), sha256=hashlib.sha256(content).hexdigest())
    card_.attachments.append(attachment)
    return attachment


@pytest.fixture
def library(db_session, network, staff, admin, make_user, make_school, make_round, other_network_school,
            attachment_dir):
    """Network (names not shared) with STAFFSCH (staff), OTHER (other_staff) and THIRD (third_staff); cards,
    plans and requests of each; a published card, its staff and its admin in another network."""
    own = staff.school
    other = make_school("OTHER", programs=("EL", "VVS"), type="HTX")
    third = make_school("THIRD")
    other_staff = make_user("kirsten@other.example.org", school=other)
    third_staff = make_user("tove@third.example.org", school=third)
    far = other_network_school.network
    foreign_staff = add_user("far@far.example.org", TEST_PASSWORD, "school_staff", far, other_network_school)
    foreign_admin = add_user("admin@far.example.org", TEST_PASSWORD, "network_admin", far)
    round_ = make_round("Elever 2026", [own, other, third])

    cards = {
        "own": card(own, "Morgenmad for alle", tags={"dimension": ["student/wellbeing"], "program": ["EL"],
                                                      "school_type": ["EUD"]},
                    updated=2, contact_name="Anne", contact_role="Lærer", contact_email="anne@staffsch.example.org"),
        "own_draft": card(own, "Kladde hos os", status="draft", updated=3),
        "other": card(other, "Makkerlæsning", featured=True, language="sv",
                      tags={"dimension": ["student/learning", "student/wellbeing"], "item": ["student.q12"],
                            "program": ["VVS"], "school_type": ["HTX"], "participant": ["teachers", "students"]},
                      updated=1, what="Elever læser sammen", why="Fordi det virker", participants_note="2. år",
                      started_on=date(2025, 8, 1), contact_name="Kirsten", contact_role="Vejleder",
                      contact_email="kirsten@other.example.org"),
        "other_draft": card(other, "Hemmelig kladde", status="draft", updated=4),
        "foreign": card(other_network_school, "Fjern praksis"),
    }
    db_session.add_all(cards.values())
    db_session.flush()
    files = {
        "pdf": attach(cards["other"], attachment_dir, "plan.pdf", b"%PDF-1.4 makkerlaesning", "application/pdf"),
        "html": attach(cards["other"], attachment_dir, "note.html", b"<script>alert(1)</script>", "text/html"),
        "draft": attach(cards["other_draft"], attachment_dir, "kladde.pdf", b"%PDF-1.4 kladde", "application/pdf"),
        "foreign": attach(cards["foreign"], attachment_dir, "fjern.pdf", b"%PDF-1.4 fjern", "application/pdf"),
    }

    own_plan = ActionPlan(school=own, base_round=round_, title="Trivsel op", status="active", partner_school=other,
                          partner_note="Vi lærer af makkerlæsning")
    own_plan.focuses = [PlanFocus(dimension="wellbeing", position=0, baseline=61.5, goal=65.0, detectable_change=3.2,
                                  suggested=True)]
    own_plan.actions = [PlanAction(dimension="wellbeing", description="Morgenmad hver dag", owner="Team A",
                                   deadline=date(2026, 6, 1), status="in_progress")]
    own_plan.adopted_cards = [cards["other"], cards["own_draft"]]
    other_plan = ActionPlan(school=other, base_round=round_, title="OTHERs plan", status="draft")
    db_session.add_all([own_plan, other_plan])

    def request(sender, receiver, label, **fields):
        return BenchlearningRequest(network_id=sender.network_id, from_school=sender, to_school=receiver,
                                    round=round_, dimension="wellbeing", partner_label=label, **fields)

    requests = {
        # STAFFSCH asked OTHER; neither revealed itself
        "sent": request(own, other, "Partner B", message="Må vi besøge jer?", created_by_id=staff.id,
                        created_at=datetime(2026, 2, 1, tzinfo=timezone.utc)),
        # THIRD asked STAFFSCH; both revealed themselves
        "revealed": request(third, own, "Partner A", status="accepted", from_reveals=True, to_reveals=True,
                            created_by_id=third_staff.id, meeting_on=date(2026, 3, 3), meeting_kind="online",
                            created_at=datetime(2026, 2, 2, tzinfo=timezone.utc)),
        # between two other schools
        "elsewhere": request(other, third, "Partner C", created_at=datetime(2026, 2, 3, tzinfo=timezone.utc)),
    }
    db_session.add_all(requests.values())
    db_session.flush()
    requests["sent"].notes = [
        RequestNote(school_id=own.id, author_id=staff.id, body="Vi kan komme i uge 12",
                    created_at=datetime(2026, 2, 4, tzinfo=timezone.utc)),
        RequestNote(school_id=other.id, author_id=other_staff.id, body="Uge 12 passer fint",
                    created_at=datetime(2026, 2, 5, tzinfo=timezone.utc)),
    ]
    requests["revealed"].notes = [RequestNote(school_id=third.id, author_id=third_staff.id, body="Velkommen",
                                              created_at=datetime(2026, 2, 6, tzinfo=timezone.utc))]
    db_session.flush()
    return {"cards": cards, "files": files, "plans": {"own": own_plan, "other": other_plan}, "requests": requests,
            "other": other, "third": third, "other_staff": other_staff, "third_staff": third_staff,
            "foreign_staff": foreign_staff, "foreign_admin": foreign_admin}


@pytest.fixture
def conforming(api, client):
    """GET through the API and check a 200's body against the schema the OpenAPI document gives for it."""
    components = client.get("/api/v1/openapi.json").json["components"]

    def get(user, path: str, schema: str):
        response = api(user, path)
        if response.status_code == 200:
            OAS31Validator({"components": components, "$ref": f"#/components/schemas/{schema}"},
                           format_checker=OAS31Validator.FORMAT_CHECKER).validate(response.json)
        return response

    return get


def titles(body: dict) -> list[str]:
    return [item["title"] for item in body["items"]]


def not_found_like_missing(api, user, path: str, missing: str) -> None:
    hidden, absent = api(user, path), api(user, missing)
    assert hidden.status_code == absent.status_code == 404, path
    assert hidden.json == absent.json


# --- practice cards -----------------------------------------------------------------------------------------


def test_staff_list_the_networks_published_cards_and_their_own_drafts(conforming, staff, library):
    body = conforming(staff, "/practices", "PracticeCards").json
    # featured first, then the most recently updated
    assert titles(body) == ["Makkerlæsning", "Kladde hos os", "Morgenmad for alle"]
    assert body["total"] == 3 and body["next"] is None and body["previous"] is None


def test_admins_and_other_schools_never_list_a_schools_drafts(conforming, admin, library):
    other_staff = library["other_staff"]
    assert titles(conforming(admin, "/practices", "PracticeCards").json) == ["Makkerlæsning", "Morgenmad for alle"]
    assert titles(conforming(other_staff, "/practices", "PracticeCards").json) == [
        "Makkerlæsning", "Hemmelig kladde", "Morgenmad for alle"]


def test_another_schools_draft_and_another_networks_card_are_not_found(api, staff, admin, library):
    cards = library["cards"]
    for user in (staff, admin):
        not_found_like_missing(api, user, f"/practices/{cards['other_draft'].id}", "/practices/987654")
        not_found_like_missing(api, user, f"/practices/{cards['foreign'].id}", "/practices/987654")
    assert api(admin, f"/practices/{cards['own_draft'].id}").status_code == 404  # drafts are the school's
    assert api(staff, f"/practices/{cards['own_draft'].id}").status_code == 200
    foreign = api(library["foreign_staff"], "/practices").json
    assert titles(foreign) == ["Fjern praksis"]


def test_a_card_reads_in_full_with_tags_contact_and_its_attachments(conforming, staff, library):
    other = library["cards"]["other"]
    body = conforming(staff, f"/practices/{other.id}", "PracticeCard").json
    assert (body["title"], body["what"], body["why"], body["participants_note"]) == (
        "Makkerlæsning", "Elever læser sammen", "Fordi det virker", "2. år")
    assert body["dimensions"] == ["student/learning", "student/wellbeing"] and body["items"] == ["student.q12"]
    assert body["programs"] == ["VVS"] and body["school_types"] == ["HTX"]
    assert body["participants"] == ["students", "teachers"]
    assert (body["language"], body["featured"], body["status"], body["started_on"]) == ("sv", True, "published",
                                                                                          "2025-08-01")
    assert body["contact"] == {"name": "Kirsten", "role": "Vejleder", "email": "kirsten@other.example.org"}
    assert [(a["filename"], a["content_type"], a["size"]) for a in body["attachments"]] == [
        ("plan.pdf", "application/pdf", 23), ("note.html", "text/html", 25)]
    pdf = library["files"]["pdf"]
    assert urlsplit(body["attachments"][0]["url"]).path == f"/api/v1/practices/{other.id}/attachments/{pdf.id}"
    assert body["own_school"] is False


def test_the_cards_school_is_named_only_where_the_network_shares_names(api, staff, admin, network, library):
    other, own = library["cards"]["other"], library["cards"]["own"]
    assert api(staff, f"/practices/{other.id}").json["school"] is None
    assert "Skolen OTHER" not in api(staff, "/practices").text and '"OTHER"' not in api(staff, "/practices").text
    assert api(staff, f"/practices/{own.id}").json["school"] == {"code": "STAFFSCH", "name": "Skolen STAFFSCH"}
    assert api(admin, f"/practices/{other.id}").json["school"] == {"code": "OTHER", "name": "Skolen OTHER"}
    network.share_school_names = True
    assert api(staff, f"/practices/{other.id}").json["school"] == {"code": "OTHER", "name": "Skolen OTHER"}


# --- attachments ----------------------------------------------------------------------------------------------


def download(api, user, path: str):
    """The response, its file read and closed."""
    response = api(user, path)
    response.get_data()
    response.close()
    return response


def test_a_reader_of_the_card_downloads_its_attachment_as_a_file_and_it_is_audited(api, staff, db_session, library):
    other, pdf = library["cards"]["other"], library["files"]["pdf"]
    response = download(api, staff, f"/practices/{other.id}/attachments/{pdf.id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 makkerlaesning"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=plan.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "attachment.download"))
    assert entry.actor == staff.email and entry.details["attachment"] == pdf.id


def test_html_is_sent_as_a_download_never_rendered(api, staff, library):
    other, html = library["cards"]["other"], library["files"]["html"]
    response = download(api, staff, f"/practices/{other.id}/attachments/{html.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_attachments_are_authorised_through_their_card(api, staff, admin, db_session, library):
    cards, files = library["cards"], library["files"]
    missing = f"/practices/{cards['other'].id}/attachments/987654"
    refused = [
        (staff, f"/practices/{cards['other_draft'].id}/attachments/{files['draft'].id}"),  # another school's draft
        (admin, f"/practices/{cards['other_draft'].id}/attachments/{files['draft'].id}"),
        (staff, f"/practices/{cards['foreign'].id}/attachments/{files['foreign'].id}"),  # another network's
        (staff, f"/practices/{cards['other'].id}/attachments/{files['draft'].id}"),  # not this card's attachment
        (staff, f"/practices/{cards['other'].id}/attachments/{files['foreign'].id}"),
        (library["foreign_staff"], f"/practices/{cards['other'].id}/attachments/{files['pdf'].id}"),
    ]
    for user, path in refused:
        not_found_like_missing(api, user, path, missing)
    assert download(api, library["other_staff"], refused[0][1]).data == b"%PDF-1.4 kladde"  # its own school reads it
    assert api(None, f"/practices/{cards['other'].id}/attachments/{files['pdf'].id}").status_code == 401
    actors = set(db_session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "attachment.download")))
    assert actors == {library["other_staff"].email}  # a refused download leaves no entry


def test_an_attachment_whose_file_is_gone_is_not_found(api, staff, attachment_dir, library):
    other, pdf = library["cards"]["other"], library["files"]["pdf"]
    (attachment_dir / pdf.stored_name).unlink()
    assert api(staff, f"/practices/{other.id}/attachments/{pdf.id}").status_code == 404


# --- filters and pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("dimension=student/wellbeing", ["Makkerlæsning", "Morgenmad for alle"]),
    ("dimension=student/learning", ["Makkerlæsning"]),
    ("item=student.q12", ["Makkerlæsning"]),
    ("school_type=EUD", ["Morgenmad for alle"]),
    ("program=VVS", ["Makkerlæsning"]),
    ("language=da", ["Kladde hos os", "Morgenmad for alle"]),
    ("featured=true", ["Makkerlæsning"]),
    ("featured=false", ["Makkerlæsning", "Kladde hos os", "Morgenmad for alle"]),
    ("dimension=student/wellbeing&program=EL", ["Morgenmad for alle"]),
    ("dimension=student/nothing", []),
])
def test_card_filters(conforming, staff, library, query, expected):
    body = conforming(staff, f"/practices?{query}", "PracticeCards").json
    assert titles(body) == expected and body["total"] == len(expected)


def test_a_filter_never_reaches_a_card_the_user_may_not_read(api, admin, staff, library):
    assert titles(api(admin, "/practices?language=da").json) == ["Morgenmad for alle"]
    assert api(staff, "/practices?q=hemmelig").json["total"] == 0  # another school's draft
    assert titles(api(library["other_staff"], "/practices?q=hemmelig").json) == ["Hemmelig kladde"]


def test_text_search_goes_through_the_librarys_search(conforming, staff, library):
    body = conforming(staff, "/practices?q=sammen", "PracticeCards").json  # in what OTHER's card says it does
    assert titles(body) == ["Makkerlæsning"] and body["total"] == 1
    assert titles(conforming(staff, "/practices?q=sammen&language=da", "PracticeCards").json) == []


def test_pages_follow_next_links_to_the_whole_list(api, client, token_of, staff, library):
    token = token_of(staff)
    url, seen, totals = "/api/v1/practices?limit=1&language=da", [], set()
    while url:
        body = client.get(url, headers={"Authorization": f"Bearer {token}"}).json
        assert body["limit"] == 1 and len(body["items"]) == 1
        seen += titles(body)
        totals.add(body["total"])
        url = body["next"]
        assert url is None or "language=da" in url  # the filters travel with the page
    assert seen == ["Kladde hos os", "Morgenmad for alle"] and totals == {2}
    last = api(staff, "/practices?limit=1&offset=1&language=da").json
    assert parse_qs(urlsplit(last["previous"]).query) == {"language": ["da"], "limit": ["1"], "offset": ["0"]}
    assert api(staff, "/practices?offset=10").json == {"total": 3, "limit": 20, "offset": 10, "next": None,
                                                       "previous": api(staff, "/practices?offset=10").json["previous"],
                                                       "items": []}


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "offset=-1", "featured=yes"])
def test_a_malformed_page_or_filter_is_a_400(api, staff, library, query):
    response = api(staff, f"/practices?{query}")
    assert response.status_code == 400 and response.json["status"] == 400


# --- action plans -----------------------------------------------------------------------------------------------


def test_staff_read_their_own_schools_plans_only(conforming, api, staff, library):
    plans = library["plans"]
    body = conforming(staff, "/plans", "ActionPlans").json
    assert [p["title"] for p in body["items"]] == ["Trivsel op"] and body["total"] == 1
    not_found_like_missing(api, staff, f"/plans/{plans['other'].id}", "/plans/987654")


def test_a_plan_holds_its_focuses_actions_and_the_adopted_cards_the_reader_may_read(conforming, staff, admin, network,
                                                                                       library):
    plan, cards = library["plans"]["own"], library["cards"]
    body = conforming(staff, f"/plans/{plan.id}", "ActionPlan").json
    assert body["focuses"] == [{"dimension": "wellbeing", "position": 0, "baseline": 61.5, "goal": 65.0,
                                "detectable_change": 3.2, "suggested": True}]
    assert [(a["description"], a["owner"], a["deadline"], a["status"]) for a in body["actions"]] == [
        ("Morgenmad hver dag", "Team A", "2026-06-01", "in_progress")]
    assert [(c["id"], c["school"]) for c in body["adopted_cards"]] == [(cards["own_draft"].id, {
        "code": "STAFFSCH", "name": "Skolen STAFFSCH"}), (cards["other"].id, None)]
    assert body["partner"]["school"] is None  # names not shared, and no request between the two revealed them
    assert body["school"] == {"code": "STAFFSCH", "name": "Skolen STAFFSCH"}
    network.admins_read_plans = True
    as_admin = conforming(admin, f"/plans/{plan.id}", "ActionPlan").json
    assert [c["id"] for c in as_admin["adopted_cards"]] == [cards["other"].id]  # the draft is the school's
    assert as_admin["partner"]["school"] == {"code": "OTHER", "name": "Skolen OTHER"}
    # the round has no frozen results here, so there is no partner list to read a label from (tests/plans reads
    # the labels of a frozen round's partner list)
    assert body["partner"]["label"] is None and as_admin["partner"]["label"] is None


def test_the_plans_partner_is_named_once_a_request_between_them_revealed_both(api, staff, db_session, library):
    plan = library["plans"]["own"]
    library["requests"]["sent"].from_reveals = True
    db_session.flush()
    assert api(staff, f"/plans/{plan.id}").json["partner"]["school"] is None  # one side is not enough
    library["requests"]["sent"].to_reveals = True
    db_session.flush()
    assert api(staff, f"/plans/{plan.id}").json["partner"]["school"] == {"code": "OTHER", "name": "Skolen OTHER"}


def test_admins_read_plans_only_where_the_network_allows_it(api, admin, network, library):
    plans = library["plans"]
    assert api(admin, "/plans").json["total"] == 0
    for plan in plans.values():
        not_found_like_missing(api, admin, f"/plans/{plan.id}", "/plans/987654")
    network.admins_read_plans = True
    body = api(admin, "/plans").json
    assert sorted(p["title"] for p in body["items"]) == ["OTHERs plan", "Trivsel op"]
    assert api(admin, f"/plans/{plans['other'].id}").status_code == 200
    foreign = library["foreign_admin"]
    foreign.network.admins_read_plans = True
    assert api(foreign, "/plans").json["total"] == 0
    not_found_like_missing(api, foreign, f"/plans/{plans['own'].id}", "/plans/987654")


# --- benchlearning requests ---------------------------------------------------------------------------------------


def test_staff_list_the_requests_their_school_sent_and_received(conforming, api, staff, admin, library):
    requests = library["requests"]
    body = conforming(staff, "/requests", "BenchlearningRequests").json
    assert [(r["id"], r["direction"]) for r in body["items"]] == [(requests["revealed"].id, "received"),
                                                                  (requests["sent"].id, "sent")]
    not_found_like_missing(api, staff, f"/requests/{requests['elsewhere'].id}", "/requests/987654")
    assert api(admin, "/requests").json["total"] == 0  # admins see learning activity as counts only
    for found in requests.values():
        not_found_like_missing(api, admin, f"/requests/{found.id}", "/requests/987654")
        not_found_like_missing(api, library["foreign_staff"], f"/requests/{found.id}", "/requests/987654")


def test_a_request_not_yet_revealed_names_neither_school_nor_its_staff(conforming, staff, library):
    sent, other_staff = library["requests"]["sent"], library["other_staff"]
    as_requester = conforming(staff, f"/requests/{sent.id}", "BenchlearningRequest")
    body = as_requester.json
    assert body["counterpart"] == {"name": None, "label": "Partner B"} and body["identities_revealed"] is False
    assert [(n["by"], n["author"], n["body"]) for n in body["notes"]] == [
        ("own_school", staff.email, "Vi kan komme i uge 12"), ("counterpart", None, "Uge 12 passer fint")]
    assert body["contact"] is None
    for secret in ("OTHER", "kirsten", str(library["other"].id)):
        assert secret not in json.dumps({k: v for k, v in body.items() if k not in ("id", "url", "round")}), secret

    as_partner = conforming(other_staff, f"/requests/{sent.id}", "BenchlearningRequest").json
    assert as_partner["direction"] == "received"
    assert as_partner["counterpart"] == {"name": None, "label": None}  # "a school in the network"
    assert as_partner["contact"] is None
    assert [(n["by"], n["author"]) for n in as_partner["notes"]] == [("counterpart", None),
                                                                     ("own_school", other_staff.email)]
    assert "STAFFSCH" not in as_partner_text(as_partner) and "staff@example.org" not in as_partner_text(as_partner)


def as_partner_text(body: dict) -> str:
    return json.dumps({k: v for k, v in body.items() if k not in ("url", "round")})


def test_a_request_both_revealed_names_the_other_school_and_its_staff(conforming, staff, library):
    revealed = library["requests"]["revealed"]
    body = conforming(staff, f"/requests/{revealed.id}", "BenchlearningRequest").json
    assert body["counterpart"] == {"name": "Skolen THIRD", "label": None}
    assert body["contact"] == library["third_staff"].email  # who sent it, now that both agreed
    assert [(n["by"], n["author"]) for n in body["notes"]] == [("counterpart", None)]  # as on the page
    assert (body["meeting_on"], body["meeting_kind"], body["status"]) == ("2026-03-03", "online", "accepted")


def test_a_network_sharing_names_reveals_every_request(api, staff, network, library, db_session):
    network.share_school_names = True
    library["requests"]["sent"].answered_by_id = library["other_staff"].id
    db_session.flush()
    body = api(staff, f"/requests/{library['requests']['sent'].id}").json
    assert body["counterpart"] == {"name": "Skolen OTHER", "label": "Partner B"}
    assert body["contact"] == library["other_staff"].email  # to the requester: who answered
    as_partner = api(library["other_staff"], f"/requests/{library['requests']['sent'].id}").json
    assert (as_partner["counterpart"]["name"], as_partner["contact"]) == ("Skolen STAFFSCH", staff.email)


def test_requests_page_like_the_other_lists(api, staff, library):
    first = api(staff, "/requests?limit=1").json
    assert first["total"] == 2 and len(first["items"]) == 1 and first["next"]
    assert api(staff, "/plans?limit=0").status_code == 400


def test_every_list_and_object_needs_a_token(api, library):
    for path in ("/practices", f"/practices/{library['cards']['own'].id}", "/plans", "/requests"):
        response = api(None, path)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


# --- evidence beside a card ---------------------------------------------------------------------------------------


def test_a_card_carries_its_schools_published_index_as_the_results_give_it(conforming, api, db_session, staff, world):
    """The evidence's index for STAFFSCH in the frozen round is the one the results route publishes."""
    own = staff.school
    made = card(own, "Motivation hver dag", tags={"dimension": ["student/motivation"]}, started_on=date(2020, 1, 1))
    db_session.add(made)
    db_session.flush()
    body = conforming(staff, f"/practices/{made.id}", "PracticeCard").json
    [dimension] = body["evidence"]["dimensions"]
    assert (dimension["tag"], dimension["family"], dimension["dimension"]) == ("student/motivation", "student",
                                                                               "motivation")
    [point] = dimension["series"]
    row = api(staff, f"/rounds/{world['shared'].id}/results?school=STAFFSCH&dimension=motivation&breakdown=all"
              ).json["rows"][0]
    assert point["round"] == {"id": world["shared"].id, "name": "Elever 2026"}
    assert (point["index"], point["ci_low"], point["ci_high"], point["n"]) == pytest.approx(
        (row["index"], row["ci_low"], row["ci_high"], row["n"]))
    assert dimension["change"]["status"] == "no_round_before" and dimension["change"]["change"] is None


def test_an_organisers_staff_read_published_cards_unnamed_and_no_plans_or_requests(api, db_session, network,
                                                                                    make_user, library):
    organiser = Organiser(network=network, code="KOM", name="Kommunen", schools=[library["other"]])
    db_session.add(organiser)
    db_session.flush()
    reader = make_user("kommune@example.org", role="organiser_staff", organiser=organiser)
    body = api(reader, "/practices").json
    assert titles(body) == ["Makkerlæsning", "Morgenmad for alle"]
    assert all(item["school"] is None for item in body["items"])  # as the library's pages name schools
    assert api(reader, "/plans").json["total"] == 0 and api(reader, "/requests").json["total"] == 0
    not_found_like_missing(api, reader, f"/plans/{library['plans']['other'].id}", "/plans/987654")
