"""Import schools and their programs from a CSV file, reporting every bad row by its line number.

Columns: code, name, type, region, programs, and optionally report_language. `programs` is a
semicolon-separated list of `CODE=Name` pairs (`EL=Elektriker;VVS=VVS-energitekniker`); `report_language` is
da, en or sv (empty: da; a file without the column creates schools in Danish and leaves the language of
existing schools as it is). Importing again updates names, types, regions and report languages and adds new
programs; it never deletes a program, because responses may refer to it.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from survey.extensions import db
from survey.network.models import REPORT_LANGUAGES, SCHOOL_TYPE_VALUES, Network, Program, School

REQUIRED_COLUMNS = ("code", "name", "type", "region", "programs")
OPTIONAL_COLUMNS = ("report_language",)
DEFAULT_REPORT_LANGUAGE = "da"
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
CODE_RULE = "1 to 32 letters (A-Z), digits, '_' or '-', starting with a letter or digit"
"""School and program codes name report files and URLs (/admin/results/<round>/<code>/)."""
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LENGTHS = {
    "name": School.__table__.c.name.type.length,
    "region": School.__table__.c.region.type.length,
}
_PROGRAM_NAME_LENGTH = Program.__table__.c.name.type.length


class SchoolImportError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    schools_created: int
    schools_updated: int
    programs_created: int


@dataclass(frozen=True)
class SchoolRow:
    code: str
    name: str
    type: str
    region: str
    programs: tuple[tuple[str, str], ...]
    report_language: str | None = None  # None: the file has no report_language column


def parse_school_csv(text: str, filename: str) -> list[SchoolRow]:
    """Rows of the file, or SchoolImportError listing `file:line: problem` for every bad row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise SchoolImportError([f"{filename}:1: missing column(s): {', '.join(missing)}"])
    reader.fieldnames = header
    has_language = "report_language" in header
    rows: list[SchoolRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        values = {key: (record.get(key) or "").strip() for key in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
        row_problems = [f"{key} is empty" for key in ("code", "name", "type", "region") if not values[key]]
        row_problems += [f"{key} has a control character" for key, value in values.items() if _CONTROL.search(value)]
        if values["code"] and not CODE.fullmatch(values["code"]):
            row_problems.append(f"school code '{values['code'][:40]}' must be {CODE_RULE}")
        row_problems += [
            f"{key} has {len(values[key])} characters: at most {length}"
            for key, length in _LENGTHS.items()
            if len(values[key]) > length
        ]
        language = (values["report_language"].lower() or DEFAULT_REPORT_LANGUAGE) if has_language else None
        if language is not None and language not in REPORT_LANGUAGES:
            row_problems.append(f"report_language '{values['report_language']}' is not one of "
                                f"{', '.join(REPORT_LANGUAGES)}")
        school_type = _school_type(values["type"])
        if values["type"] and school_type is None:
            row_problems.append(f"type '{values['type']}' is not one of {', '.join(SCHOOL_TYPE_VALUES)}")
        if values["code"] in seen:
            row_problems.append(f"school code '{values['code']}' is used twice (first at line {seen[values['code']]})")
        programs, program_problems = _programs(values["programs"])
        row_problems += program_problems
        if row_problems:
            problems += [f"{filename}:{line}: {problem}" for problem in row_problems]
            continue
        seen[values["code"]] = line
        rows.append(SchoolRow(values["code"], values["name"], school_type, values["region"], programs, language))
    if problems:
        raise SchoolImportError(problems)
    return rows


def _school_type(value: str) -> str | None:
    by_lower = {t.lower(): t for t in SCHOOL_TYPE_VALUES}
    return by_lower.get(value.lower())


def _programs(value: str) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    programs: list[tuple[str, str]] = []
    problems: list[str] = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        code, sep, name = (s.strip() for s in part.partition("="))
        if not sep or not code or not name:
            problems.append(f"program '{part}' is not written as CODE=Name")
        elif not CODE.fullmatch(code):
            problems.append(f"program code '{code[:40]}' must be {CODE_RULE}")
        elif len(name) > _PROGRAM_NAME_LENGTH:
            problems.append(f"program '{code}': the name has {len(name)} characters: at most {_PROGRAM_NAME_LENGTH}")
        elif code in (c for c, _ in programs):
            problems.append(f"program code '{code}' is used twice")
        else:
            programs.append((code, name))
    return tuple(programs), problems


def import_schools(network: Network, rows: list[SchoolRow]) -> ImportSummary:
    created = updated = programs_created = 0
    existing = {s.code: s for s in db.session.scalars(select(School).where(School.network_id == network.id))}
    for row in rows:
        school = existing.get(row.code)
        if school is None:
            school = School(network=network, code=row.code, name=row.name, type=row.type, region=row.region,
                            report_language=row.report_language or DEFAULT_REPORT_LANGUAGE)
            db.session.add(school)
            created += 1
        else:
            school.name, school.type, school.region = row.name, row.type, row.region
            if row.report_language is not None:
                school.report_language = row.report_language
            updated += 1
        known = {p.code for p in school.programs}
        for code, name in row.programs:
            if code in known:
                next(p for p in school.programs if p.code == code).name = name
            else:
                school.programs.append(Program(code=code, name=name))
                programs_created += 1
    db.session.flush()
    return ImportSummary(created, updated, programs_created)
