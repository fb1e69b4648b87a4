"""What a backup does to each kind of database: dump it to a file, say whether it is empty, restore a dump.

PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, taken while the app runs) and `pg_restore` in a
single transaction. The connection settings go to both tools in their environment (PGHOST, PGPASSWORD, ...),
never as arguments, so no password or URL can be read from the process list.
SQLite: the online backup API (`sqlite3.Connection.backup`), which copies a consistent database while the app
keeps reading and writing it, and copies the dump back the same way.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from survey.backup import BackupError

# libpq settings a URL's query may carry, passed on to pg_dump and pg_restore under their environment names.
LIBPQ_QUERY = {
    "host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME", "options": "PGOPTIONS",
}


def database_for(engine: Engine) -> PostgresDatabase | SqliteDatabase:
    kind = engine.dialect.name
    if kind == "postgresql":
        return PostgresDatabase(engine)
    if kind == "sqlite":
        return SqliteDatabase(engine)
    raise BackupError(f"backups handle PostgreSQL and SQLite, not {kind}")


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


class PostgresDatabase:
    kind = "postgresql"
    member = "database.pgdump"

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url: URL = engine.url

    def describe(self) -> str:
        return f"PostgreSQL database {self.url.database!r} on {self.url.host or 'the local socket'}"

    def environment(self) -> dict[str, str]:
        """The process environment plus the connection settings of the app's URL, as libpq reads them."""
        settings = {"PGHOST": self.url.host, "PGPORT": self.url.port, "PGUSER": self.url.username,
                    "PGPASSWORD": self.url.password, "PGDATABASE": self.url.database}
        for key, value in self.url.query.items():
            if key in LIBPQ_QUERY:
                settings[LIBPQ_QUERY[key]] = value[-1] if isinstance(value, tuple) else value
        env = dict(os.environ)
        env.update({name: str(value) for name, value in settings.items() if value is not None})
        return env

    def _run(self, tool: str, *arguments: str) -> str:
        program = shutil.which(tool)
        if program is None:
            raise BackupError(f"{tool} is not installed: install Debian's postgresql-client (the server's major "
                              "version or newer)")
        done = subprocess.run([program, "--no-password", *arguments], env=self.environment(),
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"{tool} failed: {done.stderr.strip() or f'exit status {done.returncode}'}")
        return done.stdout

    def dump(self, target: Path) -> None:
        self._run("pg_dump", "--format=custom", f"--file={target}")

    def _tables(self) -> list[tuple[str, str]]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"))]

    def tables(self) -> list[str]:
        """The tables of every non-system schema, as `schema.name`."""
        return [f"{schema}.{name}" for schema, name in self._tables()]

    def restore(self, dump: Path, *, replace: bool) -> None:
        """Into the app's database in one transaction: on any error it is left as it was. Objects are owned by
        the app's role whatever role made the dump. `replace` (`--force`): the dump's objects that exist are
        dropped in the same transaction, and tables the dump does not have (a later migration's) before it."""
        options = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
        if replace:
            listing = self._run("pg_restore", "--list", str(dump))
            archived = set(re.findall(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", listing, re.MULTILINE))
            quote = self.engine.dialect.identifier_preparer.quote
            with self.engine.begin() as connection:
                for schema, name in self._tables():
                    if (schema, name) not in archived:
                        connection.execute(sa.text(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(name)} CASCADE"))
            options += ["--clean", "--if-exists"]
        self.engine.dispose()
        self._run("pg_restore", *options, f"--dbname={self.url.database}", str(dump))


class SqliteDatabase:
    kind = "sqlite"
    member = "database.sqlite3"

    def __init__(self, engine: Engine):
        self.engine = engine
        if not engine.url.database or engine.url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up or restored")
        self.path = Path(engine.url.database)

    def describe(self) -> str:
        return f"SQLite database {self.path}"

    def dump(self, target: Path) -> None:
        if not self.path.exists():
            raise BackupError(f"{self.describe()} does not exist")
        _copy(self.path, target)

    def tables(self) -> list[str]:
        if not self.path.exists():
            return []
        with self.engine.connect() as connection:
            return list(connection.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")).scalars())

    def restore(self, dump: Path, *, replace: bool) -> None:
        """The backup API writes every page of the target: whatever it held (`replace`) is gone with them."""
        self.engine.dispose()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _copy(dump, self.path)


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup of `source` into `target` (created or replaced), source opened read-only."""
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source} to {target}: {error}") from error
    finally:
        reader.close()
