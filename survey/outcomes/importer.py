"""Import outcome indicators (completion, drop-out, employment, ...) per school, program and year from a CSV file.

Columns: indicator (its key), label_da, label_sv, label_en, unit, direction (higher_is_better or
lower_is_better), school (its code), program (a code of that school, or empty for the whole school), year,
value (decimal point or decimal comma) and optionally n (how many students the value is computed over). The
first row names the columns, in any order. The file may be UTF-8 with or without a byte-order mark, its cells
separated by commas or (as a spreadsheet saves it in Danish and Swedish) semicolons.

Every row is checked before anything is written: the caller gets every problem with its row number as a
spreadsheet shows it (the header is row 1), and nothing is saved when there is one. Importing again replaces
the value of the same indicator, school, program and year, and the indicator's labels, unit and direction.
The admin page and `benchlearn outcomes import` call these same functions.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from survey.extensions import db
from survey.network.models import Network, School
from survey.outcomes.models import DIRECTIONS, OutcomeIndicator, OutcomeValue
from survey.practices.models import utc_now

LANGUAGES = ("da", "sv", "en")
REQUIRED_COLUMNS = ("indicator", "label_da", "label_sv", "label_en", "unit", "direction", "school", "year",
                    "value")
OPTIONAL_COLUMNS = ("program", "n")
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
LABEL_LENGTH = 200
UNIT_LENGTH = OutcomeIndicator.__table__.c.unit.type.length
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_ROWS = 200_000
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    """One problem of the file: its row as a spreadsheet numbers it (header = 1) and what is wrong, written in
    the reader's language when read (`str`)."""

    row: int
    message: object  # a lazy string with %(name)s placeholders
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return gettext("Row %(row)d: %(problem)s", row=self.row, problem=str(self.message) % self.params)


