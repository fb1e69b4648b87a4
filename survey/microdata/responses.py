"""A round's responses as an export table, and the codebook of a questionnaire version.

Each question type says what it exports (`export_variables`, `export_values` on the classes in
survey/questions); this module reads every response's packed bytes with one query, hands each question its
bytes, and adds the fixed columns.

Disclosure (METHOD.md, Anonymity): only network admins export responses; free text is never included (its
type exports nothing); `response_id` is a random UUID (version 4) drawn afresh for every export, unrelated to
the database's ids, and the rows are in a random order (a permutation from the operating system's entropy), so
two exports of the same round cannot be linked row by row and no order of submission shows; the date suffices.
"""
from __future__ import annotations

import secrets
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey.catalog.definition import QuestionnaireDefinition
from survey.catalog.models import QuestionnaireVersion
from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.microdata.codebook import CodebookRow, codebook_rows
from survey.microdata.variables import ResponseTable, Variable, named
from survey.microdata.writers import check_excel_size, format_of, table_bytes, write_table
from survey.network.models import Program, School
from survey.responses.models import Response
from survey.rounds.models import SurveyRound


def export_variables(definition: QuestionnaireDefinition) -> list[Variable]:
    """Every exported variable of the definition, named, in page order (the codebook's and the files' order)."""
    return named(variable for page in definition.pages for question in page.questions
                 for variable in question.export_variables(definition, page))


def codebook(definition: QuestionnaireDefinition) -> list[CodebookRow]:
    """The codebook of the response export of a round that uses this definition."""
    return codebook_rows(export_variables(definition))


def version_label(version: QuestionnaireVersion) -> str:
    """What the `questionnaire_version` column holds: family and version, e.g. `student 2027`."""
    return f"{version.family.key} {version.version}"


def responses_table(survey_round: SurveyRound, *, school: str | None = None) -> ResponseTable:
    """Every submitted response of the round (with `school`: only that school's), shuffled, with random ids."""
    definition = definition_of(survey_round.version)
    variables = export_variables(definition)
    packed = _read(survey_round, definition, school)
    n = len(packed["school"])
    order = np.random.default_rng(secrets.randbits(128)).permutation(n)
    answers, background = packed["answers"][order], packed["background"][order]

    positions = _positions(definition)
    columns: list[np.ndarray] = []
    for question in definition.questions():
        if question.packed:
            where, start = positions[question.key]
            source = answers if where == "answers" else background
            columns.extend(question.export_values(source[:, start:start + question.width], definition))
    if len(columns) != len(variables):  # pragma: no cover - a type's two export hooks disagree
        raise ValueError(f"{definition.family} {definition.version}: {len(variables)} variables, "
                         f"{len(columns)} value columns")
    fixed = {
        "response_id": random_ids(n),
        "school": packed["school"][order],
        "program": packed["program"][order],
        "date": packed["date"][order],
        "language": packed["language"][order],
        "questionnaire_version": packed["version"][order],
    }
    return ResponseTable(fixed, variables, columns)


def export_responses(survey_round: SurveyRound, path: str | Path, *, school: str | None = None) -> Path:
    """Write the round's responses to `path` (format by extension); XLSX refuses a round too large for a sheet
    before reading it, and carries the codebook as its second sheet."""
    table, book = _prepared(survey_round, format_of(path), school)
    return write_table(table, path, codebook=book)


def responses_bytes(survey_round: SurveyRound, fmt: str) -> bytes:
    """The export file's bytes, for a download."""
    table, book = _prepared(survey_round, fmt, None)
    return table_bytes(table, fmt, codebook=book)


def _prepared(survey_round: SurveyRound, fmt: str, school: str | None) -> tuple[ResponseTable, list[dict] | None]:
    if fmt != "xlsx":
        return responses_table(survey_round, school=school), None
    check_excel_size(count_responses(survey_round, school), 0)
    table = responses_table(survey_round, school=school)
    return table, [row.as_text() for row in codebook_rows(table.variables)]


def count_responses(survey_round: SurveyRound, school: str | None = None) -> int:
    query = select(db.func.count()).select_from(Response).where(Response.round_id == survey_round.id)
    if school is not None:
        query = query.join(School, School.id == Response.school_id).where(School.code == school)
    return db.session.scalar(query)


