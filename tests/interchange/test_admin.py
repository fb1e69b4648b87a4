"""The admin import page and the XLSForm download: CSRF, size and type checks, the report, publishing."""
from __future__ import annotations

import copy
import html
import io
import re

import openpyxl
import pytest

from survey.catalog.models import QuestionnaireVersion, version_by_label
from survey.config import PROJECT_ROOT
from survey.extensions import db

from ..conftest import csrf_token_from
from .builders import WELLBEING, xlsx

STUDENT_2026 = PROJECT_ROOT / "questionnaires" / "student" / "2026.yaml"


def post_import(client, content: bytes, filename: str, family="wellbeing", version="2027", token=True):
    page = client.get("/admin/questionnaires/import")
    data = {"upload": (io.BytesIO(content), filename), "family": family, "version": version}
    if token:
        data["csrf_token"] = csrf_token_from(page.text)
    return client.post("/admin/questionnaires/import", data=data, content_type="multipart/form-data")


def publish_fields(page: str) -> dict:
    form = page[page.index('action="/admin/questionnaires/publish"'):]
    fields = re.findall(r'<input id="(\w+)" name="\w+" type="hidden" value="([^"]*)">', form)
    return {key: html.unescape(value) for key, value in fields}


def test_import_shows_the_report_and_the_yaml_then_publishes(client, admin, login, network):
    login(admin)
    sheets = copy.deepcopy(WELLBEING)
    sheets["survey"].insert(2, ["geopoint", "location", "Hvor?", "Where?"])
    response = post_import(client, xlsx(sheets), "trivsel.xlsx", family="staff")  # a family the catalog knows today
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert "Import of trivsel.xlsx (XLSForm)" in text
    assert "<strong>sheet survey, row 3</strong>: location of type 'geopoint': a location has no equivalent" in text
    assert "Changed on the way" in text and "family: staff" in text  # the report and the YAML
    assert db.session.scalar(version_by_label(network.id, "staff", "2027")) is None  # nothing published yet
    confirm = client.post("/admin/questionnaires/publish", data=publish_fields(response.text))
    assert confirm.status_code == 302
    db.session.expire_all()
    version = db.session.scalar(version_by_label(network.id, "staff", "2027"))
    assert version.published_by == admin.email
    assert version.checksum == publish_fields(response.text)["checksum"]


def test_import_refuses_without_csrf(client, admin, login):
    login(admin)
    assert post_import(client, xlsx(WELLBEING), "trivsel.xlsx", token=False).status_code == 400


@pytest.mark.parametrize("content, filename, message", [
    (b"name,label\n", "form.txt", "Upload an .xlsx, .xls, .csv or .lss file."),
    (b"just text", "form.xlsx", "this is not what its name says (an .xlsx workbook is a zip archive)"),
    (b"PK\x03\x04", "form.lss", "an .lss file is XML, and this is not"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "a">]><document>&a;</document>', "evil.lss", "refused"),
])
def test_import_checks_the_type(client, admin, login, content, filename, message):
    login(admin)
    response = post_import(client, content, filename)
    assert response.status_code == 422
    assert message in html.unescape(response.text)


def test_import_refuses_a_file_over_the_size_limit(app, client, admin, login):
    login(admin)
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    body = (b'--B\r\nContent-Disposition: form-data; name="upload"; filename="form.csv"\r\n\r\n'
            + too_big + b"\r\n--B--\r\n")  # sent as it is: the test client spools no temporary file
    response = client.post("/admin/questionnaires/import", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413


def test_import_of_nothing_importable_says_so(client, admin, login):
    login(admin)
    response = post_import(client, xlsx({"survey": [["type", "name", "label"], ["geopoint", "g", "G"]]}), "f.xlsx")
    assert response.status_code == 422
    assert "Nothing could be imported" in response.text
    assert "Publish this version" not in response.text


def test_import_page_is_for_network_admins_only(client, staff, login):
    login(staff)
    assert client.get("/admin/questionnaires/import").status_code == 403


@pytest.fixture
def student_2026(cli, network):
    assert cli("questionnaire", "publish", str(STUDENT_2026)).exit_code == 0
    return db.session.scalar(version_by_label(network.id, "student", "2026"))


def test_catalog_page_links_each_version_as_xlsform_which_downloads(client, admin, login, student_2026):
    login(admin)
    url = f"/admin/questionnaires/{student_2026.id}/xlsform"
    assert f'href="{url}"' in client.get("/admin/questionnaires").text
    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="student-2026.xlsx"' in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames[:3] == ["survey", "choices", "settings"]
    book.close()


def test_another_networks_version_is_not_found(client, make_network, make_user, login, student_2026):
    other = make_network("Andet netværk")
    from survey.accounts.operations import add_user
    from ..conftest import TEST_PASSWORD

    stranger = add_user("admin@andet.example", TEST_PASSWORD, "network_admin", other, None)
    login(stranger)
    assert client.get(f"/admin/questionnaires/{student_2026.id}/xlsform").status_code == 404
    assert isinstance(student_2026, QuestionnaireVersion)


def test_import_of_a_limesurvey_file_names_elements_and_ids(client, admin, login):
    from pathlib import Path

    login(admin)
    lss = (Path(__file__).parent / "fixtures" / "wellbeing-ls3.lss").read_bytes()
    response = post_import(client, lss, "trivsel.lss", family="staff")
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert "Import of trivsel.lss (LimeSurvey (DBVersion 366))" in text
    assert "<strong>question qid=23 (BIRTH)</strong>: type 'D' (a date) has no equivalent" in text
    assert "Publish this version" in text
