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
