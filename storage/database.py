"""Engines for the two supported databases: a SQLite file (the default) and PostgreSQL.

`DATABASE_URL` uses the plain forms `sqlite:///path/to/hearth.db` and `postgresql+psycopg://user@host:port/db`;
this module maps them to the async drivers the bot runs on and the sync ones Alembic runs on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import await_only

__all__ = ["READ_ONLY", "URGENT", "create_engine_for", "create_loop_engine", "create_migration_engine", "sync_url"]

_SUPPORTED = "sqlite:///path/to/hearth.db or postgresql+psycopg://user@host:port/database"

# Milliseconds a writer waits for another one to finish before SQLite gives up with "database is locked".
_BUSY_TIMEOUT_MS = 15_000


def _unsupported(reason: str) -> ValueError:
    return ValueError(f"DATABASE_URL {reason}; use {_SUPPORTED}.")


def _parse(url: str) -> URL:
    """`url` parsed, if it is one of the supported forms; `ValueError` otherwise."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise _unsupported("is not a database URL") from None
    if parsed.drivername == "sqlite":
        # An in-memory database would be a different, empty one on every pooled connection and in Alembic.
        if parsed.database in (None, "", ":memory:"):
            raise _unsupported("names no SQLite file")
        return parsed
    if parsed.drivername == "postgresql+psycopg":
        return parsed
    # Only the scheme goes into the message: the rest of the URL may hold a password.
    raise _unsupported(f"has the unsupported scheme {parsed.drivername}://")


def sync_url(url: str) -> str:
    """`url` checked and in the form a synchronous engine (Alembic) takes. Raises `ValueError` if unsupported."""
    return _parse(url).render_as_string(hide_password=False)


def create_engine_for(url: str, *, pool_size: int | None = None) -> AsyncEngine:
    """An async engine for `DATABASE_URL`. Raises `ValueError` naming the supported forms if it is neither.

    For SQLite the file's directory is created, and every connection gets WAL, a busy timeout and foreign keys;
    every transaction starts with `BEGIN IMMEDIATE` (see `_prepare_sqlite`). A failed statement's error never
    shows its parameters (`hide_parameters`): an error logged with its traceback holds no member's text.
    PostgreSQL options such as `?options=-csearch_path%3Dschema` pass through to psycopg.
    """
    parsed = _parse(url)
    # A failed statement's error names its parameters, which hold what members typed; logs never show them.
    options: dict[str, Any] = {"hide_parameters": True}
    if pool_size is not None:
        options["pool_size"] = pool_size
    if parsed.drivername == "sqlite":
        _create_parent_directory(parsed)
        engine = create_async_engine(parsed.set(drivername="sqlite+aiosqlite"), **options)
        _prepare_sqlite(engine.sync_engine, foreign_keys=True)
        return engine
    # A pooled connection can die with a database restart or a failover; test it before handing it out.
    return create_async_engine(parsed, pool_pre_ping=True, **options)


def create_migration_engine(url: str) -> Engine:
    """A sync engine for schema changes (Alembic). Raises `ValueError` naming the supported forms.

    SQLite connections get the same pragmas and `BEGIN IMMEDIATE` as the bot's, except foreign keys: Alembic's
    batch mode copies and drops tables, which with foreign keys on would cascade into the children. Like the bot's,
    its statements are never logged or shown in an error with their parameters (`hide_parameters`).
    """
    parsed = _parse(url)
    if parsed.drivername == "sqlite":
        _create_parent_directory(parsed)
        engine = create_engine(parsed, hide_parameters=True)
        _prepare_sqlite(engine, foreign_keys=False)
        return engine
    return create_engine(parsed, hide_parameters=True)


# An execution option of the loop engine's read-only units: their transactions begin deferred.
READ_ONLY = "hearth_read_only"
# A unit someone waits on right now (the record before an acknowledgement): it tries for the write lock again every
# millisecond at most, instead of backing off to `_LONGEST_PAUSE`, so that it gets the lock soon after another
# process lets go.
URGENT = "hearth_urgent"
_URGENT_LONGEST_PAUSE = 0.001
# The first and the longest pause between two tries for SQLite's write lock held by another process.
_FIRST_PAUSE = 0.0005
_LONGEST_PAUSE = 0.02


