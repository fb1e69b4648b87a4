"""Import schools and their programs from a CSV file, reporting every bad row by its line number.

Columns: code, name, type, region, programs, and optionally report_language and organiser. `programs` is a
semicolon-separated list of `CODE=Name` pairs (`EL=Elektriker;VVS=VVS-energitekniker`); `type` is one of the
network's school types (survey/network/school_types.py: its country's catalogue and its own); `report_language` is
da, en or sv (empty: da; a file without the column creates schools in Danish and leaves the language of
existing schools as it is); `organiser` is `CODE=Name` (`0180=Stockholms kommun`), or a code the network already
has (or an earlier row named), or empty for none (a file without the column leaves every school's organiser as it is). An organiser named
for the first time is created (kind "other": the organiser pages set it). Importing again updates names, types,
regions, report languages and organisers and adds new programs; it never deletes a program, because responses
may refer to it. Nothing is saved when any row is bad: the caller gets every problem with its line number.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from survey.extensions import db
from survey.network.models import REPORT_LANGUAGES, Network, Organiser, Program, School
from survey.network.school_types import school_types, type_lookup

REQUIRED_COLUMNS = ("code", "name", "type", "region", "programs")
OPTIONAL_COLUMNS = ("report_language", "organiser")
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
_ORGANISER_NAME_LENGTH = Organiser.__table__.c.name.type.length


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
    # None: the file has no organiser column; ("", ""): no organiser; (code, ""): an organiser the network has
    organiser: tuple[str, str] | None = None


def parse_school_csv(text: str, filename: str, network: Network) -> list[SchoolRow]:
    """Rows of the file, or SchoolImportError listing `file:line: problem` for every bad row. `network`: whose
    school types and organisers the rows may name."""
    types = type_lookup(network)
    organisers = {o.code: o.name for o in network.organisers}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise SchoolImportError([f"{filename}:1: missing column(s): {', '.join(missing)}"])
    reader.fieldnames = header
    has_language = "report_language" in header
    has_organiser = "organiser" in header
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
        school_type = types.get(values["type"].lower())
        if values["type"] and school_type is None:
            row_problems.append(f"type '{values['type'][:40]}' is not one of the network's school types "
                                f"({', '.join(code for code, _ in school_types(network)) or 'none yet'})")
        organiser = None
        if has_organiser:
            organiser, problem = _organiser(values["organiser"], organisers)
            row_problems += [problem] if problem else []
            if organiser is not None and organiser[1]:
                organisers.setdefault(organiser[0], organiser[1])  # later rows may give the code alone
        if values["code"] in seen:
            row_problems.append(f"school code '{values['code']}' is used twice (first at line {seen[values['code']]})")
        programs, program_problems = _programs(values["programs"])
        row_problems += program_problems
        if row_problems:
            problems += [f"{filename}:{line}: {problem}" for problem in row_problems]
            continue
        seen[values["code"]] = line
        rows.append(SchoolRow(values["code"], values["name"], school_type, values["region"], programs, language,
                              organiser))
    if problems:
        raise SchoolImportError(problems)
    return rows


def _organiser(value: str, known: dict[str, str]) -> tuple[tuple[str, str] | None, str | None]:
    """The row's organiser as (code, name) with a problem or None; ("", "") for none."""
    if not value:
        return ("", ""), None
    code, sep, name = (part.strip() for part in value.partition("="))
    if not CODE.fullmatch(code):
        return None, f"organiser code '{code[:40]}' must be {CODE_RULE}"
    if not sep and code not in known:
        return None, f"organiser '{code}' is not one of the network's: write it as CODE=Name to create it"
    if sep and not name:
        return None, f"organiser '{value[:40]}' is not written as CODE=Name"
    if len(name) > _ORGANISER_NAME_LENGTH:
        return None, f"organiser '{code}': the name has {len(name)} characters: at most {_ORGANISER_NAME_LENGTH}"
    return (code, name), None


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
    """Create or update the rows' schools, programs and organisers (flushes, never commits)."""
    created = updated = programs_created = 0
    existing = {s.code: s for s in db.session.scalars(select(School).where(School.network_id == network.id))}
    organisers = {o.code: o for o in network.organisers}
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
        if row.organiser is not None:
            school.organiser = _organiser_of(network, organisers, *row.organiser)
        known = {p.code for p in school.programs}
        for code, name in row.programs:
            if code in known:
                next(p for p in school.programs if p.code == code).name = name
            else:
                school.programs.append(Program(code=code, name=name))
                programs_created += 1
    db.session.flush()
    return ImportSummary(created, updated, programs_created)


def _organiser_of(network: Network, organisers: dict[str, Organiser], code: str, name: str) -> Organiser | None:
    """The organiser `code` of the network, created (or renamed) when the file names it."""
    if not code:
        return None
    organiser = organisers.get(code)
    if organiser is None:
        organiser = organisers[code] = Organiser(network=network, code=code, name=name)
        db.session.add(organiser)
    elif name:
        organiser.name = name
    return organiser
