"""Authorization: staff see their own school's report only (another school's address answers 404);
admins see and download all. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from survey.reporting.storage import ReportStore


@pytest.fixture
def stored_round(app, make_version, make_round, make_school, staff, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(tmp_path))
    other = make_school("OTHER")
    survey_round = make_round(make_version(), [staff.school, other])
    store = ReportStore(tmp_path)
    for code in (staff.school.code, "OTHER"):
        store.save(survey_round.id, code, "a" * 64, b"%PDF-1.7 " + code.encode())
    return survey_round


def test_staff_download_their_own_report_and_get_404_for_another_school(client, login, staff, stored_round):
    login(staff)
    with client.get(f"/school/reports/{stored_round.id}/{staff.school.code}/report.pdf") as own:
        assert own.status_code == 200 and own.data == b"%PDF-1.7 STAFFSCH"
    for url in (f"/school/reports/{stored_round.id}/OTHER/report.pdf", f"/school/reports/{stored_round.id}/OTHER/",
                f"/school/reports/{stored_round.id + 999}/{staff.school.code}/report.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/admin/reports/{stored_round.id}/OTHER.pdf").status_code == 403
    listing = client.get("/school/reports", headers={"Accept-Language": "en"})
    assert listing.status_code == 200 and "Download PDF" in listing.text


def test_admin_sees_and_downloads_every_report(client, login, admin, stored_round):
    login(admin)
    page = client.get(f"/admin/reports/{stored_round.id}")
    assert page.status_code == 200 and "OTHER" in page.text and "STAFFSCH" in page.text
    with client.get(f"/admin/reports/{stored_round.id}/OTHER.pdf") as download:
        assert download.data == b"%PDF-1.7 OTHER"
    assert client.get(f"/admin/reports/{stored_round.id}/NOPE.pdf").status_code == 404
    assert client.get("/admin/reports").status_code == 200


def test_plotly_js_is_served_locally(client, login, staff):
    login(staff)
    response = client.get("/school/reports/plotly.min.js")
    assert response.status_code == 200 and b"plotly" in response.data[:2000].lower()
    response.close()
