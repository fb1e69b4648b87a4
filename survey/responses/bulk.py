"""Fast bulk loading of packed responses (benchmarks, demo data, imports).

One call writes many `Response` rows inside the caller's transaction (the caller commits):
PostgreSQL through psycopg's binary `COPY ... FROM STDIN` built with numpy record arrays, SQLite through
`executemany` in large batches on the raw DBAPI connection. The answers and background bytes are written
exactly as given (see `survey.responses.models`: each question type's bytes, `survey.questions`).
"""
from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy.orm import Session

from survey.catalog.rules import LANGUAGE_CODE_LENGTH

_PG_EPOCH = date(2000, 1, 1).toordinal()
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_COPY_TRAILER = b"\xff\xff"
_COLUMNS = ("round_id", "school_id", "program_id", "version_id", "language", "submitted_on", "answers", "background")
SQLITE_BATCH = 100_000


def bulk_insert_responses(session: Session, *, round_id: int, version_id: int, school_ids, program_ids,
                          answers: np.ndarray, background: np.ndarray | None = None,
                          submitted_on: date | np.ndarray, language: str = "da") -> int:
    """Insert one response per row of `answers` (uint8, shape (n, items)) and return n.

    `school_ids` and `program_ids` are integer arrays of length n (program id 0 or negative = no program);
    `background` is uint8 (n, background questions) or None (no background questions); `submitted_on` is a
    date for every row or an array of `datetime64[D]`. Rows are inserted in the given order, so ids follow it.
    """
    answers = np.ascontiguousarray(answers, dtype=np.uint8)
    n = len(answers)
    if background is None:
        background = np.zeros((n, 0), dtype=np.uint8)
    background = np.ascontiguousarray(background, dtype=np.uint8)
    school_ids = np.asarray(school_ids, dtype=np.int64)
    program_ids = np.asarray(program_ids, dtype=np.int64)
    if not (len(background) == len(school_ids) == len(program_ids) == n):
        raise ValueError("answers, background, school_ids and program_ids differ in length")
    if not 2 <= len(language.encode()) <= LANGUAGE_CODE_LENGTH:
        raise ValueError(f"language must be a language tag of 2 to {LANGUAGE_CODE_LENGTH} characters")
    days = _days(submitted_on, n)
    if n == 0:
        return 0
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy_postgres(connection, round_id, version_id, school_ids, program_ids, answers, background, days,
                       language)
    else:
        _insert_sqlite(connection, round_id, version_id, school_ids, program_ids, answers, background, days,
                       language)
    return n


def _days(submitted_on, n: int) -> np.ndarray:
    """Days since 0001-01-01 (proleptic ordinal) per row."""
    if isinstance(submitted_on, date):
        return np.full(n, submitted_on.toordinal(), dtype=np.int64)
    values = np.asarray(submitted_on, dtype="datetime64[D]").astype(np.int64)
    if len(values) != n:
        raise ValueError("submitted_on differs in length from answers")
    return values + date(1970, 1, 1).toordinal()


def _copy_postgres(connection, round_id, version_id, school_ids, program_ids, answers, background, days,
                   language) -> None:
    """Binary COPY: every row has fixed-width fields, so a run of rows is one numpy record array."""
    raw = connection.connection.driver_connection
    n_items, n_background = answers.shape[1], background.shape[1]
    has_program = program_ids > 0
    # runs of rows with and without a program, in order (a NULL field has no data, so its width differs)
    edges = np.flatnonzero(np.diff(has_program.astype(np.int8))) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(answers)]])
    columns = ", ".join(_COLUMNS)
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY response ({columns}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(_COPY_SIGNATURE)
            for start, stop in zip(starts, stops):
                copy.write(_binary_rows(slice(start, stop), bool(has_program[start]), round_id, version_id,
                                        school_ids, program_ids, answers, background, days, language,
                                        n_items, n_background))
            copy.write(_COPY_TRAILER)


def _binary_rows(rows: slice, with_program: bool, round_id, version_id, school_ids, program_ids, answers,
                 background, days, language, n_items, n_background) -> bytes:
    fields = [("count", ">i2"),
              ("round_len", ">i4"), ("round_id", ">i4"),
              ("school_len", ">i4"), ("school_id", ">i4"),
              ("program_len", ">i4")]
    if with_program:
        fields.append(("program_id", ">i4"))
    fields += [("version_len", ">i4"), ("version_id", ">i4"),
               ("language_len", ">i4"), ("language", f"S{len(language.encode())}"),
               ("date_len", ">i4"), ("date", ">i4"),
               ("answers_len", ">i4"), ("answers", np.uint8, (n_items,)),
               ("background_len", ">i4")]
    if n_background:
        fields.append(("background", np.uint8, (n_background,)))
    count = rows.stop - rows.start
    record = np.empty(count, dtype=np.dtype(fields))
    record["count"] = len(_COLUMNS)
    record["round_len"] = record["school_len"] = record["version_len"] = record["date_len"] = 4
    record["round_id"] = round_id
    record["school_id"] = school_ids[rows]
    if with_program:
        record["program_len"] = 4
        record["program_id"] = program_ids[rows]
    else:
        record["program_len"] = -1
    record["version_id"] = version_id
    record["language_len"] = len(language.encode())
    record["language"] = language.encode()
    record["date"] = days[rows] - _PG_EPOCH
    record["answers_len"] = n_items
    record["answers"] = answers[rows]
    record["background_len"] = n_background
    if n_background:
        record["background"] = background[rows]
    return record.tobytes()


def _insert_sqlite(connection, round_id, version_id, school_ids, program_ids, answers, background, days,
                   language) -> None:
    raw = connection.connection.driver_connection
    ordinal = date.fromordinal
    n = len(answers)
    placeholders = ", ".join("?" for _ in _COLUMNS)
    statement = f"INSERT INTO response ({', '.join(_COLUMNS)}) VALUES ({placeholders})"
    cursor = raw.cursor()
    try:
        for start in range(0, n, SQLITE_BATCH):
            stop = min(start + SQLITE_BATCH, n)
            answer_bytes = answers[start:stop].tobytes()
            background_bytes = background[start:stop].tobytes()
            width, bg_width = answers.shape[1], background.shape[1]
            schools = school_ids[start:stop].tolist()
            programs = [p if p > 0 else None for p in program_ids[start:stop].tolist()]
            day_cache: dict[int, str] = {}
            dates = [day_cache.get(d) or day_cache.setdefault(d, ordinal(d).isoformat())
                     for d in days[start:stop].tolist()]
            cursor.executemany(statement, (
                (round_id, schools[i], programs[i], version_id, language, dates[i],
                 answer_bytes[i * width:(i + 1) * width], background_bytes[i * bg_width:(i + 1) * bg_width])
                for i in range(stop - start)))
    finally:
        cursor.close()
