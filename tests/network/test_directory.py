"""The admin pages of the network's directory: schools, programs, organisers, school types and the CSV imports,
on SQLite and PostgreSQL, with CSRF and per-object checks."""
from __future__ import annotations

import io

import sqlalchemy as sa
from sqlalchemy import select

from survey.extensions import db
from survey.network.models import Network, Organiser, Program, School
from tests.conftest import csrf_token_from


def post(client, url: str, data: dict, **kwargs):
    page = client.get(url)
    assert page.status_code == 200, page.text
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.text)}, **kwargs)


def test_an_admin_creates_and_edits_a_school_with_an_organiser_and_a_program(client, login, admin, network):
    login(admin)
    assert post(client, "/admin/organisers/new", {"code": "0180", "name": "Stockholms kommun",
                                                   "kind": "municipality"}).status_code == 302
    organiser = db.session.scalar(select(Organiser).where(Organiser.code == "0180"))
    response = post(client, "/admin/schools/new", {"code": "NTS", "name": "Nordkysten", "type": "EUD",
                                                   "region": "Nord", "report_language": "da",
                                                   "organiser": str(organiser.id)})
    assert response.status_code == 302
    school = db.session.scalar(select(School).where(School.code == "NTS"))
    assert (school.type, school.organiser.code) == ("EUD", "0180")
    assert post(client, "/admin/schools/NTS/", {"code": "NTS", "name": "Nordkysten Tech", "type": "htx",
                                                "region": "Nord", "report_language": "sv",
                                                "organiser": ""}).status_code == 302
    db.session.refresh(school)
    assert (school.name, school.type, school.report_language, school.organiser) == ("Nordkysten Tech", "htx",
                                                                                    "sv", None)
    assert post(client, "/admin/schools/NTS/programs/new", {"code": "EL", "name": "Elektriker"}).status_code == 302
    assert post(client, "/admin/schools/NTS/programs/EL", {"code": "EL", "name": "Elektriker (EUX)"}
                ).status_code == 302
    assert db.session.scalar(select(Program.name).where(Program.code == "EL")) == "Elektriker (EUX)"
    listing = client.get("/admin/schools")
    assert "Nordkysten Tech" in listing.text


def test_a_school_type_outside_the_networks_list_is_refused_with_a_message(client, login, admin, network):
    login(admin)
    response = post(client, "/admin/schools/new", {"code": "SOD", "name": "Södra", "type": "gymnasieskola",
                                                   "region": "Stockholm", "report_language": "sv", "organiser": ""})
    assert response.status_code == 422 and "Not a valid choice" in response.text
    assert post(client, "/admin/school-types", {"country-country": "SE", "country-submit": "1"}).status_code == 302
    response = post(client, "/admin/schools/new", {"code": "SOD", "name": "Södra", "type": "gymnasieskola",
                                                   "region": "Stockholm", "report_language": "sv", "organiser": ""})
    assert response.status_code == 302
    assert db.session.scalar(select(School.type).where(School.code == "SOD")) == "gymnasieskola"


def test_the_country_cannot_strand_a_schools_type_and_own_types_can_be_added(client, login, admin, network,
                                                                            make_school):
    make_school("NTS", type="EUD")
    login(admin)
    response = post(client, "/admin/school-types", {"country-country": "SE", "country-submit": "1"})
    assert response.status_code == 422 and "EUD" in response.text
    assert post(client, "/admin/school-types", {"type-code": "SOSU", "type-name": "Social- og sundhedsskole",
                                                "type-submit": "1"}).status_code == 302
    assert "SOSU" in client.get("/admin/school-types").text


def test_a_school_import_with_a_bad_row_shows_every_problem_by_line_and_saves_nothing(client, login, admin,
                                                                                     network):
    login(admin)
    text = ("code,name,type,region,programs,organiser\n"
            "NTS,Nordkysten,EUD,Nord,EL=Elektriker,REG=Region Nord\n"
            "KHG,Kystbyen,gym,Hovedstaden,,\n"
            "NTS,Igen,EUD,Nord,EL,\n")
    response = post(client, "/admin/import/schools",
                    {"file": (io.BytesIO(text.encode()), "schools.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "schools.csv:3: type &#39;gym&#39; is not one of the network&#39;s school types" in response.text
    assert "schools.csv:4: school code &#39;NTS&#39; is used twice (first at line 2)" in response.text
    assert db.session.scalar(select(sa.func.count(School.id))) == 0
    assert db.session.scalar(select(sa.func.count(Organiser.id))) == 0
    good = text.split("\n")[:2]
    response = post(client, "/admin/import/schools", {"file": (io.BytesIO("\n".join(good).encode()), "s.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(School).where(School.code == "NTS")).organiser.name == "Region Nord"


def test_an_organiser_import_reports_bad_rows_and_then_imports(client, login, admin, network):
    login(admin)
    bad = "code,name,kind\n0180,Stockholm,municipality\n,Utan kod,\n0181,Solna,kommun\n"
    response = post(client, "/admin/import/organisers", {"file": (io.BytesIO(bad.encode()), "o.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 422
    assert "o.csv:3: organiser code" in response.text and "o.csv:4: kind &#39;kommun&#39;" in response.text
    assert db.session.scalar(select(sa.func.count(Organiser.id))) == 0
    good = "code,name,kind\n0180,Stockholm,municipality\n0181,Solna,\n"
    assert post(client, "/admin/import/organisers", {"file": (io.BytesIO(good.encode()), "o.csv")},
                content_type="multipart/form-data").status_code == 302
    assert {o.code: o.kind for o in network.organisers} == {"0180": "municipality", "0181": "other"}


def test_another_networks_school_and_organiser_answer_404(client, login, admin, make_network):
    other = make_network("Andet netværk")
    db.session.add_all([School(network=other, code="X", name="X", type="EUD", region="R"),
                        Organiser(network=other, code="O", name="O")])
    db.session.flush()
    login(admin)
    for url in ("/admin/schools/X/", "/admin/schools/X/programs/new", "/admin/organisers/O/"):
        assert client.get(url).status_code == 404, url


def test_a_form_without_its_csrf_token_is_refused(client, login, admin, network):
    login(admin)
    response = client.post("/admin/organisers/new", data={"code": "K", "name": "Kommunen", "kind": "other"})
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(sa.func.count(Organiser.id))) == 0


def test_school_staff_cannot_open_the_directory(client, login, staff):
    login(staff)
    assert client.get("/admin/organisers").status_code == 403
    assert client.get("/admin/school-types").status_code == 403
    assert isinstance(staff.network, Network)
