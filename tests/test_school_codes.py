"""School codes name report files and URLs: the import keeps them to a safe pattern and every field to its
column, and a school imported before that (a code with '/') neither stops a round's report build nor loses its
dashboard."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import select

from survey.extensions import db
from survey.network.models import School
from survey.reporting.build import build_reports
from survey.reporting.storage import ReportStore
from survey.reporting.synthetic import synthetic_inputs, synthetic_results
from tests.test_schools import write

RULE = "must be 1 to 32 letters (A-Z), digits, '_' or '-', starting with a letter or digit"


def test_odd_codes_and_long_fields_are_reported_by_line_and_nothing_is_imported(cli, network, tmp_path):
    rows = [
        "code,name,type,region,programs",
        "A/B,Skråstreg,EUD,Nordjylland,EL=Elektriker",
        "../x,Op,EUD,Nordjylland,EL=Elektriker",
        f"{'K' * 33},Lang kode,EUD,Nordjylland,EL=Elektriker",
        f"LONG,{'n' * 201},EUD,{'r' * 101},EL=Elektriker",
        f"PRG,Programmer,EUD,Nordjylland,E L=Elektriker;SMED={'s' * 201}",
        "NUL,Sko\x00len,EUD,Nordjylland,EL=Elektriker",
        "OK-1,Fin skole,EUD,Nordjylland,EL=Elektriker",
    ]
    path = write(tmp_path, "\n".join(rows) + "\n")
    result = cli("school", "import", str(path))
    assert result.exit_code == 1
    for expected in (
        f"{path}:2: school code 'A/B' {RULE}",
        f"{path}:3: school code '../x' {RULE}",
        f"{path}:4: school code '{'K' * 33}' {RULE}",
        f"{path}:5: name has 201 characters: at most 200",
        f"{path}:5: region has 101 characters: at most 100",
        f"{path}:6: program code 'E L' {RULE}",
        f"{path}:6: program 'SMED': the name has 201 characters: at most 200",
        f"{path}:7: name has a control character",
    ):
        assert expected in result.stderr, result.stderr
    assert f"{path}:8" not in result.stderr
    assert db.session.scalar(select(sa.func.count(School.id))) == 0


def test_a_school_whose_code_cannot_name_a_file_never_stops_the_build(tmp_path):
    """Before, `unsafe report key` ended a parallel build: no school of the round got its report."""
    results = synthetic_results(3, items_per_dimension=2)
    reports = [synthetic_inputs(results, code, items_per_dimension=2) for code in ("S001", "S002", "S003")]
    reports[1].school_code = "A/B"
    result = build_reports(reports, ReportStore(tmp_path), workers=2)
    assert sorted(result.built) == ["S001", "S003"]
    assert list(result.failed) == ["A/B"] and "cannot name a report file" in result.failed["A/B"]
