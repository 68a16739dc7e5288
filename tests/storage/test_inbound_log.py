"""Platform deliveries are recognised the second time, on both backends, and across two processes' engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import create_engine_for
from storage.inbound_log import PRUNE_EVERY, SqlInboundLog
from storage.tables import SeenEventRow

NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


async def test_first_time_then_never_again(database_engine: AsyncEngine, database_url: str) -> None:
    log = SqlInboundLog(database_engine)
    assert await log.first_time("slack", "Ev1", NOW)
    assert not await log.first_time("slack", "Ev1", NOW)
    assert await log.first_time("discord", "Ev1", NOW)  # ids are per platform
    other_process = create_engine_for(database_url)
    try:
        assert not await SqlInboundLog(other_process).first_time("slack", "Ev1", NOW)
    finally:
        await other_process.dispose()


async def test_old_ids_are_pruned(database_engine: AsyncEngine) -> None:
    log = SqlInboundLog(database_engine)
    await log.first_time("slack", "old", NOW - timedelta(days=3))
    for index in range(PRUNE_EVERY):
        await log.first_time("slack", f"new{index}", NOW)
    async with database_engine.connect() as connection:
        table = SeenEventRow.__table__  # type: ignore[attr-defined]
        remaining = await connection.scalar(select(func.count()).select_from(table).where(table.c.event_id == "old"))
    assert remaining == 0