def create_loop_engine(engine: AsyncEngine) -> Engine | None:
    """For a SQLite `engine`, a synchronous engine on the same file whose statements run on the event loop itself.

    A SQLite statement takes microseconds; handing each one to a driver thread and back (aiosqlite) cost far more
    than the statement. Connections get the same pragmas as `create_engine_for`'s, but never block the loop
    waiting for the write lock: their busy timeout is 0, and `BEGIN IMMEDIATE` meeting a lock held by another
    process pauses asynchronously and tries again, up to the usual busy timeout, then raises "database is
    locked" as SQLite would. Only valid inside an `AsyncSession` (the pause awaits through SQLAlchemy's greenlet).
    A unit whose connection has the execution option `READ_ONLY` begins deferred: it takes no write lock; one with
    `URGENT` tries again for the lock at least every millisecond.
    None for PostgreSQL, which keeps its asynchronous driver.
    """
    if engine.dialect.name != "sqlite":
        return None
    url = engine.url.set(drivername="sqlite+pysqlite")
    # Units of work never wait for a pooled connection: a blocking wait would stop the loop itself.
    loop_engine = create_engine(url, pool_size=5, max_overflow=-1, hide_parameters=True)
    on_connect = _pragmas_on_connect([*_sqlite_pragmas(foreign_keys=True), "PRAGMA busy_timeout=0"])

    def on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # Straight to the driver: a read-only unit's BEGIN is a few microseconds; through SQLAlchemy's
            # execution it was ten times that, on every read (the library's search, say).
            connection.connection.driver_connection.execute("BEGIN")
            return
        deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
        longest = _URGENT_LONGEST_PAUSE if connection.get_execution_options().get(URGENT) else _LONGEST_PAUSE
        pause = _FIRST_PAUSE
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if "database is locked" not in str(error.orig) or time.monotonic() + pause > deadline:
                    raise
            await_only(asyncio.sleep(pause))
            pause = min(pause * 2, longest)

    event.listen(loop_engine, "connect", on_connect)
    event.listen(loop_engine, "begin", on_begin)
    # The loop engine lives as long as the async one: disposing that (on shutdown) closes these connections too.
    event.listen(engine.sync_engine, "engine_disposed", lambda _engine: loop_engine.dispose())
    return loop_engine


def _pragmas_on_connect(pragmas: list[str]) -> Callable[[Any, Any], None]:
    """A "connect" listener that runs `pragmas` on every new SQLite connection and leaves BEGIN to Hearth."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver would otherwise BEGIN on its own, deferred, and only before DML; SQLAlchemy's
        # documented recipe hands that job to the "begin" listener.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    return on_connect


def _create_parent_directory(url: URL) -> None:
    assert url.database is not None  # _parse refuses a SQLite URL without a file
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _prepare_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    """Set Hearth's pragmas on every new connection of a SQLite `engine` and make transactions `BEGIN IMMEDIATE`.

    A deferred transaction that reads and then writes fails at once with "database is locked" when another
    connection wrote in between (the busy timeout does not apply to that case). Taking the write lock at
    `BEGIN` makes the second writer wait for the first instead.
    """
    on_connect = _pragmas_on_connect(_sqlite_pragmas(foreign_keys=foreign_keys))

    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)


def _sqlite_pragmas(*, foreign_keys: bool) -> list[str]:
    return [
        # First, so that switching the journal mode waits for a busy database instead of failing.
        f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}",
        # Readers do not block the writer and the writer does not block readers.
        "PRAGMA journal_mode=WAL",
        # Safe with WAL: a power cut may lose the last commits but never corrupts the file.
        "PRAGMA synchronous=NORMAL",
        f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}",
    ]
