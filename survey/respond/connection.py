"""The database connection of a respondent's requests on PostgreSQL: autocommit, asynchronous commit.

A respondent's request reads the link with the draft and writes at most one statement of the draft (an UPDATE
of a page, the INSERT that starts it): each statement on its own (READ COMMITTED gave that read-then-write no
more isolation), so no BEGIN and COMMIT round trips and none of the session's bookkeeping; the connection comes
straight from a pool of its own. Submitting is the exception: `durable_transaction`. Its commits are asynchronous
(`synchronous_commit = off`): PostgreSQL does not wait for the write-ahead log to reach the disk, so if the
database server itself crashed, the last fraction of a second of draft saves could be lost (a respondent would
answer that page again); nothing is ever half-written. Measured with `bench/intake.py`, the fsync of every page
saved cost about a tenth of the throughput.

The pool does not ping a connection before handing it out (a round trip on every request). When the server
restarts, the pooled connections are dead and only using one finds out: the request's first statement is a read
(`first_read`), which is then made again on a new connection, and a connection found dead is never pooled again.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import psycopg

from flask import Flask, current_app, g
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

from survey.extensions import db
from survey.prepared import use_connection

_lock = threading.Lock()


def available() -> bool:
    """On PostgreSQL, when the session takes its connections from the engine (not when it is bound to a
    connection already in a transaction, as tests do to roll everything back)."""
    bound = db.session.session_factory.kw.get("bind")  # read from the factory: no session is made for this
    return db.engine.dialect.name == "postgresql" and not isinstance(bound, Connection)


def _engine(app: Flask) -> Engine:
    engine = app.extensions.get("respondent_engine")
    if engine is None:
        with _lock:
            engine = app.extensions.get("respondent_engine")
            if engine is None:
                # autocommit leaves nothing to roll back when a connection returns to the pool (a failed
                # `durable_transaction` rolls itself back)
                engine = create_engine(db.engine.url, isolation_level="AUTOCOMMIT", pool_recycle=1800,
                                       pool_reset_on_return=None,
                                       connect_args={"options": "-c synchronous_commit=off"})
                app.extensions["respondent_engine"] = engine
    return engine


def open_for_request() -> None:
    """Take a connection for this request's prepared statements; `close_for_request` gives it back."""
    engine = _engine(current_app._get_current_object())
    g.respondent_connection = engine.raw_connection()
    use_connection(engine.dialect, g.respondent_connection)


T = TypeVar("T")


def first_read(read: Callable[..., T], *args) -> T:
    """`read(*args)`, the request's first statement, which changes nothing. If it finds the pooled connection
    dropped by the server (restarted since the connection was last used), it runs again on a new connection
    rather than failing the request; if the server cannot be reached, the error stands (a 503)."""
    try:
        return read(*args)
    except psycopg.OperationalError:
        connection = g.get("respondent_connection")
        if connection is None or not connection.driver_connection.closed:
            raise
        close_for_request()
        open_for_request()
        return read(*args)


@contextmanager
def durable_transaction() -> Iterator[None]:
    """Run the block as one transaction on this request's connection, whose commit waits for the disk as any
    ordinary commit does: storing a response is never asynchronous. Without a connection of its own, the block
    runs in the session's transaction and the caller commits it."""
    connection = g.get("respondent_connection")
    if connection is None:
        yield
        return
    driver = connection.driver_connection
    driver.execute("BEGIN; SET LOCAL synchronous_commit TO on")  # one round trip for both
    try:
        yield
    except BaseException:
        driver.execute("ROLLBACK")
        raise
    driver.execute("COMMIT")


def close_for_request(_error=None) -> None:
    """Give the request's connection back to the pool; one the server dropped is discarded with every other
    pooled connection, which are as old as it and most likely dropped too (SQLAlchemy does the same with the
    session's connections when it recognises a disconnect)."""
    connection = g.pop("respondent_connection", None)
    if connection is None:
        return
    if connection.driver_connection.closed:  # a local flag of the driver's: no round trip
        connection.invalidate()
        _engine(current_app._get_current_object()).dispose()
    else:
        connection.close()


def dispose(app: Flask) -> None:
    engine = app.extensions.pop("respondent_engine", None)
    if engine is not None:
        engine.dispose()