def _positions(definition: QuestionnaireDefinition) -> dict[str, tuple[str, int]]:
    """Where each packed question's bytes start: ("answers" | "background", byte offset)."""
    positions: dict[str, tuple[str, int]] = {}
    offsets = {"answers": 0, "background": 0}
    for question in definition.questions():
        if question.packed:
            positions[question.key] = (question.packed, offsets[question.packed])
            offsets[question.packed] += question.width
    return positions


def _read(survey_round: SurveyRound, definition: QuestionnaireDefinition,
          school: str | None) -> dict[str, np.ndarray]:
    """The round's responses in id order, with one query on the raw DBAPI connection (no per-row type
    processing): packed bytes as uint8 matrices, the rest as object arrays of text."""
    widths = {"answers": 0, "background": 0}
    for question in definition.questions():
        if question.packed:
            widths[question.packed] += question.width
    schools = dict(db.session.execute(select(School.id, School.code).where(
        School.network_id == survey_round.network_id)).all())
    programs = dict(db.session.execute(select(Program.id, Program.code).join(School).where(
        School.network_id == survey_round.network_id)).all())
    sql = ("SELECT school_id, coalesce(program_id, 0), submitted_on, language, version_id, answers, background "
           f"FROM response WHERE round_id = {int(survey_round.id)}")
    if school is not None:
        school_id = next((id_ for id_, code in schools.items() if code == school), 0)
        sql += f" AND school_id = {int(school_id)}"
    cursor = db.session.connection().connection.driver_connection.cursor()
    try:
        cursor.execute(sql + " ORDER BY id")
        rows = cursor.fetchall()
    finally:
        cursor.close()
    n = len(rows)
    columns = list(zip(*rows)) if rows else [()] * 7
    del rows
    version_ids = np.array(columns[4], dtype=np.int64)
    versions = {version.id: version_label(version) for version in db.session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(set(version_ids.tolist()) or {0})))}
    return {
        "school": _mapped(np.array(columns[0], dtype=np.int64), schools),
        "program": _mapped(np.array(columns[1], dtype=np.int64), programs),
        "date": _texts(columns[2], str),  # SQLite keeps ISO text; PostgreSQL gives dates: both print ISO
        "language": _texts(columns[3], str),
        "version": _mapped(version_ids, versions),
        "answers": _matrix(columns[5], n, widths["answers"], survey_round),
        "background": _matrix(columns[6], n, widths["background"], survey_round),
    }


def _mapped(ids: np.ndarray, lookup: dict) -> np.ndarray:
    """Each id's text (None where the lookup has none), looked up once per distinct id."""
    distinct, inverse = np.unique(ids, return_inverse=True)
    texts = np.array([lookup.get(value) for value in distinct.tolist()] + [None], dtype=object)
    return texts[inverse.reshape(-1)] if len(ids) else np.empty(0, dtype=object)


def _texts(values, convert) -> np.ndarray:
    """A column of few distinct values as text, each distinct value converted once."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    texts = np.array([convert(value) for value in uniques] + [None], dtype=object)
    return texts[codes]


def random_ids(n: int) -> np.ndarray:
    """n random UUIDs (version 4, RFC 4122 variant) as text, from the operating system's entropy."""
    raw = np.frombuffer(secrets.token_bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexed = np.frombuffer(raw.tobytes().hex().encode("ascii"), dtype="S1").reshape(n, 32)
    dash = np.full((n, 1), b"-", dtype="S1")
    parts = [hexed[:, 0:8], dash, hexed[:, 8:12], dash, hexed[:, 12:16], dash, hexed[:, 16:20], dash,
             hexed[:, 20:32]]
    joined = np.ascontiguousarray(np.concatenate(parts, axis=1)).view("S36").reshape(n)
    return joined.astype("U36").astype(object)


def _matrix(values, n: int, width: int, survey_round: SurveyRound) -> np.ndarray:
    joined = b"".join(values)
    if len(joined) != n * width:
        raise ValueError(f"round '{survey_round.name}': a response's packed answers do not match its "
                         f"questionnaire version ({width} bytes each expected)")
    return np.frombuffer(joined, dtype=np.uint8).reshape(n, width)
