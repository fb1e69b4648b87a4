"""Importing schools and programs from CSV, with row-numbered errors."""
import pytest
import sqlalchemy as sa
from sqlalchemy import select

from survey.extensions import db
from survey.network.models import NetworkSchoolType, Organiser, Program, School

GOOD = """code,name,type,region,programs
NTS,Nordkystens Tekniske Skole,EUD,Nordjylland,EL=Elektriker;SMED=Smed
KHG,Kystbyens Handelsgymnasium,hhx,Hovedstaden,HHX=Hhx
"""


def write(tmp_path, text: str):
    path = tmp_path / "schools.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_schools_and_programs(cli, network, tmp_path):
    result = cli("school", "import", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0, result.stderr
    assert "2 new, 0 updated, 3 new programs" in result.stdout
    nts = db.session.scalar(select(School).where(School.code == "NTS"))
    assert (nts.name, nts.type, nts.region) == ("Nordkystens Tekniske Skole", "EUD", "Nordjylland")
    assert [p.code for p in nts.programs] == ["EL", "SMED"]


def test_import_again_updates_and_keeps_programs(cli, network, tmp_path):
    cli("school", "import", str(write(tmp_path, GOOD)))
    changed = GOOD.replace("Nordkystens Tekniske Skole", "Nordkysten Tech").replace("EL=Elektriker;SMED=Smed", "DATA=Datatekniker")
    result = cli("school", "import", str(write(tmp_path, changed)))
    assert "0 new, 2 updated, 1 new programs" in result.stdout
    nts = db.session.scalar(select(School).where(School.code == "NTS"))
    db.session.refresh(nts)
    assert nts.name == "Nordkysten Tech"
    assert [p.code for p in nts.programs] == ["DATA", "EL", "SMED"]


def test_every_bad_row_is_reported_by_line_and_nothing_is_imported(cli, network, tmp_path):
    bad = (
        "code,name,type,region,programs\n"
        "NTS,Nordkysten,EUD,Nordjylland,EL=Elektriker\n"
        "XYZ,Skolen,gym,Sjælland,\n"
        ",Uden kode,stx,Sjælland,STX=Stx\n"
        "NTS,Igen,EUD,Nordjylland,EL\n"
    )
    path = write(tmp_path, bad)
    result = cli("school", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: type 'gym' is not one of the network's school types (EUD, EUX, hhx, htx, stx, hf, AMU" \
        in result.stderr
    assert f"{path}:4: code is empty" in result.stderr
    assert f"{path}:5: school code 'NTS' is used twice (first at line 2)" in result.stderr
    assert f"{path}:5: program 'EL' is not written as CODE=Name" in result.stderr
    assert db.session.scalar(select(sa.func.count(School.id))) == 0


def test_missing_columns_are_named(cli, network, tmp_path):
    path = write(tmp_path, "code,name\nNTS,Nordkysten\n")
    result = cli("school", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: missing column(s): type, region, programs" in result.stderr


def test_the_database_refuses_a_school_without_a_type(db_session, network):
    """Which types are known is the network's (its country's catalogue and its own); none at all never is."""
    db_session.add(School(network=network, code="X", name="X", type="", region="Sjælland"))
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_program_codes_are_unique_per_school(db_session, make_school):
    school = make_school("NTS", programs=("EL",))
    db_session.add(Program(school=school, code="EL", name="Igen"))
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_admin_sees_the_schools(client, admin, login, make_school):
    make_school("NTS", name="Nordkystens Tekniske Skole")
    login(admin)
    assert "Nordkystens Tekniske Skole" in client.get("/admin/schools").text


def test_report_language_column_is_optional_and_checked_by_line(cli, network, tmp_path):
    text = ("code,name,type,region,programs,report_language\n"
            "NTS,Nordkysten,EUD,Nordjylland,EL=Elektriker,en\n"
            "KHG,Kystbyen,hhx,Hovedstaden,HHX=Hhx,\n"
            "SVS,Svenska skolan,stx,Hovedstaden,STX=Stx,SV\n")
    result = cli("school", "import", str(write(tmp_path, text)))
    assert result.exit_code == 0, result.stderr
    languages = dict(db.session.execute(select(School.code, School.report_language)).all())
    assert languages == {"NTS": "en", "KHG": "da", "SVS": "sv"}

    cli("school", "import", str(write(tmp_path, GOOD)))  # a file without the column keeps the languages
    db.session.expire_all()
    assert db.session.scalar(select(School.report_language).where(School.code == "NTS")) == "en"

    bad = "code,name,type,region,programs,report_language\nNTS,Nordkysten,EUD,Nordjylland,EL=Elektriker,de\n"
    path = write(tmp_path, bad)
    result = cli("school", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:2: report_language 'de' is not one of da, en, sv" in result.stderr


def test_new_schools_report_in_danish_and_the_database_refuses_other_languages(db_session, network):
    school = School(network=network, code="X", name="X", type="EUD", region="Sjælland")
    db_session.add(school)
    db_session.flush()
    assert school.report_language == "da"
    school.report_language = "de"
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()
    db_session.rollback()


SWEDISH = """code,name,type,region,programs,organiser
SOD,Södra gymnasiet,Gymnasieskola,Stockholm,NA=Naturvetenskapsprogrammet,0180=Stockholms kommun
NOR,Norra grundskolan,grundskola,Stockholm,,0180
FRI,Friskolan,gymnasieskola,Stockholm,EK=Ekonomiprogrammet,FRIAB=Friskolan AB
"""


def test_a_swedish_network_imports_its_gymnasium_and_organisers(cli, network, tmp_path):
    network.country = "SE"
    db.session.commit()
    result = cli("school", "import", str(write(tmp_path, SWEDISH)))
    assert result.exit_code == 0, result.stderr
    schools = {s.code: s for s in db.session.scalars(select(School))}
    assert schools["SOD"].type == "gymnasieskola"  # as the catalogue spells it
    assert schools["SOD"].organiser.name == "Stockholms kommun"
    assert schools["NOR"].organiser is schools["SOD"].organiser
    assert schools["FRI"].organiser.code == "FRIAB"
    assert db.session.scalar(select(sa.func.count(Organiser.id))) == 2


def test_organiser_and_type_problems_are_reported_by_line_and_nothing_is_saved(cli, network, tmp_path):
    bad = ("code,name,type,region,programs,organiser\n"
           "NTS,Nordkysten,EUD,Nordjylland,EL=Elektriker,REG=Region Nord\n"
           "SOD,Södra gymnasiet,gymnasieskola,Stockholm,,0180=Stockholm\n"
           "KHG,Kystbyen,hhx,Hovedstaden,,UNKNOWN\n")
    path = write(tmp_path, bad)
    result = cli("school", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: type 'gymnasieskola' is not one of the network's school types" in result.stderr
    assert f"{path}:4: organiser 'UNKNOWN' is not one of the network's: write it as CODE=Name" in result.stderr
    assert db.session.scalar(select(sa.func.count(School.id))) == 0
    assert db.session.scalar(select(sa.func.count(Organiser.id))) == 0


def test_a_network_type_of_its_own_is_accepted(cli, network, tmp_path):
    network.own_school_types.append(NetworkSchoolType(code="SOSU", name="Social- og sundhedsskole"))
    db.session.commit()
    result = cli("school", "import", str(write(tmp_path, "code,name,type,region,programs\nS1,Sosu Nord,sosu,Nord,\n")))
    assert result.exit_code == 0, result.stderr
    assert db.session.scalar(select(School.type).where(School.code == "S1")) == "SOSU"


def test_import_without_the_organiser_column_keeps_each_schools_organiser(cli, network, tmp_path):
    cli("school", "import", str(write(tmp_path, "code,name,type,region,programs,organiser\n"
                                                "NTS,Nordkysten,EUD,Nord,,REG=Region Nord\n")))
    cli("school", "import", str(write(tmp_path, "code,name,type,region,programs\nNTS,Nordkysten Tech,EUD,Nord,\n")))
    school = db.session.scalar(select(School).where(School.code == "NTS"))
    db.session.refresh(school)
    assert (school.name, school.organiser.code) == ("Nordkysten Tech", "REG")


def test_the_organiser_import_command_reports_bad_rows_and_imports_good_ones(cli, network, tmp_path):
    bad = write(tmp_path, "code,name,kind\n0180,Stockholm,kommun\n")
    result = cli("organiser", "import", str(bad))
    assert result.exit_code == 1 and f"{bad}:2: kind 'kommun' is not one of" in result.stderr
    good = write(tmp_path, "code,name,kind\n0180,Stockholm,municipality\n")
    result = cli("organiser", "import", str(good))
    assert result.exit_code == 0 and "1 new, 0 updated" in result.stdout
    assert db.session.scalar(select(Organiser.kind).where(Organiser.code == "0180")) == "municipality"
