"""The checks behind `/healthz`, each a function that answers "ok" or a short reason; none writes anything."""
from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from survey.extensions import db

OK = "ok"


def database_answers() -> str:
    """One round trip: `SELECT 1` on a pooled connection, in a transaction rolled back at once."""
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1")).scalar_one()
    except SQLAlchemyError as error:
        return f"unavailable ({type(getattr(error, 'orig', None) or error).__name__})"
    return OK


def store_writable(root: Path) -> str:
    """Whether the report store could take a new report: its folder (or, before the first build, the nearest
    folder that exists above it, where the build would create it) is a writable directory. Asked of the
    operating system (`access(2)`, which also sees a read-only mount), never by writing a file."""
    folder = Path(root)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return "not a directory"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "not writable"
    return OK
