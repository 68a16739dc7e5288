"""Schema migrations, run programmatically with Alembic: the only way Hearth's schema changes.

The functions are synchronous and open their own short-lived sync engine. From async code call them with
`await asyncio.to_thread(upgrade, url)` so the event loop keeps running while the database works.

Alembic is imported only when there is work for it: a database already at the head revision is recognised by
reading its `alembic_version` row and the revision ids of the migration files, which takes milliseconds
where loading Alembic and its dialects takes a tenth of a second.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from storage.database import create_migration_engine

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["MIGRATIONS", "alembic_config", "current_revision", "head_revision", "is_at_head", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?:\s*:[^=]*)?=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.MULTILINE)

# Any fixed number, the same in every Hearth process: concurrent upgrades of one PostgreSQL wait on it.
_POSTGRES_UPGRADE_LOCK = 0x48454152_5448

# Alembic keeps the running migration's context in module globals, so two upgrades in one process must not
# overlap even when they target different databases.
_ALEMBIC_IN_USE = threading.Lock()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the packaged migrations, found from this file so any working directory works."""
    from alembic.config import Config

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
    if revision == "head" and is_at_head(url):
        return
    from alembic import command

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
    from alembic.runtime.migration import MigrationContext

    engine = create_migration_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


@cache
def head_revision() -> str | None:
    """The head revision of the packaged migrations, read from their files without loading Alembic; None when
    the files do not name exactly one head (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        down = _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None  # a form this reader does not know, such as a merge of several parents
        revisions.add(revision.group(1))
        if down.group(1) is not None:
            parents.add(down.group(1))
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def is_at_head(url: str) -> bool:
    """Whether the database at `url` is already at the head revision: one read of `alembic_version`. False when
    it was never migrated, or when the head cannot be told without Alembic."""
    head = head_revision()
    if head is None:
        return False
    engine = create_migration_engine(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table: a new database
        return False
    finally:
        engine.dispose()
    return stored == [head]
