"""What features hand the scheduling engine, and what it hands back."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.recurrence import Recurrence
from bot.scheduling.leads import due_before, earliest_search


@dataclass(frozen=True, slots=True)
class CatchUp:
    """What happens to an occurrence that comes due late (Hearth was down, or busy).

    `lateness`: deliver only while no later than this after its due time, otherwise drop it and log that
    (a reminder after its meeting started is pointless); None delivers whatever the delay.
    `coalesce`: of several occurrences of one schedule missed together, deliver only the newest
    (a digest missed three times is sent once).
    """

    lateness: timedelta | None
    coalesce: bool = False


@dataclass(frozen=True, slots=True)
class Schedule:
    """One recurring thing of one kind: a meeting series' reminders, a community's digest.

    `subject` identifies it within its kind and workspace, stably across restarts ("series:12:1h").
    Each occurrence falls due `lead` before the recurrence instance: its whole days as calendar days in the
    recurrence's zone, the rest as an exact duration (`bot.scheduling.leads`).
    """

    kind: str
    workspace_id: int
    subject: str
    recurrence: Recurrence
    lead: timedelta = timedelta(0)
    community_id: int | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.kind, self.workspace_id, self.subject)

    def next_due_after(self, moment: datetime) -> Occurrence | None:
        """The first occurrence that falls due strictly after `moment`."""
        at = self.recurrence.next_after(earliest_search(moment, self.lead))
        while at is not None:
            due = self.due_of(at)
            if due > moment:
                return Occurrence(self.kind, self.workspace_id, self.subject, at, due)
            at = self.recurrence.next_after(at)
        return None

    def due_of(self, at: datetime) -> datetime:
        """When the instance at `at` falls due: `lead` before it, its days counted on the local calendar."""
        return due_before(at, self.lead, self.recurrence.timezone)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One delivery of a schedule. Its key in the ledger is (kind, workspace, subject, `at` in UTC)."""

    kind: str
    workspace_id: int
    subject: str
    at: datetime  # the recurrence instance, UTC
    due: datetime  # when to deliver: `at` less the schedule's lead (`Schedule.due_of`)

    @property
    def key(self) -> tuple[str, int, str, datetime]:
        return (self.kind, self.workspace_id, self.subject, self.at)

    @property
    def delivery_key(self) -> str:
        """The ledger key as one string, for `Message.delivery_key`: the same for every attempt of this delivery."""
        return f"{self.kind}|{self.workspace_id}|{self.subject}|{self.at.astimezone(UTC).isoformat()}"


class Outcome(enum.StrEnum):
    """What a delivery did."""

    SENT = "sent"
    OBSOLETE = "obsolete"  # the schedule changed or ended since the occurrence was computed: nothing to send


class TransientDeliveryError(Exception):
    """Delivery failed for now (the platform is down, rate limited): the engine retries with backoff."""


class ScheduledKind(Protocol):
    """A feature's kind of schedule (meeting reminders, digests, polls…), registered with the engine.

    `schedules` lists every active schedule of the kind, at start and on each reconcile; `schedule` reads one,
    after a feature changed it. `deliver` sends one occurrence: it re-reads what it needs, returns `OBSOLETE`
    when the occurrence no longer belongs to the schedule, raises `TransientDeliveryError` to be retried, and
    `bot.ports.DeliveryError` (or anything else) to fail for good. A kind that sends one occurrence to many
    recipients (members, facilitators, hooks) sends through `bot.scheduling.recipients.deliver_each` and returns
    its `Served.outcome()`: one recipient's failure then stops none of the others, and a retry skips those served.
    """

    kind: str
    catch_up: CatchUp

    async def schedules(self) -> list[Schedule]: ...

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None: ...

    async def deliver(self, occurrence: Occurrence) -> Outcome: ...
