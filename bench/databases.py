"""A fresh, empty PostgreSQL database for one benchmark run, dropped afterwards: benchmarks never touch the
databases people work in."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable

POSTGRES_SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def fresh_postgres_database(prefix: str, server_url: str = POSTGRES_SERVER_URL) -> tuple[str, Callable[[], None]]:
    """The URL of a new database on `server_url`'s server, and a function that drops it."""
    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return url, drop


class ThrowawayCluster:
    """A PostgreSQL server of the benchmark's own (initdb into a temporary folder, its own port), for a benchmark
    that stops and restarts its database: the machine's shared server is never touched. As root, the server
    runs as the `postgres` user (initdb refuses root). `url` names its empty database `benchlearn`; `remove()`
    stops the server and deletes the folder."""

    def __init__(self, port: int):
        import glob
        import shutil
        import tempfile

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
        if not found:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        self.bin = os.path.dirname(found[-1])
        self.port = port
        self.folder = tempfile.mkdtemp(prefix="benchlearn-pg-")
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "server.log")
        self._as = []
        self._options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={self.folder}"
        try:
            if os.geteuid() == 0:
                shutil.chown(self.folder, "postgres", "postgres")
                self._as = ["runuser", "-u", "postgres", "--"]
            self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-instructions")
            self._pg_ctl("start", "-o", self._options)
            self._run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "benchlearn")
        except BaseException:
            self.remove()
            raise
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/benchlearn"

    def _run(self, program: str, *args: str) -> None:
        import subprocess

        subprocess.run([*self._as, os.path.join(self.bin, program), *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=self.folder)

    def _pg_ctl(self, action: str, *args: str) -> None:
        self._run("pg_ctl", action, "-D", self.data, "-l", self.log, "-w", "-t", "60", *args)

    def restart(self, mode: str = "immediate") -> None:
        """Stop the server (`immediate`: as a crash, no checkpoint; recovery from the WAL at start) and start it."""
        self._pg_ctl("restart", "-m", mode, "-o", self._options)

    def remove(self) -> None:
        import shutil
        import subprocess

        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self._pg_ctl("stop", "-m", "immediate")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)
