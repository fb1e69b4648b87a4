"""Writes on a network's schools, organisers, programs and school types: the admin pages and the CLI call these.
They validate with the same rules as the CSV import (survey/network/importer.py), flush, and never commit."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from survey.extensions import db
from survey.network.importer import CODE, CODE_RULE, SchoolImportError
from survey.network.models import (COUNTRIES, ORGANISER_KINDS, REPORT_LANGUAGES, Network, NetworkSchoolType,
                                   Organiser, Program, School)
from survey.network.school_types import type_lookup


class DirectoryError(ValueError):
    """The change was refused; the message says why."""


def _code(code: str, what: str) -> str:
    code = code.strip()
    if not CODE.fullmatch(code):
        raise DirectoryError(f"the {what} code '{code[:40]}' must be {CODE_RULE}")
    return code


def _name(name: str, what: str, length: int) -> str:
    name = name.strip()
    if not name:
        raise DirectoryError(f"the {what} needs a name")
    if len(name) > length:
        raise DirectoryError(f"the {what}'s name has {len(name)} characters: at most {length}")
    return name


def _school_fields(network: Network, name: str, type_: str, region: str, report_language: str,
                   organiser: Organiser | None) -> dict:
    school_type = type_lookup(network).get(type_.strip().lower())
    if school_type is None:
        raise DirectoryError(f"'{type_[:40]}' is not one of the network's school types")
    if report_language not in REPORT_LANGUAGES:
        raise DirectoryError(f"the report language must be one of {', '.join(REPORT_LANGUAGES)}")
    if organiser is not None and organiser.network_id != network.id:
        raise DirectoryError("the organiser is not in this network")
    return {"name": _name(name, "school", 200), "type": school_type, "region": _name(region, "region", 100),
            "report_language": report_language, "organiser": organiser}


def create_school(network: Network, *, code: str, name: str, type: str, region: str, report_language: str = "da",
                  organiser: Organiser | None = None) -> School:
    code = _code(code, "school")
    if db.session.scalar(select(School.id).where(School.network_id == network.id, School.code == code)):
        raise DirectoryError(f"the network already has a school with code '{code}'")
    school = School(network=network, code=code,
                    **_school_fields(network, name, type, region, report_language, organiser))
    db.session.add(school)
    db.session.flush()
    return school


def update_school(school: School, *, name: str, type: str, region: str, report_language: str,
                  organiser: Organiser | None) -> None:
    """Everything but the code, which names the school's reports and responses' URLs."""
    for key, value in _school_fields(school.network, name, type, region, report_language, organiser).items():
        setattr(school, key, value)
    db.session.flush()


def create_program(school: School, *, code: str, name: str) -> Program:
    code = _code(code, "program")
    if any(p.code == code for p in school.programs):
        raise DirectoryError(f"{school.code} already has a program with code '{code}'")
    program = Program(code=code, name=_name(name, "program", 200))
    school.programs.append(program)
    db.session.flush()
    return program


def update_program(program: Program, *, name: str) -> None:
    program.name = _name(name, "program", 200)
    db.session.flush()


def create_organiser(network: Network, *, code: str, name: str, kind: str = "other") -> Organiser:
    code = _code(code, "organiser")
    if db.session.scalar(select(Organiser.id).where(Organiser.network_id == network.id, Organiser.code == code)):
        raise DirectoryError(f"the network already has an organiser with code '{code}'")
    organiser = Organiser(network=network, code=code, name=_name(name, "organiser", 200), kind=_kind(kind))
    db.session.add(organiser)
    db.session.flush()
    return organiser


def update_organiser(organiser: Organiser, *, name: str, kind: str) -> None:
    organiser.name, organiser.kind = _name(name, "organiser", 200), _kind(kind)
    db.session.flush()


def _kind(kind: str) -> str:
    if kind not in ORGANISER_KINDS:
        raise DirectoryError(f"the kind must be one of {', '.join(ORGANISER_KINDS)}")
    return kind


def parse_organiser_csv(text: str, filename: str) -> list[tuple[str, str, str]]:
    """(code, name, kind) of each row of a file with columns code, name and optionally kind (empty: other), or
    SchoolImportError listing `file:line: problem` for every bad row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [column.strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in ("code", "name") if column not in header]
    if missing:
        raise SchoolImportError([f"{filename}:1: missing column(s): {', '.join(missing)}"])
    reader.fieldnames = header
    rows, problems, seen = [], [], {}
    for record in reader:
        line = reader.line_num
        code, name = (record.get("code") or "").strip(), (record.get("name") or "").strip()
        kind = (record.get("kind") or "").strip().lower() or "other"
        row_problems = []
        if not CODE.fullmatch(code):
            row_problems.append(f"organiser code '{code[:40]}' must be {CODE_RULE}")
        elif code in seen:
            row_problems.append(f"organiser code '{code}' is used twice (first at line {seen[code]})")
        if not name or len(name) > 200:
            row_problems.append("name must have 1 to 200 characters")
        if kind not in ORGANISER_KINDS:
            row_problems.append(f"kind '{kind[:40]}' is not one of {', '.join(ORGANISER_KINDS)}")
        if row_problems:
            problems += [f"{filename}:{line}: {problem}" for problem in row_problems]
            continue
        seen[code] = line
        rows.append((code, name, kind))
    if problems:
        raise SchoolImportError(problems)
    return rows


def import_organisers(network: Network, rows: list[tuple[str, str, str]]) -> tuple[int, int]:
    """Create or update the organisers; (created, updated)."""
    existing = {o.code: o for o in network.organisers}
    created = 0
    for code, name, kind in rows:
        if code in existing:
            existing[code].name, existing[code].kind = name, kind
        else:
            db.session.add(Organiser(network=network, code=code, name=name, kind=kind))
            created += 1
    db.session.flush()
    return created, len(rows) - created


def set_country(network: Network, country: str) -> None:
    """The country whose catalogue of school types the network uses. Refused while a school has a type that
    the new catalogue and the network's own types lack (it would no longer be a known type)."""
    if country not in COUNTRIES:
        raise DirectoryError(f"the country must be one of {', '.join(COUNTRIES)}")
    previous = network.country
    network.country = country
    known = type_lookup(network)
    stranded = sorted({s.type for s in network.schools if s.type.lower() not in known})
    if stranded:
        network.country = previous
        raise DirectoryError(f"schools of the network have types the new list lacks: {', '.join(stranded)}; "
                             "add them as the network's own types first")
    db.session.flush()


def add_school_type(network: Network, *, code: str, name: str) -> NetworkSchoolType:
    code = _code(code, "school type")
    if code.lower() in type_lookup(network):
        raise DirectoryError(f"'{code}' is already one of the network's school types")
    school_type = NetworkSchoolType(code=code, name=_name(name, "school type", 100))
    network.own_school_types.append(school_type)
    db.session.flush()
    return school_type
