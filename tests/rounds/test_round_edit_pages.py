"""Changing a round in the admin pages: dates, questionnaire version, schools, deletion; who may."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.accounts.operations import add_user
from survey.extensions import db
from survey.rounds.models import SurveyLink, SurveyRound
from survey.rounds.operations import ensure_links

from ..conftest import TEST_PASSWORD, csrf_token_from
from .conftest import TODAY

LATER, MUCH_LATER = TODAY + timedelta(days=10), TODAY + timedelta(days=40)
PORTAL_SCRIPT = ['<script src="/static/portal.js" defer>']  # only the wide tables' helper, on every page


def scripts(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>", page)


@pytest.fixture
def draft(make_round, nts, vhs):
    return make_round(name="Elevtrivsel 2027", schools=[nts, vhs], opens=LATER, closes=MUCH_LATER)


def edit_page(client, survey_round):
    page = client.get(f"/admin/rounds/{survey_round.id}/edit")
    assert page.status_code == 200, page.text
    return page.text


def fresh(survey_round) -> SurveyRound:
    db.session.expire_all()
    return db.session.get(SurveyRound, survey_round.id)


def test_the_round_page_links_to_the_changes_a_round_allows(client, admin, login, draft, make_round, nts):
    login(admin)
    assert "Change the dates, version or schools, or delete the round" in client.get(f"/admin/rounds/{draft.id}").text
    page = edit_page(client, draft)
    for action in ("dates", "version", "schools"):
        assert f'action="/admin/rounds/{draft.id}/{action}"' in page
    assert f'href="/admin/rounds/{draft.id}/delete"' in page  # to the confirmation page
    closed = make_round(name="Past", schools=[nts], opens=TODAY - timedelta(days=30), closes=TODAY - timedelta(days=1))
    assert f"/admin/rounds/{closed.id}/edit" not in client.get(f"/admin/rounds/{closed.id}").text
    page = edit_page(client, closed)
    assert "never reopened" in page
    assert not any(f'action="/admin/rounds/{closed.id}/{action}"' in page for action in ("dates", "version", "schools", "delete"))
    assert f'href="/admin/rounds/{closed.id}/delete"' not in page


def test_admin_reschedules_a_draft(client, admin, login, draft):
    login(admin)
    token = csrf_token_from(edit_page(client, draft))
    moved = client.post(
        f"/admin/rounds/{draft.id}/dates",
        data={"csrf_token": token, "opens_on": str(TODAY + timedelta(days=20)), "closes_on": str(TODAY + timedelta(days=50))},
    )
    assert moved.status_code == 302 and moved.location.endswith(f"/admin/rounds/{draft.id}")
    assert (fresh(draft).opens_on, fresh(draft).closes_on) == (TODAY + timedelta(days=20), TODAY + timedelta(days=50))
    assert "now runs" in client.get(moved.location).text


def test_admin_extends_an_open_round_but_cannot_move_its_opening(client, admin, login, make_round, nts):
    running = make_round(name="Running", schools=[nts], opens=TODAY - timedelta(days=3), closes=TODAY + timedelta(days=3))
    login(admin)
    page = edit_page(client, running)
    assert "Change the closing date" in client.get(f"/admin/rounds/{running.id}").text
    assert 'readonly' in page and f'action="/admin/rounds/{running.id}/version"' not in page
    token = csrf_token_from(page)
    extended = client.post(
        f"/admin/rounds/{running.id}/dates",
        data={"csrf_token": token, "opens_on": str(running.opens_on), "closes_on": str(MUCH_LATER)},
    )
    assert extended.status_code == 302
    assert fresh(running).closes_on == MUCH_LATER
    moved = client.post(
        f"/admin/rounds/{running.id}/dates",
        data={"csrf_token": token, "opens_on": str(TODAY + timedelta(days=1)), "closes_on": str(MUCH_LATER)},
    )
    assert moved.status_code == 422
    assert 'id="opens_on-error"' in moved.text and "is open: its opening date" in moved.text
    past = client.post(
        f"/admin/rounds/{running.id}/dates",
        data={"csrf_token": token, "opens_on": str(running.opens_on), "closes_on": str(TODAY - timedelta(days=1))},
    )
    assert past.status_code == 422
    assert 'id="closes_on-error"' in past.text and "is in the past: use close now to close the round" in past.text
    assert fresh(running).opens_on == TODAY - timedelta(days=3) and fresh(running).closes_on == MUCH_LATER


def test_a_closed_round_is_not_reopened_from_the_web(client, admin, login, make_round, nts):
    closed = make_round(name="Past", schools=[nts], opens=TODAY - timedelta(days=30), closes=TODAY - timedelta(days=1))
    login(admin)
    token = csrf_token_from(client.get(f"/admin/rounds/{closed.id}").text)
    refused = client.post(
        f"/admin/rounds/{closed.id}/dates",
        data={"csrf_token": token, "opens_on": str(closed.opens_on), "closes_on": str(MUCH_LATER)},
    )
    assert refused.status_code == 422
    assert "&#39;Past&#39; is closed: its period can no longer change and it cannot be reopened" in refused.text
    assert fresh(closed).closes_on == TODAY - timedelta(days=1)


def test_bad_dates_are_form_errors(client, admin, login, draft):
    login(admin)
    token = csrf_token_from(edit_page(client, draft))
    backwards = client.post(
        f"/admin/rounds/{draft.id}/dates",
        data={"csrf_token": token, "opens_on": str(MUCH_LATER), "closes_on": str(LATER)},
    )
    assert backwards.status_code == 422
    assert 'id="closes_on-error"' in backwards.text and f"cannot close ({LATER}) before it opens ({MUCH_LATER})" in backwards.text
    assert f'value="{MUCH_LATER}"' in backwards.text  # what was typed is kept
    missing = client.post(f"/admin/rounds/{draft.id}/dates", data={"csrf_token": token, "opens_on": "", "closes_on": str(LATER)})
    assert missing.status_code == 422 and 'id="opens_on-error"' in missing.text
    assert (fresh(draft).opens_on, fresh(draft).closes_on) == (LATER, MUCH_LATER)


def test_admin_changes_the_version_of_a_draft_only(client, admin, login, draft, versions, make_round, nts):
    login(admin)
    page = edit_page(client, draft)
    assert "student 2027" in page and "staff 2026" not in page  # only the round's family
    changed = client.post(
        f"/admin/rounds/{draft.id}/version", data={"csrf_token": csrf_token_from(page), "version_id": versions["student 2027"].id}
    )
    assert changed.status_code == 302
    assert fresh(draft).version == versions["student 2027"]
    other_family = client.post(
        f"/admin/rounds/{draft.id}/version", data={"csrf_token": csrf_token_from(page), "version_id": versions["staff 2026"].id}
    )
    assert other_family.status_code == 422 and "Not a valid choice" in other_family.text
    running = make_round(name="Running", schools=[nts])
    stale = client.post(
        f"/admin/rounds/{running.id}/version", data={"csrf_token": csrf_token_from(page), "version_id": versions["student 2027"].id}
    )
    assert stale.status_code == 422
    assert "&#39;Running&#39; is open: its questionnaire version is fixed once the round opens" in stale.text
    assert fresh(running).version == versions["student 2026"]


def test_admin_adds_and_removes_schools_of_a_draft(client, admin, login, draft, nts, vhs, make_school):
    aae = make_school("AAE")
    ensure_links(draft)
    login(admin)
    page = edit_page(client, draft)
    changed = client.post(
        f"/admin/rounds/{draft.id}/schools", data={"csrf_token": csrf_token_from(page), "school_ids": [nts.id, aae.id]}
    )
    assert changed.status_code == 302
    assert [s.code for s in fresh(draft).schools] == ["AAE", "NTS"]
    assert {link.school_id for link in db.session.scalars(select(SurveyLink))} == {nts.id}
    message = client.get(changed.location).text
    assert "added AAE; removed VHS" in message and "1 links and 0 personal invitations" in message
    none = client.post(f"/admin/rounds/{draft.id}/schools", data={"csrf_token": csrf_token_from(page)})
    assert none.status_code == 422 and "a round needs at least one school" in none.text
    assert [s.code for s in fresh(draft).schools] == ["AAE", "NTS"]


def test_a_school_with_responses_is_not_removed(client, admin, login, draft, nts, vhs, add_responses):
    add_responses(draft, vhs, 3)
    login(admin)
    page = edit_page(client, draft)
    refused = client.post(f"/admin/rounds/{draft.id}/schools", data={"csrf_token": csrf_token_from(page), "school_ids": [nts.id]})
    assert refused.status_code == 422
    assert "has responses from VHS (3): a school with responses cannot be removed" in refused.text
    assert [s.code for s in fresh(draft).schools] == ["NTS", "VHS"]
    assert f'/admin/rounds/{draft.id}/delete"' not in refused.text  # responses: no delete button


def test_admin_deletes_a_draft_without_responses_after_confirming(client, admin, login, draft):
    ensure_links(draft)
    login(admin)
    asked = client.get(f"/admin/rounds/{draft.id}/delete")
    assert asked.status_code == 200 and "Delete “Elevtrivsel 2027”?" in asked.text
    assert "with its 2 links and 0 personal invitations" in asked.text and scripts(asked.text) == PORTAL_SCRIPT
    token = csrf_token_from(asked.text)
    unconfirmed = client.post(f"/admin/rounds/{draft.id}/delete", data={"csrf_token": token})
    assert unconfirmed.status_code == 200 and "Delete “Elevtrivsel 2027”?" in unconfirmed.text  # asks again
    assert fresh(draft) is not None
    deleted = client.post(f"/admin/rounds/{draft.id}/delete", data={"csrf_token": token, "confirm": "Delete the round"})
    assert deleted.status_code == 302 and deleted.location.endswith("/admin/rounds")
    assert db.session.scalar(select(SurveyRound)) is None and db.session.scalar(select(SurveyLink)) is None
    assert "Deleted round &#39;Elevtrivsel 2027&#39;." in client.get(deleted.location).text


def test_delete_refuses_an_open_round_and_a_round_with_responses(client, admin, login, draft, make_round, nts, add_responses):
    running = make_round(name="Running", schools=[nts])
    add_responses(draft, nts, 1)
    login(admin)
    token = csrf_token_from(edit_page(client, draft))
    for survey_round, message in (
        (running, "&#39;Running&#39; is open: only a draft round can be deleted"),
        (draft, "&#39;Elevtrivsel 2027&#39; has 1 response: a round with responses cannot be deleted"),
    ):
        asked = client.get(f"/admin/rounds/{survey_round.id}/delete")
        assert asked.status_code == 422 and message in asked.text  # refused before asking
        refused = client.post(f"/admin/rounds/{survey_round.id}/delete", data={"csrf_token": token, "confirm": "1"})
        assert refused.status_code == 422 and message in refused.text
    assert db.session.scalar(select(db.func.count(SurveyRound.id))) == 2


def test_changes_need_the_csrf_token(client, admin, login, draft, nts):
    login(admin)
    for action, data in (
        ("dates", {"opens_on": str(LATER), "closes_on": str(MUCH_LATER)}),
        ("version", {"version_id": draft.version_id}),
        ("schools", {"school_ids": [nts.id]}),
        ("delete", {}),
    ):
        assert client.post(f"/admin/rounds/{draft.id}/{action}", data=data).status_code == 400, action
    assert len(fresh(draft).schools) == 2


def test_staff_get_403_on_every_change(client, make_user, login, draft, nts):
    staff = make_user("staff.nts@example.org", school=nts)
    login(staff)
    token = csrf_token_from(client.get("/school/").text)
    assert client.get(f"/admin/rounds/{draft.id}/edit").status_code == 403
    for action in ("dates", "version", "schools", "delete"):
        assert client.post(f"/admin/rounds/{draft.id}/{action}", data={"csrf_token": token}).status_code == 403, action
    assert fresh(draft) is not None and len(fresh(draft).schools) == 2


def test_another_networks_admin_gets_404(client, make_network, login, draft, nts, versions):
    stranger = add_user("admin@other.example", TEST_PASSWORD, "network_admin", make_network("Det andet netværk"), None)
    login(stranger)
    assert client.get(f"/admin/rounds/{draft.id}").status_code == 404
    assert client.get(f"/admin/rounds/{draft.id}/edit").status_code == 404
    token = csrf_token_from(client.get("/admin/rounds/new").text)
    for action, data in (
        ("dates", {"opens_on": str(TODAY), "closes_on": str(MUCH_LATER)}),
        ("version", {"version_id": versions["student 2027"].id}),
        ("schools", {"school_ids": [nts.id]}),
        ("delete", {}),
    ):
        response = client.post(f"/admin/rounds/{draft.id}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 404, action
    assert fresh(draft).version == versions["student 2026"] and (fresh(draft).opens_on, len(fresh(draft).schools)) == (LATER, 2)
