"""DATABASE_URL handling: the two supported forms, and one clear sentence for anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import create_engine_for, create_migration_engine, sync_url

SQLITE = "sqlite:///var/hearth.db"
POSTGRES = "postgresql+psycopg://hearth:s3cret@db.example:5432/hearth"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://hearth:s3cret@db/hearth",
        "postgresql://hearth:s3cret@db/hearth",
        "postgresql+asyncpg://hearth:s3cret@db/hearth",
        "sqlite+aiosqlite:///hearth.db",
        "sqlite://",
        "sqlite:///:memory:",
        "hearth.db",
        "",
    ],
)
def test_an_unsupported_url_is_refused_with_the_supported_forms(url: str) -> None:
    for make in (create_engine_for, create_migration_engine, sync_url):
        with pytest.raises(ValueError, match="DATABASE_URL") as refused:
            make(url)
        message = str(refused.value)
        assert "sqlite:///" in message
        assert "postgresql+psycopg://" in message
        assert "s3cret" not in message


def test_sync_url_keeps_the_supported_forms() -> None:
    assert sync_url(SQLITE) == SQLITE
    assert sync_url(POSTGRES) == POSTGRES
    with_schema = f"{POSTGRES}?options=-csearch_path%3Dtenant_a"
    assert sync_url(with_schema) == with_schema


async def test_the_bot_engine_uses_the_async_drivers(tmp_path: Path) -> None:
    sqlite = create_engine_for(f"sqlite:///{tmp_path / 'hearth.db'}", pool_size=3)
    postgres = create_engine_for(POSTGRES)
    try:
        assert sqlite.url.drivername == "sqlite+aiosqlite"
        assert sqlite.url.database == str(tmp_path / "hearth.db")
        assert sqlite.pool.size() == 3  # type: ignore[attr-defined]
        assert postgres.url.drivername == "postgresql+psycopg"
        assert postgres.url.password == "s3cret"
    finally:
        await sqlite.dispose()
        await postgres.dispose()


async def test_the_sqlite_file_gets_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "data" / "deeper" / "hearth.db"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert path.is_file()
