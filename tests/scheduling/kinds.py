"""Schedule kinds for exercising the engine: schedules held in memory, deliveries recorded."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.ports import Clock
from bot.recurrence import Recurrence
from bot.refs import Platform, WorkspaceRef
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule, TransientDeliveryError
from storage.unit_of_work import SqlUnitOfWorkFactory


class SimulatedCrash(BaseException):
    """The process dies in the middle of a delivery (not an `Exception`: nothing catches it)."""


@dataclass
class Deliveries:
    """Everything delivered, by any engine, with the clock's time at delivery."""

    made: list[tuple[Occurrence, datetime]] = field(default_factory=list)

    def keys(self) -> Counter[tuple[str, int, str, datetime]]:
        return Counter(occurrence.key for occurrence, _ in self.made)


@dataclass
class RecordingKind:
    """A kind whose schedules are a dict the test edits, as a feature's table would be edited."""

    kind: str
    catch_up: CatchUp
    clock: Clock
    deliveries: Deliveries
    table: dict[tuple[int, str], Schedule] = field(default_factory=dict)
    transient_failures: dict[str, int] = field(default_factory=dict)  # subject -> failures before success
    permanent_failures: set[str] = field(default_factory=set)
    crash_on: set[str] = field(default_factory=set)

    def add(self, workspace_id: int, subject: str, recurrence: Recurrence, lead: timedelta = timedelta(0)) -> Schedule:
        schedule = Schedule(self.kind, workspace_id, subject, recurrence, lead)
        self.table[(workspace_id, subject)] = schedule
        return schedule

    async def schedules(self) -> list[Schedule]:
        return list(self.table.values())

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        return self.table.get((workspace_id, subject))

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        if occurrence.subject in self.crash_on:
            raise SimulatedCrash(occurrence.subject)
        if self.transient_failures.get(occurrence.subject, 0) > 0:
            self.transient_failures[occurrence.subject] -= 1
            raise TransientDeliveryError("the platform answered 503")
        if occurrence.subject in self.permanent_failures:
            raise RuntimeError("channel_not_found")
        current = self.table.get((occurrence.workspace_id, occurrence.subject))
        if current is None or not current.recurrence.includes(occurrence.at):
            return Outcome.OBSOLETE
        self.deliveries.made.append((occurrence, self.clock.now()))
        return Outcome.SENT


async def make_workspaces(uow: SqlUnitOfWorkFactory, count: int, at: datetime) -> list[int]:
    ids = []
    async with uow() as unit:
        for index in range(count):
            workspace = await unit.workspaces.add(WorkspaceRef(Platform.CONSOLE, f"w{index}"), f"W{index}", at)
            ids.append(workspace.id)
        await unit.commit()
    return ids


def weekly(day: str, hour: int, minute: int, zone: str, start: datetime) -> Recurrence:
    return Recurrence(rule=f"FREQ=WEEKLY;BYDAY={day}", start=start.replace(hour=hour, minute=minute), timezone=zone)


def daily(hour: int, minute: int, zone: str, start: datetime) -> Recurrence:
    return Recurrence(rule="FREQ=DAILY", start=start.replace(hour=hour, minute=minute), timezone=zone)
