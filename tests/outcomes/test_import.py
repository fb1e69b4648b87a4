"""Importing outcome indicators: every problem by its row as a spreadsheet numbers it, all or nothing,
re-importing replaces, the command line's exit codes. On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from survey.outcomes.importer import OutcomeImportError, import_outcomes, parse_outcome_csv
from survey.outcomes.models import OutcomeIndicator, OutcomeValue
from tests.outcomes.conftest import HEADER, outcome_csv, row


def problems_of(text, network) -> list[str]:
    with pytest.raises(OutcomeImportError) as raised:
        parse_outcome_csv(text.encode("utf-8") if isinstance(text, str) else text, network)
    with force_locale("en"):
        return [str(problem) for problem in raised.value.problems]


def stored(db_session) -> list[tuple]:
    return db_session.execute(
        select(OutcomeIndicator.key, OutcomeValue.year, OutcomeValue.value, OutcomeValue.n)
        .join(OutcomeValue.indicator).order_by(OutcomeIndicator.key, OutcomeValue.year, OutcomeValue.id)).all()


@pytest.mark.parametrize(("bad_row", "problem"), [
    (row(school="ZZZ"), "Row 3: unknown school code 'ZZZ'"),
    (row(school="BBB", program="VVS"), "Row 3: program 'VVS' is not a program of school BBB"),
    (row(year="25"), "Row 3: year '25' is not a year"),
    (row(year="2025-26"), "Row 3: year '2025-26' is not a year"),
    (row(value="abc"), "Row 3: value 'abc' is not a number"),
    (row(value='"1.234,5"'), "Row 3: value '1.234,5' is not a number"),
    (row(value="72,5"), "Row 3: the row has 12 cells, the header 11: is a decimal comma in a comma-separated file "
                        "not quoted?"),
    (row(value=""), "Row 3: value '' is not a number"),
    (row(n="-4"), "Row 3: n is negative (-4)"),
    (row(n="4.5"), "Row 3: n '4.5' is not a whole number"),
    (row(direction="up"), "Row 3: direction 'up' is not higher_is_better or lower_is_better"),
    (row(label_da="Gennemført"), "Row 3: indicator 'completion' has other labels than on row 2"),
    (row(unit="pct"), "Row 3: indicator 'completion' has other unit than on row 2"),
    (row(direction="lower_is_better"), "Row 3: indicator 'completion' has other direction than on row 2"),
    (row(year="2024", value="71"), "Row 3: the same indicator, school, program and year as row 2"),
])
def test_each_kind_of_problem_names_its_row(schools, network, db_session, bad_row, problem):
    """The first data row is right (row 2), the second has the one problem: the error names row 3 and says what."""
    text = outcome_csv(row(year="2024"), bad_row)
    assert problems_of(text, network) == [problem]
    assert stored(db_session) == []


def test_every_bad_row_is_reported_and_nothing_is_saved(schools, network, db_session):
    text = outcome_csv(row(), row(school="ZZZ"), row(school="BBB"), "", row(school="CCC", value="x", n="-1"))
    assert problems_of(text, network) == [
        "Row 3: unknown school code 'ZZZ'",
        "Row 6: value 'x' is not a number",  # a blank row 5 counts, as in a spreadsheet
        "Row 6: n is negative (-1)",
    ]
    assert stored(db_session) == []


def test_a_quoted_line_break_keeps_the_spreadsheet_row_number(schools, network):
    text = outcome_csv(row(label_da='"Fuld-\nførelse"', year="2024"), row(label_da='"Fuld-\nførelse"', school="ZZZ"))
    assert problems_of(text, network) == ["Row 2: label_da has a control character",
                                          "Row 3: label_da has a control character",  # not row 4: the 4th line
                                          "Row 3: unknown school code 'ZZZ'"]


def test_missing_columns_are_named_on_row_1(schools, network):
    header = HEADER.replace("direction,", "").replace(",value", ",amount")
    assert problems_of(header + "\n", network) == ["Row 1: missing column(s): direction, value"]


def test_not_utf8_is_a_problem_of_its_row(schools, network):
    data = outcome_csv(row(), row(school="BBB")).encode("utf-8")
    latin = outcome_csv(row(), row(school="BBB")).encode("utf-8") + row(year="2024").encode("latin-1")
    assert parse_outcome_csv(data, network).values  # the same text in UTF-8 is right
    assert problems_of(latin, network) == ["Row 4: the file is not UTF-8 text: save it as CSV UTF-8 and try again"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_bom_and_either_separator_are_read(schools, network, db_session, bom, separator):
    """A Danish spreadsheet saves ';' and a decimal comma; a comma file may quote a decimal comma."""
    value = "72,5" if separator == ";" else '"72,5"'
    text = outcome_csv(row(value="VALUE"), row(school="BBB", value="64.25", n=""), separator=separator)
    text = text.replace("VALUE", value)
    parsed = parse_outcome_csv(bom + text.encode("utf-8"), network)
    assert [(v.value, v.n) for v in parsed.values] == [(72.5, 120), (64.25, None)]
    assert parsed.indicators["completion"].label == {"da": "Fuldførelse", "sv": "Fullföljande", "en": "Completion"}


def test_import_adds_then_replaces_the_same_indicator_school_program_and_year(schools, network, db_session):
    first = outcome_csv(row(year="2024", value="70"), row(value="72.5"), row(program="EL", value="80"),
                        row(indicator="dropout", label_da="Frafald", label_sv="Avhopp", label_en="Drop-out",
                            direction="lower_is_better", value="12"))
    summary = import_outcomes(network, parse_outcome_csv(first, network))
    assert (summary.added, summary.replaced, summary.indicators_created) == (4, 0, 2)
    renamed = {"label_en": "Completion rate"}
    again = outcome_csv(row(value="73", n="130", **renamed), row(program="EL", value="81", **renamed),
                        row(year="2026", value="75", **renamed))
    summary = import_outcomes(network, parse_outcome_csv(again, network))
    assert (summary.added, summary.replaced, summary.indicators_created) == (1, 2, 0)
    assert stored(db_session) == [("completion", 2024, 70.0, 120), ("completion", 2025, 73.0, 130),
                                  ("completion", 2025, 81.0, 120), ("completion", 2026, 75.0, 120),
                                  ("dropout", 2025, 12.0, 120)]
    indicator = db_session.scalar(select(OutcomeIndicator).where(OutcomeIndicator.key == "completion"))
    assert indicator.label["en"] == "Completion rate"  # the labels of the latest file


def test_another_networks_school_code_is_unknown(schools, make_network, make_school, db_session):
    other = make_network("Andet netværk")
    text = outcome_csv(row(school="AAA"))
    assert problems_of(text, other) == ["Row 2: unknown school code 'AAA'"]


def write(tmp_path, text: str, name: str = "outcomes.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def test_cli_exits_1_with_every_problem_by_row_and_saves_nothing(schools, cli, db_session, tmp_path):
    path = write(tmp_path, outcome_csv(row(), row(school="ZZZ"), row(year="20x5")))
    result = cli("outcomes", "import", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{path}: Row 3: unknown school code 'ZZZ'",
                                          f"{path}: Row 4: year '20x5' is not a year"]
    assert db_session.scalar(select(func.count(OutcomeValue.id))) == 0


def test_cli_imports_and_says_how_many_were_added_and_replaced(schools, cli, db_session, tmp_path):
    path = write(tmp_path, outcome_csv(row(), row(school="BBB")))
    result = cli("outcomes", "import", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 2 values of 1 indicators (1 new): 2 added, 0 replaced"
    path = write(tmp_path, outcome_csv(row(value="70"), row(school="CCC")))
    result = cli("outcomes", "import", path, "--network", "Testnetværket")
    assert result.stdout.strip() == "imported 2 values of 1 indicators (0 new): 1 added, 1 replaced"
    assert db_session.scalar(select(func.count(OutcomeValue.id))) == 3


def test_cli_names_an_unknown_network(schools, cli, tmp_path):
    result = runner_result = cli("outcomes", "import", write(tmp_path, outcome_csv(row())), "--network", "Nope")
    assert runner_result.exit_code == 1 and "no network named 'Nope'" in result.output


def test_the_sample_file_imports(schools, network, db_session):
    """The sample shipped with the code names the demo's schools: on a network with them it is all right."""
    from pathlib import Path

    import survey.outcomes

    sample = Path(survey.outcomes.__file__).parent / "sample_outcomes.csv"
    problems = problems_of(sample.read_bytes(), network)
    assert problems and all("unknown school code" in p for p in problems)  # this network has other schools
