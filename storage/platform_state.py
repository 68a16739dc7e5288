"""Named values platform adapters keep across restarts, on SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.tables import PlatformStateRow

__all__ = ["SqlPlatformState"]

state = PlatformStateRow.__table__  # type: ignore[attr-defined]


class SqlPlatformState:
    """A small key-value store: `get` a name's value, `put` a new one (last writer wins)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    async def get(self, name: str) -> str | None:
        async with self._engine.connect() as connection:
            value = await connection.scalar(select(state.c.value).where(state.c.name == name))
        return None if value is None else str(value)

    async def first(self, name: str, value: str, at: datetime) -> str:
        """The value of `name`, storing `value` first when there is none: the first writer wins, so processes that
        race each other all end with the same value."""
        statement = self._insert(state).values(name=name, value=value, updated_at=at)
        statement = statement.on_conflict_do_nothing(index_elements=["name"])
        async with self._engine.begin() as connection:
            await connection.execute(statement)
            stored = await connection.scalar(select(state.c.value).where(state.c.name == name))
        return str(stored)

    async def put(self, name: str, value: str, at: datetime) -> None:
        statement = self._insert(state).values(name=name, value=value, updated_at=at)
        statement = statement.on_conflict_do_update(
            index_elements=["name"], set_={"value": value, "updated_at": at}
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)
