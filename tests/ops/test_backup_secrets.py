"""pg_dump is handed the database password in its environment, never on its command line, where `ps` (and
/proc/PID/cmdline) would show it to every user of the machine."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from survey.backup import BackupError
from survey.backup.databases import PostgresDatabase
from tests.conftest import IN_CI

PASSWORD = "s3cret-Password"


def child_named(name: str, timeout: float = 20.0) -> int:
    """The id of this process's child whose program is `name` (Debian's wrapper execs it in place)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                command = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
            except (OSError, IndexError):
                continue
            if int(fields[1]) == os.getpid() and command == name:
                return int(stat.parent.name)
        time.sleep(0.05)
    raise AssertionError(f"no {name} child process")


def test_pg_dump_gets_the_password_in_its_environment_not_on_its_command_line(tmp_path):
    if shutil.which("pg_dump") is None:
        if IN_CI:
            pytest.fail("pg_dump is not installed (postgresql-client); CI must test the backups")
        pytest.skip("pg_dump is not installed (postgresql-client)")
    # a server that accepts the connection and says nothing: pg_dump waits there while its process is read
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    database = PostgresDatabase(sa.create_engine(f"postgresql+psycopg://benchlearn:{PASSWORD}@127.0.0.1:{port}/bl"))
    failures: list[Exception] = []

    def dump() -> None:
        try:
            database.dump(tmp_path / "dump")
        except BackupError as error:
            failures.append(error)

    thread = threading.Thread(target=dump)
    thread.start()
    listener.settimeout(30)
    connection, _ = listener.accept()
    try:
        pid = child_named("pg_dump")
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    finally:
        connection.close()
        listener.close()
        thread.join(timeout=30)
    assert not any(PASSWORD.encode() in argument or b"@127.0.0.1" in argument for argument in arguments), arguments
    assert f"PGPASSWORD={PASSWORD}".encode() in environment
    assert {b"PGHOST=127.0.0.1", f"PGPORT={port}".encode(), b"PGDATABASE=bl"} <= set(environment)
    assert len(failures) == 1 and "pg_dump failed" in str(failures[0])
