"""The key action references are signed with: made once, kept in platform state, the same for every process that
starts on the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.settings import Settings
from adapters.wiring import REFERENCE_KEY, action_refs, open_storage
from bot.action_refs import ActionRef
from bot.clock import SimulatedClock
from storage.platform_state import SqlPlatformState

NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


async def test_the_first_value_stored_wins_when_processes_race(database_engine: AsyncEngine) -> None:
    state = SqlPlatformState(database_engine)
    kept = await asyncio.gather(*(state.first("race", f"value {n}", NOW) for n in range(5)))
    assert len(set(kept)) == 1 and kept[0] == await state.get("race")
    await state.put("race", "changed", NOW)
    assert await state.first("race", "ignored", NOW) == "changed"


async def test_a_restarted_hearth_reads_the_buttons_it_made_before(database_url: str) -> None:
    settings = Settings.from_env({"DATABASE_URL": database_url})
    ref = ActionRef(1, 2, "ms", 3, (4, 0))
    first = await open_storage(settings)
    try:
        minted = (await action_refs(first, SimulatedClock(NOW))).mint(ref)
    finally:
        await first.close()
    again = await open_storage(settings)
    try:
        assert (await action_refs(again, SimulatedClock(NOW))).read(minted, 1, "ms") == ref
        assert await again.platform_state.get(REFERENCE_KEY) is not None
    finally:
        await again.close()