class OutcomeImportError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(f"row {p.row}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    label: dict[str, str]
    unit: str
    direction: str


@dataclass(frozen=True)
class ValueRow:
    row: int
    indicator: str
    school_id: int
    program_id: int | None
    year: int
    value: float
    n: int | None


@dataclass(frozen=True)
class OutcomeFile:
    """A checked file: its indicators by key and its values, in file order."""

    indicators: dict[str, IndicatorSpec]
    values: list[ValueRow]


@dataclass(frozen=True)
class ImportSummary:
    added: int
    replaced: int
    indicators_created: int


def csv_rows(data: bytes | str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The file's rows as (row number, cells), blank rows left out but counted as a spreadsheet counts them.
    As the questionnaire sheets are read (survey/interchange/sheets.py): UTF-8 with or without BOM, ';' as the
    separator when the first line holds more of them than commas (Excel in Danish and Swedish), else ','."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            row = data.count(b"\n", 0, error.start) + 1
            return [], [Problem(row, _l("the file is not UTF-8 text: save it as CSV UTF-8 and try again"))]
    else:
        text = data.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS:
                return [], [Problem(number, _l("the file has more than %(rows)d rows"), {"rows": MAX_ROWS})]
            cells = [cell.replace("\u00a0", " ").strip() for cell in cells]
            if any(cells):
                rows.append((number, cells))
    except csv.Error as error:
        return [], [Problem(reader.line_num, _l("the file cannot be read as CSV (%(reason)s)"), {"reason": str(error)})]
    return rows, []


def parse_number(text: str) -> float | None:
    """"72.5", "72,5", "-3" -> a float; None for anything else (thousands separators, units, "n/a")."""
    text = text.replace(" ", "")
    if text.count(",") + text.count(".") > 1:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_outcome_csv(data: bytes | str, network: Network) -> OutcomeFile:
    """The checked file, or OutcomeImportError with every problem by row. `network`: whose schools and
    programs the rows may name."""
    rows, problems = csv_rows(data)
    if problems:
        raise OutcomeImportError(problems)
    if not rows:
        raise OutcomeImportError([Problem(1, _l("the file is empty"))])
    header_row, header = rows[0]
    columns = [cell.lower() for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise OutcomeImportError([Problem(header_row, _l("missing column(s): %(columns)s"),
                                          {"columns": ", ".join(missing)})])
    position = {column: columns.index(column) for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if column in columns}
    schools = {s.code: s for s in db.session.scalars(select(School).where(School.network_id == network.id))}
    indicators: dict[str, tuple[int, IndicatorSpec]] = {}
    seen: dict[tuple, int] = {}
    values: list[ValueRow] = []
    for number, cells in rows[1:]:
        cell = {column: (cells[i] if i < len(cells) else "") for column, i in position.items()}
        row_problems: list[tuple[object, dict]] = []

        def problem(message, **params) -> None:
            row_problems.append((message, params))

        if any(cells[len(header):]):
            problem(_l("the row has %(cells)d cells, the header %(columns)d: is a decimal comma in a comma-separated "
                       "file not quoted?"), cells=len(cells), columns=len(header))
        for column, value in cell.items():
            if _CONTROL.search(value):
                problem(_l("%(column)s has a control character"), column=column)
        key = cell["indicator"]
        if not key:
            problem(_l("indicator is empty"))
        elif not KEY.fullmatch(key):
            problem(_l("indicator '%(key)s' must be 1 to 64 letters (A-Z), digits, '_', '.' or '-'"), key=key[:40])
        labels = {language: cell[f"label_{language}"] for language in LANGUAGES}
        if not any(labels.values()):
            problem(_l("the indicator has no label: give label_da, label_sv or label_en"))
        for language, label in labels.items():
            if len(label) > LABEL_LENGTH:
                problem(_l("label_%(language)s has %(length)d characters: at most %(limit)d"), language=language,
                        length=len(label), limit=LABEL_LENGTH)
        if len(cell["unit"]) > UNIT_LENGTH:
            problem(_l("unit has %(length)d characters: at most %(limit)d"), length=len(cell["unit"]),
                    limit=UNIT_LENGTH)
        direction = cell["direction"].lower()
        if direction not in DIRECTIONS:
            problem(_l("direction '%(direction)s' is not higher_is_better or lower_is_better"),
                    direction=cell["direction"][:40])
        school = schools.get(cell["school"])
        if not cell["school"]:
            problem(_l("school is empty"))
        elif school is None:
            problem(_l("unknown school code '%(code)s'"), code=cell["school"][:40])
        program_code = cell.get("program", "")
        program = None
        if program_code and school is not None:
            program = next((p for p in school.programs if p.code == program_code), None)
            if program is None:
                problem(_l("program '%(program)s' is not a program of school %(school)s"), program=program_code[:40],
                        school=school.code)
        year = int(cell["year"]) if re.fullmatch(r"\d{4}", cell["year"]) else None
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            problem(_l("year '%(year)s' is not a year"), year=cell["year"][:40])
        value = parse_number(cell["value"])
        if value is None:
            problem(_l("value '%(value)s' is not a number"), value=cell["value"][:40])
        n = None
        if cell.get("n", ""):
            n = int(cell["n"]) if re.fullmatch(r"[+-]?\d+", cell["n"]) else None
            if n is None:
                problem(_l("n '%(n)s' is not a whole number"), n=cell["n"][:40])
            elif n < 0:
                problem(_l("n is negative (%(n)d)"), n=n)
        spec = IndicatorSpec(key, labels, cell["unit"], direction)
        if key and key in indicators:
            first_row, first = indicators[key]
            for column, differs in (("labels", first.label != spec.label), ("unit", first.unit != spec.unit),
                                    ("direction", direction in DIRECTIONS and first.direction != spec.direction)):
                if differs:
                    problem(_l("indicator '%(key)s' has other %(column)s than on row %(first)d"), key=key,
                            column=column, first=first_row)
        identity = (key, cell["school"], program_code, cell["year"])
        if identity in seen:
            problem(_l("the same indicator, school, program and year as row %(first)d"), first=seen[identity])
        if row_problems:
            problems += [Problem(number, message, params) for message, params in row_problems]
            seen.setdefault(identity, number)
            continue
        seen[identity] = number
        indicators.setdefault(key, (number, spec))
        values.append(ValueRow(number, key, school.id, program.id if program else None, year, value, n))
    if problems:
        raise OutcomeImportError(problems)
    if not values:
        raise OutcomeImportError([Problem(header_row, _l("the file has no values below its header"))])
    return OutcomeFile({key: spec for key, (_, spec) in indicators.items()}, values)


def import_outcomes(network: Network, parsed: OutcomeFile) -> ImportSummary:
    """Write a checked file: create its new indicators, set the labels, unit and direction of the others, add
    its values and replace those of the same indicator, school, program and year (flushes, never commits)."""
    existing = {i.key: i for i in db.session.scalars(
        select(OutcomeIndicator).where(OutcomeIndicator.network_id == network.id,
                                       OutcomeIndicator.key.in_(list(parsed.indicators))))}
    created = 0
    for key, spec in parsed.indicators.items():
        indicator = existing.get(key)
        if indicator is None:
            indicator = existing[key] = OutcomeIndicator(network=network, key=key)
            db.session.add(indicator)
            created += 1
        indicator.label, indicator.unit, indicator.direction = dict(spec.label), spec.unit, spec.direction
        indicator.imported_at = utc_now()
    db.session.flush()
    ids = [indicator.id for indicator in existing.values()]
    stored = {(v.indicator_id, v.school_id, v.program_id, v.year): v
              for v in db.session.scalars(select(OutcomeValue).where(OutcomeValue.indicator_id.in_(ids)))}
    added = replaced = 0
    for row in parsed.values:
        indicator_id = existing[row.indicator].id
        value = stored.get((indicator_id, row.school_id, row.program_id, row.year))
        if value is None:
            db.session.add(OutcomeValue(indicator_id=indicator_id, school_id=row.school_id, program_id=row.program_id,
                                        year=row.year, value=row.value, n=row.n))
            added += 1
        else:
            value.value, value.n = row.value, row.n
            replaced += 1
    db.session.flush()
    return ImportSummary(added, replaced, created)
