"""`bot.ports.InboundLog` on SQLite or PostgreSQL: one row per delivery id, pruned after a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.tables import SeenEventRow

__all__ = ["SqlInboundLog"]

seen = SeenEventRow.__table__  # type: ignore[attr-defined]
# Slack retries an event for at most a few minutes (hours with delayed events on): a day is ample.
KEEP = timedelta(days=1)
PRUNE_EVERY = 500


class SqlInboundLog:
    """Remembers delivery ids. The unique key decides, so two processes agree on who saw an event first."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._since_prune = 0

    async def first_time(self, platform: str, delivery_id: str, at: datetime) -> bool:
        statement = (
            self._insert(seen)
            .values(platform=platform, event_id=delivery_id[:128], received_at=at)
            .on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(seen.c.event_id)
        )
        async with self._engine.begin() as connection:
            # RETURNING, not rowcount: it says which row went in the same way on every driver.
            inserted = (await connection.execute(statement)).first() is not None
            self._since_prune += 1
            if self._since_prune >= PRUNE_EVERY:
                self._since_prune = 0
                await connection.execute(delete(seen).where(seen.c.received_at < at - KEEP))
        return inserted
