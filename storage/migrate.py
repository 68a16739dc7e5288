"""Schema migrations, run programmatically with Alembic: the only way Hearth's schema changes.

Both functions are synchronous and open their own short-lived sync engine. From async code call them with
`await asyncio.to_thread(upgrade, url)` so the event loop keeps running while the database works.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text

from storage.database import create_migration_engine

__all__ = ["MIGRATIONS", "alembic_config", "current_revision", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"

# Any fixed number, the same in every Hearth process: concurrent upgrades of one PostgreSQL wait on it.
_POSTGRES_UPGRADE_LOCK = 0x48454152_5448

# Alembic keeps the running migration's context in module globals, so two upgrades in one process must not
# overlap even when they target different databases.
_ALEMBIC_IN_USE = threading.Lock()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the packaged migrations, found from this file so any working directory works."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        # env.py migrates over this connection instead of building an engine of its own.
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`, in one transaction. Upgrading twice changes nothing.

    Several processes may upgrade one database at once: each waits for the write lock (SQLite's
    `BEGIN IMMEDIATE`, a PostgreSQL advisory lock) before Alembic reads the current revision, so the later
    ones find the work done. Raises `ValueError` for an unsupported URL.
    """
    engine = create_migration_engine(url)
    try:
        with _ALEMBIC_IN_USE, engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Released when the transaction ends.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_UPGRADE_LOCK})
            command.upgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at, or None if it was never migrated."""
    engine = create_migration_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
