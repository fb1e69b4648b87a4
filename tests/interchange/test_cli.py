"""`benchlearn questionnaire import` and `export`: exit codes, the report on stderr, and the round trip."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from survey.catalog.definition import parse_definition
from survey.catalog.models import version_by_label
from survey.config import PROJECT_ROOT
from survey.extensions import db
from survey.network.models import Network

from .builders import WELLBEING, xlsx

QUESTIONNAIRES = PROJECT_ROOT / "questionnaires"


@pytest.fixture(autouse=True)
def one_network(network):
    return network


def test_partial_import_writes_the_file_and_lists_what_was_dropped(cli, tmp_path):
    sheets = copy.deepcopy(WELLBEING)
    sheets["survey"].insert(2, ["geopoint", "location", "Hvor?", "Where?"])
    source = tmp_path / "wellbeing.xlsx"
    source.write_bytes(xlsx(sheets))
    out = tmp_path / "wellbeing-2027.yaml"
    result = cli("questionnaire", "import", str(source), "--family", "wellbeing", "--version", "2027", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert f"{source}: sheet survey, row 3: not carried: location of type 'geopoint'" in result.stderr
    assert result.stdout.startswith(f"wrote {out} from XLSForm: 3 pages,")
    definition = parse_definition(out.read_text(encoding="utf-8"), str(out))
    assert definition.family == "wellbeing" and definition.version == "2027"
    validated = cli("questionnaire", "validate", str(out))
    assert validated.exit_code == 0, validated.stderr


def test_nothing_importable_exits_1_and_writes_nothing(cli, tmp_path):
    source = tmp_path / "form.xlsx"
    source.write_bytes(xlsx({"survey": [["type", "name", "label"], ["geopoint", "here", "Here"]]}))
    out = tmp_path / "out.yaml"
    result = cli("questionnaire", "import", str(source), "--family", "wellbeing", "--version", "1", "--out", str(out))
    assert result.exit_code == 1
    assert "nothing could be imported" in result.stderr and "sheet survey, row 2" in result.stderr
    assert not out.exists()


def test_unreadable_or_hostile_files_exit_1(cli, tmp_path):
    source = tmp_path / "form.lss"
    source.write_bytes(b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "a">]><document>&a;</document>')
    result = cli("questionnaire", "import", str(source), "--family", "wellbeing", "--version", "1", "--out", str(tmp_path / "o.yaml"))
    assert result.exit_code == 1 and "refused" in result.stderr


def test_an_import_that_does_not_validate_yet_is_written_and_exits_1(cli, tmp_path):
    source = tmp_path / "form.xlsx"  # no rating item: Benchlearn needs a dimension
    source.write_bytes(xlsx({"survey": [["type", "name", "label::English (en)"], ["integer", "age", "Age"],
                                        ["text", "why", "Why?"]]}))
    out = tmp_path / "out.yaml"
    result = cli("questionnaire", "import", str(source), "--family", "wellbeing", "--version", "1", "--out", str(out))
    assert result.exit_code == 1
    assert "no rating item was carried" in result.stderr
    assert f"{out} does not validate yet" in result.stderr and f"{out}:" in result.stderr
    assert out.exists()


def test_a_bad_family_is_a_usage_error(cli, tmp_path):
    source = tmp_path / "form.xlsx"
    source.write_bytes(xlsx(WELLBEING))
    result = cli("questionnaire", "import", str(source), "--family", "Well Being", "--version", "1", "--out", str(tmp_path / "o.yaml"))
    assert result.exit_code == 2 and "family 'Well Being'" in result.stderr


@pytest.mark.parametrize("path", sorted(QUESTIONNAIRES.glob("*/*.yaml")), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_export_then_import_publishes_to_the_same_checksum(cli, tmp_path, path):
    for earlier in sorted(path.parent.glob("*.yaml")):  # a version is published after the one it follows
        published = cli("questionnaire", "publish", str(earlier))
        assert published.exit_code == 0, published.stderr
        if earlier == path:
            break
    network_id = db.session.scalar(select(Network.id))
    family, version = path.parent.name, path.stem
    stored = db.session.scalar(version_by_label(network_id, family, version))
    workbook = tmp_path / "export.xlsx"
    exported = cli("questionnaire", "export", f"{family}:{version}", "--out", str(workbook))
    assert exported.exit_code == 0, exported.stderr
    assert stored.checksum[:12] in exported.stdout
    again = tmp_path / f"{version}.yaml"
    result = cli("questionnaire", "import", str(workbook), "--family", family, "--version", version, "--out", str(again))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # nothing dropped, nothing changed
    republished = cli("questionnaire", "publish", str(again))
    assert republished.exit_code == 0, republished.stderr
    assert "already published with identical content" in republished.stdout


def test_export_names_what_is_missing(cli, tmp_path):
    result = cli("questionnaire", "export", "student:1999", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "student 1999 is not published" in result.stderr
    assert cli("questionnaire", "export", "student", "--out", str(tmp_path / "x.xlsx")).exit_code == 2
    assert cli("questionnaire", "export", "student:2026", "--out", str(tmp_path / "x.csv")).exit_code == 2


def test_every_feature_xlsform_has_no_column_for_survives_the_round_trip():
    from pathlib import Path

    from survey.catalog.definition import checksum, load_definition
    from survey.interchange.exporter import export_xlsform
    from survey.interchange.operations import import_questionnaire

    original = load_definition(Path(__file__).parent / "fixtures" / "everything.yaml")
    outcome = import_questionnaire(export_xlsform(original), "everything.xlsx", "wellbeing", "2027.1", "again.yaml")
    assert [str(finding) for finding in outcome.findings] == [] and outcome.problems == []
    assert checksum(outcome.definition) == checksum(original)
    assert outcome.definition.scales["spare"].points == 2  # a scale no question uses travels too
