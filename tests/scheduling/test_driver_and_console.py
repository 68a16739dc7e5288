"""The engine as deployed: driven by APScheduler, through the console's wait/until, and seen by `hearth schedules`."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.cli import ReadOnlyMessenger, run
from adapters.scheduler_driver import SchedulerDriver
from adapters.schedules_report import print_schedules
from adapters.settings import Settings
from adapters.wiring import build_hearth
from bot.clock import SimulatedClock
from bot.scheduling.model import CatchUp, Occurrence, Outcome
from storage.ledger import SqlDeliveryLedger
from tests.console_harness import transcript
from tests.scheduling.kinds import Deliveries, RecordingKind, daily, make_workspaces

LOCAL_START = datetime(2026, 3, 27)


@dataclass
class SignallingKind(RecordingKind):
    """Sets an event on each delivery, so a test can wait for the real scheduler without sleeping."""

    delivered: asyncio.Event | None = None

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        outcome = await super().deliver(occurrence)
        assert self.delivered is not None
        self.delivered.set()
        return outcome


async def test_apscheduler_wakes_the_engine_when_something_is_due(sqlite_url: str) -> None:
    clock = SimulatedClock(datetime(2026, 3, 27, 8, 0, tzinfo=UTC))
    deliveries = Deliveries()
    kind = SignallingKind("reminder", CatchUp(lateness=timedelta(hours=1)), clock, deliveries,
                          delivered=asyncio.Event())
    settings = Settings.from_env({"DATABASE_URL": sqlite_url})
    hearth = await build_hearth(settings, messenger=ReadOnlyMessenger(), clock=clock, kinds=[kind])
    (ws,) = await make_workspaces(hearth.uow, 1, clock.now())
    kind.add(ws, "standup", daily(9, 30, "Europe/Brussels", LOCAL_START))
    driver = SchedulerDriver(hearth.scheduler, clock, max_sleep=timedelta(hours=2))
    await driver.start()
    try:
        assert kind.delivered is not None
        assert not kind.delivered.is_set()
        # The schedule was added after start: a feature tells the engine, which re-arms the driver's one job.
        await hearth.scheduler.refresh("reminder", ws, "standup")
        job = driver.scheduler.get_job("hearth-scheduler")
        assert job is not None and job.next_run_time == datetime(2026, 3, 27, 8, 30, tzinfo=UTC)
        clock.set(datetime(2026, 3, 27, 8, 30, tzinfo=UTC))
        driver.arm()  # the simulated clock now says it is due; APScheduler runs the past-dated job at once
        await asyncio.wait_for(kind.delivered.wait(), timeout=10)
        await driver.stop()  # lets the running tick finish: the delivery is recorded, not cut off
        assert [o.subject for o, _ in deliveries.made] == ["standup"]
        (row,) = await SqlDeliveryLedger(hearth.database).recent(5)
        assert row.state.value == "sent"
    finally:
        await driver.stop()
        await hearth.close()


async def test_console_wait_fires_through_the_engine_in_time_order(sqlite_url: str) -> None:
    deliveries = Deliveries()
    placeholder_clock = SimulatedClock(datetime(2026, 3, 27, 8, 0, tzinfo=UTC))
    brussels = RecordingKind("brussels", CatchUp(lateness=None), placeholder_clock, deliveries)
    utc = RecordingKind("utc", CatchUp(lateness=None), placeholder_clock, deliveries)
    async with transcript(sqlite_url, kinds=[brussels, utc]) as t:
        brussels.clock = utc.clock = t.session.clock  # deliveries record the console's own time
        (ws,) = await make_workspaces(t.hearth.uow, 1, t.session.clock.now())
        brussels.add(ws, "a", daily(9, 0, "Europe/Brussels", LOCAL_START))
        utc.add(ws, "b", daily(7, 30, "UTC", LOCAL_START))
        await t.hearth.scheduler.refresh("brussels", ws, "a")
        await t.hearth.scheduler.refresh("utc", ws, "b")
        await t.run("clock 2026-03-27T09:00 Europe/Brussels\nwait 2d")
        made = [(o.subject, at) for o, at in deliveries.made]
        assert made == [
            ("b", datetime(2026, 3, 28, 7, 30, tzinfo=UTC)),
            ("a", datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),  # 09:00 CET
            ("a", datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),  # 09:00 CEST: the clocks moved that night
            ("b", datetime(2026, 3, 29, 7, 30, tzinfo=UTC)),
        ]
        assert t.session.clock.now() == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


async def test_hearth_schedules_lists_next_and_recent(sqlite_url: str, tmp_path: Path) -> None:
    clock = SimulatedClock(datetime(2026, 3, 27, 8, 0, tzinfo=UTC))
    deliveries = Deliveries()
    kind = RecordingKind("digest", CatchUp(lateness=None, coalesce=True), clock, deliveries)
    settings = Settings.from_env({"DATABASE_URL": sqlite_url})
    hearth = await build_hearth(settings, messenger=ReadOnlyMessenger(), clock=clock, kinds=[kind])
    (ws,) = await make_workspaces(hearth.uow, 1, clock.now())
    kind.add(ws, "community:1", daily(9, 0, "Europe/Brussels", LOCAL_START))
    kind.permanent_failures.add("community:1")
    await hearth.scheduler.start()
    await hearth.scheduler.advance_to(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), clock.set)
    out = io.StringIO()
    await print_schedules(hearth, SqlDeliveryLedger(hearth.database), out)
    await hearth.close()
    text = out.getvalue()
    assert "Sun 29 Mar 2026 09:00 CEST  2026-03-29T07:00Z  workspace" in text
    assert "failed    digest · community:1" in text
    assert "RuntimeError: channel_not_found" in text


def test_hearth_schedules_command_on_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schedules"], {"HEARTH_DATA_DIR": str(tmp_path)}) == 0
    out = capsys.readouterr().out
    assert "Scheduled next\n  nothing is scheduled" in out
    assert "Recent deliveries\n  none" in out
