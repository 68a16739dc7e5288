"""Shared fixtures.

Database fixtures: `database_url` runs each test once on a fresh SQLite file and once on PostgreSQL (a schema of
its own for the test session, emptied before each test); `uow_factory` gives units of work over it;
`sqlite_url` is a fresh SQLite file only. All are migrated to head; `unmigrated_database_url` is
empty on each backend. PostgreSQL is expected at
127.0.0.1:5432 (user postgres, database test); without it those tests skip, or fail when
HEARTH_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.log_redaction import RedactingFilter
from adapters.logs import WIRE_LOGGERS, HeldLoggers
from storage.database import create_engine_for, create_migration_engine
from storage.migrate import upgrade
from storage.tables import metadata
from storage.unit_of_work import SqlUnitOfWorkFactory

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_CONFIGURED_LOGGERS = ("alembic", "sqlalchemy", "sqlalchemy.engine", *WIRE_LOGGERS)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """`hearth`'s entry point sets logging up for the whole process (logger levels, filters on the root's handlers,
    the record factory, the hook for uncaught exceptions); what a test that runs it in-process set up is undone, so
    the next test logs as pytest arranged it."""
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in _CONFIGURED_LOGGERS}
    filters = {handler: list(handler.filters) for handler in root.handlers}
    factory, hook = logging.getLogRecordFactory(), sys.excepthook
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    for handler in root.handlers:
        for added in [f for f in handler.filters if isinstance(f, RedactingFilter | HeldLoggers)]:
            handler.removeFilter(added)
    for handler, kept in filters.items():
        handler.filters[:] = kept
    logging.setLogRecordFactory(factory)
    sys.excepthook = hook


def _postgres_unreachable(error: Exception) -> None:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    message = f"PostgreSQL is not reachable at 127.0.0.1:5432: {first_line}"
    if os.environ.get("HEARTH_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message} (HEARTH_REQUIRE_POSTGRES=1 requires it)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def _postgres_admin() -> Iterator[Engine]:
    """An engine on the PostgreSQL test database; skips (or fails) the test when the server does not answer."""
    admin = create_migration_engine(f"{POSTGRES_URL}?connect_timeout=3")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        admin.dispose()
        _postgres_unreachable(error)
    yield admin
    admin.dispose()


@contextmanager
def _postgres_schema_url(admin: Engine) -> Iterator[str]:
    """A new, empty schema, and a URL whose connections use it; the schema is dropped afterwards."""
    schema = f"hearth_test_{secrets.token_hex(6)}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # libpq's `options` sets search_path on every connection, so tables and alembic_version land there.
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(scope="session")
def _postgres_migrated(_postgres_admin: Engine) -> Iterator[tuple[str, Engine]]:
    """The test session's schema, migrated once, and an engine for emptying it between tests."""
    with _postgres_schema_url(_postgres_admin) as url:
        upgrade(url)
        scoped = create_migration_engine(url)
        yield url, scoped
        scoped.dispose()


def _migrated_sqlite_file(directory: Path) -> str:
    url = f"sqlite:///{directory / 'hearth.db'}"
    upgrade(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file under tmp_path, migrated to head."""
    return _migrated_sqlite_file(tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database migrated to head: a SQLite file, then the PostgreSQL test schema."""
    if request.param == "sqlite":
        return _migrated_sqlite_file(tmp_path)
    url, engine = request.getfixturevalue("_postgres_migrated")
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return str(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unmigrated_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, not even Alembic's version table: a SQLite file, then a new schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with _postgres_schema_url(request.getfixturevalue("_postgres_admin")) as url:
        yield url


@pytest.fixture
async def database_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The bot's async engine over `database_url`."""
    engine = create_engine_for(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(database_engine: AsyncEngine) -> SqlUnitOfWorkFactory:
    """Units of work over `database_url`."""
    return SqlUnitOfWorkFactory(database_engine)
