"""Retention: every night at 04:00 on the deployment's clock, activity from before the start of the day
`HEARTH_ACTIVITY_DAYS` days back is deleted; the night moves in UTC when the clock changes, never on the wall."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.settings import Settings
from adapters.wiring import build_hearth
from bot.activity.model import Activity, ActivityKind
from bot.activity.retention import ActivityRetention, kept_from
from bot.clock import SimulatedClock
from tests.activity.units import CHANNEL, Answers, community_rows
from tests.dst_weeks import CHANGES


@pytest.mark.parametrize(("zone", "change"), CHANGES)
def test_what_is_kept_starts_at_a_local_midnight_on_both_sides_of_a_clock_change(zone: str,
                                                                                 change: datetime) -> None:
    local = ZoneInfo(zone)
    for hours in range(-30, 31, 3):
        moment = change.replace(hour=12, tzinfo=local).astimezone(UTC) + timedelta(hours=hours)
        start = kept_from(moment, 2, zone).astimezone(local)
        assert (start.hour, start.minute) == (0, 0)
        assert start.date() == moment.astimezone(local).date() - timedelta(days=2)


def test_retention_refuses_what_it_cannot_keep() -> None:
    with pytest.raises(ValueError, match="one day"):
        ActivityRetention(None, 0, "UTC")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="IANA"):
        ActivityRetention(None, 400, "Mars/Olympus")  # type: ignore[arg-type]


async def test_the_nightly_purge_follows_the_local_clock_across_a_change(sqlite_url: str) -> None:
    settings = replace(Settings.from_env({}), database_url=sqlite_url, timezone="Europe/Brussels", activity_days=3,
                       poll_key=bytes(32))
    clock = SimulatedClock(datetime(2026, 10, 23, 12, 0, tzinfo=UTC))
    hearth = await build_hearth(settings, messenger=Answers(), clock=clock)
    try:
        workspace, community, members = await community_rows(hearth.uow)
        moments = {
            "a": datetime(2026, 10, 20, 21, 30, tzinfo=UTC),  # Tuesday 23:30 CEST
            "b": datetime(2026, 10, 21, 21, 30, tzinfo=UTC),  # Wednesday 23:30 CEST
            "c": datetime(2026, 10, 21, 22, 30, tzinfo=UTC),  # Thursday 00:30 CEST
            "d": datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
        }
        async with hearth.uow() as uow:
            await uow.activity.add_many([Activity(workspace, community, members[0], CHANNEL.id, at,
                                                  ActivityKind.POST, name) for name, at in moments.items()])
            await uow.commit()
        await hearth.scheduler.start()

        async def left_at(moment: datetime) -> str:
            await hearth.scheduler.advance_to(moment, clock.set)
            async with hearth.uow(read_only=True) as uow:
                counts = await uow.activity.member_messages(workspace, community, datetime(2026, 1, 1, tzinfo=UTC),
                                                            datetime(2027, 1, 1, tzinfo=UTC))
                times = await uow.activity.recent_messages(workspace, community, members[0])
            assert sum(count.messages for count in counts) == len(times)
            return "".join(sorted(name for name, at in moments.items() if at in times))

        assert await left_at(datetime(2026, 10, 24, 1, 59, tzinfo=UTC)) == "abcd"
        # Saturday 04:00 CEST: what is older than Wednesday 00:00 goes.
        assert await left_at(datetime(2026, 10, 24, 2, 0, tzinfo=UTC)) == "bcd"
        # The clocks went back an hour on Sunday at 03:00 CEST: 02:59 UTC is 03:59 CET, before that night's purge.
        assert await left_at(datetime(2026, 10, 25, 2, 59, tzinfo=UTC)) == "bcd"
        assert await left_at(datetime(2026, 10, 25, 3, 0, tzinfo=UTC)) == "cd"  # 04:00 CET: before Thursday goes
        assert await left_at(datetime(2026, 10, 26, 3, 0, tzinfo=UTC)) == "d"
    finally:
        await hearth.close()
