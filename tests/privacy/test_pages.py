"""The retention schedule page and the records of processing, as an admin uses them."""
from __future__ import annotations

import pytest
from survey.audit.models import AuditEntry
from survey.privacy.models import RetentionSchedule
from tests.conftest import csrf_token_from
from tests.reports.conftest import pdf_text

FORM = {"draft_days": "14", "free_text_years": "2", "microdata_years": "6", "audit_years": "4",
        "contact_email": "dpo@example.org"}


def test_admin_sets_the_schedule_and_the_change_is_audited(client, login, admin, network, db_session):
    login(admin)
    page = client.get("/admin/privacy/retention")
    assert page.status_code == 200 and 'value="30"' in page.text  # the defaults before any change
    saved = client.post("/admin/privacy/retention", data={**FORM, "csrf_token": csrf_token_from(page.text)})
    assert saved.status_code == 302
    schedule = db_session.get(RetentionSchedule, network.id)
    assert (schedule.draft_days, schedule.free_text_years, schedule.microdata_years, schedule.audit_years,
            schedule.contact_email) == (14, 2, 6, 4, "dpo@example.org")
    entry = db_session.query(AuditEntry).one()
    assert (entry.actor, entry.action, entry.object) == ("admin@example.org", "settings.change", "retention schedule")
    assert entry.details["draft_days"] == [30, 14]


@pytest.mark.parametrize("field, value, message", [
    ("free_text_years", "7", "Free text cannot be kept longer than the responses it belongs to."),
    ("draft_days", "-1", "Give a whole number of days from 0 to 365."),
    ("microdata_years", "", "Give a number of years, e.g. 5."),
    ("contact_email", "not an address", "Give an e-mail address"),
])
def test_bad_schedule_is_refused_with_a_message_and_keeps_the_input(client, login, admin, network, db_session,
                                                                     field, value, message):
    login(admin)
    page = client.get("/admin/privacy/retention")
    refused = client.post("/admin/privacy/retention",
                          data={**FORM, field: value, "csrf_token": csrf_token_from(page.text)})
    assert refused.status_code == 422
    assert message in refused.text
    assert 'value="dpo@example.org"' in refused.text or field == "contact_email"
    assert db_session.get(RetentionSchedule, network.id) is None
    assert db_session.query(AuditEntry).count() == 0


def test_school_staff_cannot_reach_the_schedule(client, login, staff):
    login(staff)
    assert client.get("/admin/privacy/retention").status_code in (403, 404)
    assert client.get("/admin/privacy/records-da.pdf").status_code in (403, 404)


def test_schedule_form_needs_its_csrf_token(client, login, admin, network, db_session):
    login(admin)
    assert client.post("/admin/privacy/retention", data=FORM).status_code in (400, 422)
    assert db_session.get(RetentionSchedule, network.id) is None


@pytest.mark.parametrize("language, heading, retention", [
    ("da", "Fortegnelse over behandlingsaktiviteter", "Fjernes 6 år efter at runden er lukket"),
    ("sv", "Register över behandling", "Tas bort 6 år efter att omgången stängts"),
    ("en", "Records of processing", "Removed 6 years after the round closes"),
])
def test_records_follow_the_schedule_in_each_language(client, login, admin, network, db_session, language, heading,
                                                      retention, tmp_path):
    db_session.add(RetentionSchedule(network_id=network.id, draft_days=1, free_text_years=2, microdata_years=6,
                                     audit_years=3, contact_email="dpo@example.org"))
    db_session.flush()
    login(admin)
    html = client.get(f"/admin/privacy/records-{language}.html")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    assert heading in html.text and retention in html.text and "dpo@example.org" in html.text
    assert "EU" in html.text
    pdf = client.get(f"/admin/privacy/records-{language}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    assert heading in " ".join(text.split()) and "dpo@example.org" in text


def test_records_page_shows_the_network_settings(client, login, admin, network, db_session):
    login(admin)
    page = client.get("/admin/privacy/records")
    assert page.status_code == 200
    assert "Removed 30 days after the round closes." in page.text  # the default schedule
    assert "not the comments" in page.text  # admins_read_comments is off by default
    assert "read by their own staff only" in page.text  # admins_read_plans is off by default
    assert "The contact person a school names on a card" in page.text

    network.admins_read_plans = True
    db_session.commit()
    page = client.get("/admin/privacy/records")
    assert "administrators read the schools' action plans" in page.text
