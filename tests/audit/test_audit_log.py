"""Who exported, downloaded or changed what is recorded where it happens, kept even though a download is a GET,
dropped with a refused change, and shown to the network's own admins only."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from survey.audit.models import AuditEntry
from survey.audit.views import PER_PAGE
from tests.conftest import TEST_PASSWORD, csrf_token_from


def entries(db_session) -> list[AuditEntry]:
    db_session.expire_all()
    return db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


@pytest.fixture
def closed_round(make_version, make_round, make_school, add_response):
    school = make_school("AUD")
    survey_round = make_round(make_version(), [school], name="Forår 2026", opens_on=date(2026, 1, 1),
                              closes_on=date(2026, 3, 1))
    add_response(survey_round, school, {"teach.explains": 4}, text="a comment that must not reach the log")
    return survey_round


def test_downloads_are_recorded_without_respondent_data(client, login, admin, closed_round, db_session):
    login(admin)
    codebook = client.get(f"/admin/rounds/{closed_round.id}/codebook.csv")
    microdata = client.get(f"/admin/rounds/{closed_round.id}/responses.csv")
    assert codebook.status_code == 200 and microdata.status_code == 200
    logged = entries(db_session)
    assert [(e.actor, e.action, e.object, e.details) for e in logged] == [
        ("admin@example.org", "export.codebook", "round Forår 2026", {"format": "csv"}),
        ("admin@example.org", "export.microdata", "round Forår 2026", {"format": "csv"}),
    ]
    assert all(e.network_id == admin.network_id and e.actor_id == admin.id for e in logged)
    assert not any("comment" in str(e.details) for e in logged)


def test_a_failed_download_and_a_page_view_leave_no_entry(client, login, admin, closed_round, db_session):
    login(admin)
    assert client.get(f"/admin/rounds/{closed_round.id}/codebook.exe").status_code == 404
    assert client.get("/admin/privacy/records").status_code == 200
    assert entries(db_session) == []


def test_settings_changes_are_recorded_and_refused_ones_are_not(client, login, admin, network, db_session):
    login(admin)
    page = client.get("/admin/settings")
    form = {"k_min": "6", "driver_min_cases": "300", "minimal_difference": "3", "csrf_token": csrf_token_from(page.text)}
    assert client.post("/admin/settings", data={**form, "k_min": "2"}).status_code == 422
    assert entries(db_session) == []
    assert client.post("/admin/settings", data=form).status_code == 302
    [entry] = entries(db_session)
    assert (entry.action, entry.object, entry.details["k_min"]) == ("settings.change", "network settings", 6)


def test_user_and_round_changes_are_recorded(client, login, admin, staff, make_version, make_round, db_session):
    login(admin)
    page = client.get(f"/admin/users/{staff.id}")
    client.post(f"/admin/users/{staff.id}/deactivate", data={"csrf_token": csrf_token_from(page.text)})
    today = date.today()
    survey_round = make_round(make_version(), [staff.school], name="Efterår", opens_on=today + timedelta(days=5),
                              closes_on=today + timedelta(days=30))
    db_session.commit()
    detail = client.get(f"/admin/rounds/{survey_round.id}")
    opened = client.post(f"/admin/rounds/{survey_round.id}/open", data={"csrf_token": csrf_token_from(detail.text)})
    assert opened.status_code == 302
    assert [(e.action, e.object, e.details) for e in entries(db_session)] == [
        ("user.change", "user staff@example.org", {"change": "deactivate"}),
        ("round.change", "round Efterår", {"change": "open"}),
    ]


def add_entry(db_session, network, actor: str, action: str, at: datetime) -> AuditEntry:
    entry = AuditEntry(network_id=network.id, at=at, actor=actor, action=action, object="network settings",
                       details={})
    db_session.add(entry)
    return entry


def test_admins_read_their_networks_log_filtered_and_paged(client, login, admin, network, make_network, db_session):
    start = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
    for i in range(PER_PAGE + 1):
        add_entry(db_session, network, "a@example.org", "settings.change", start + timedelta(hours=i))
    add_entry(db_session, network, "b@example.org", "export.microdata", datetime(2026, 10, 5, 8, tzinfo=timezone.utc))
    add_entry(db_session, make_network("Naboerne"), "spy@example.org", "export.microdata",
              datetime(2026, 10, 5, 8, tzinfo=timezone.utc))
    db_session.flush()
    login(admin)
    first = client.get("/admin/audit")

    assert first.status_code == 200
    assert f"{PER_PAGE + 2} entries." in first.text and "spy@example.org" not in first.text
    assert first.text.count("<tr><td>") == PER_PAGE and "b@example.org</td>" not in first.text  # newest first
    second = client.get("/admin/audit?page=2")
    assert second.text.count("<tr><td>") == 2 and "b@example.org</td>" in second.text
    by_action = client.get("/admin/audit?action=export.microdata")
    assert "1 entry." in by_action.text and "b@example.org</td>" in by_action.text
    by_user = client.get("/admin/audit?actor=a%40example.org&since=2026-11-02&until=2026-11-02")
    assert "24 entries." in by_user.text  # 09:00 on 1 November + 15..38 hours: the 24 hours of 2 November
    wrong = client.get("/admin/audit?since=2026-11-05&until=2026-11-01")
    assert wrong.status_code == 422 and "The end date is before the start date." in wrong.text


def test_school_staff_cannot_read_the_log(client, login, staff):
    login(staff)
    assert client.get("/admin/audit").status_code in (403, 404)


def test_aggregates_exports_are_recorded_for_admins_and_staff(client, app, login, admin, staff, make_version,
                                                              make_round, add_response, db_session):
    from survey.results.operations import freeze_round_results

    survey_round = make_round(make_version(), [staff.school], name="Vinter", opens_on=date(2026, 1, 1),
                              closes_on=date(2026, 2, 1))
    for code in range(1, 6):
        add_response(survey_round, staff.school, {"teach.explains": code})
    freeze_round_results(survey_round, today=date(2026, 2, 2))
    login(admin)
    assert client.get(f"/admin/rounds/{survey_round.id}/aggregates.csv").status_code == 200
    staff_client = app.test_client()
    page = staff_client.get("/auth/login")
    staff_client.post("/auth/login", data={"email": staff.email, "password": TEST_PASSWORD,
                                           "csrf_token": csrf_token_from(page.text)})
    assert staff_client.get(f"/school/rounds/{survey_round.id}/aggregates.xlsx").status_code == 200
    assert [(e.actor, e.action, e.object, e.details) for e in entries(db_session)] == [
        ("admin@example.org", "export.aggregates", "round Vinter", {"format": "csv", "frozen": True}),
        ("staff@example.org", "export.aggregates", "round Vinter", {"format": "xlsx", "school": "STAFFSCH"}),
    ]
