"""Statements run on the database driver's own cursor: for the few that run on every respondent request.

Each respondent request reads its link and draft and most write the draft. Through the ORM, that one-row read
cost about 0.3 ms of CPU per request on the intake benchmark's database, against 0.03-0.06 ms on the driver's
cursor, and a respondent sends a dozen requests. The statements are still written in SQLAlchemy Core and
compiled once per dialect, and every value goes through its column type's own bind and result processors, so
rows come back as the ORM would give them (dates, JSON, booleans) on SQLite and PostgreSQL alike. They run in
the session's transaction, on its connection, unless the request chose a connection of its own with
`use_connection` (the respondent's requests on PostgreSQL do: `survey.respond.connection`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

from flask import g, has_request_context

from survey.extensions import db


@dataclass(frozen=True)
class _Compiled:
    sql: str
    parameter_names: tuple[str, ...]
    positional: bool
    bind_processors: dict[str, Callable[[Any], Any]]
    fixed: dict[str, Any]  # parameters whose value the statement holds (e.g. `.values(used=True)`)
    result_processors: tuple[Callable[[Any], Any] | None, ...]


class Prepared:
    """A Core statement compiled once per dialect, run with `one`/`run` on the session's connection."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            binds = {}
            for name, bind in compiled.binds.items():
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    binds[name] = processor
            results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                            for column in self.statement.exported_columns)  # selected or RETURNING columns
            fixed = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
            found = _Compiled(compiled.string, tuple(compiled.positiontup or compiled.binds), dialect.positional,
                              binds, fixed, results)
            self._compiled[dialect.name] = found
        return found

    def _execute(self, parameters: Mapping[str, Any]):
        own = g.get("prepared_connection") if has_request_context() else None
        if own is None:
            connection = db.session.connection()
            dialect, dbapi_connection = connection.dialect, connection.connection
        else:
            dialect, dbapi_connection = own
        compiled = self._for(dialect)
        values = {}
        for name in compiled.parameter_names:
            value = parameters[name] if name in parameters else compiled.fixed[name]
            processor = compiled.bind_processors.get(name)
            values[name] = value if processor is None or value is None else processor(value)
        cursor = dbapi_connection.cursor()
        cursor.execute(compiled.sql, tuple(values[n] for n in compiled.parameter_names) if compiled.positional else values)
        return compiled, cursor

    def one(self, **parameters: Any) -> tuple | None:
        """The first row (values converted by their column types), or None."""
        compiled, cursor = self._execute(parameters)
        row = cursor.fetchone()
        cursor.close()
        return None if row is None else _converted(row, compiled.result_processors)

    def all(self, **parameters: Any) -> list[tuple]:
        compiled, cursor = self._execute(parameters)
        rows = cursor.fetchall()
        cursor.close()
        return [_converted(row, compiled.result_processors) for row in rows]

    def run(self, **parameters: Any) -> int:
        """Execute a statement without rows; the number of rows it changed."""
        _, cursor = self._execute(parameters)
        count = cursor.rowcount
        cursor.close()
        return count


def _converted(row, processors) -> tuple:
    return tuple(value if processor is None or value is None else processor(value)
                 for value, processor in zip(row, processors))


def use_connection(dialect: Dialect, dbapi_connection) -> None:
    """Run this request's prepared statements on `dbapi_connection` (the caller returns it at teardown)."""
    g.prepared_connection = (dialect, dbapi_connection)
