"""What an adapter acknowledged and has not finished: recorded before the acknowledgement, finished or answered
after a restart.

Slack and Discord are told "received" before Hearth works on a command, click or form. So that a crash or a stop
between the two loses nothing, the adapter records each one first (`AcknowledgementLog.record`, one short insert
keyed by the platform's own id for it) and deletes the record once the work and its answers are done
(`finish`). At the next start, `pending` hands back what is left while the platform still accepts an answer:

- not `handled`: the work never committed, so it is done again, from the start, exactly as if it had just arrived;
- `handled`: the work committed but its answer was not sent, so the member is told that it was done (doing it
  again would do it twice).

Each record is leased to the process that works on it, which renews the lease while it runs; `pending` hands
out only records whose lease has passed (a clean stop releases its records at once; a crashed process's pass after
`HEARTH_TAKEOVER_SECONDS`). So `pending` is called at start and then again and again:
adapters/acknowledgement_keeper.py does that, and the renewing, for every adapter's `replay`.

`handled` is set in the same transaction as the work's own writes. The adapter runs each piece of work inside
`delivering(delivery)`; the core marks the part where the feature handlers run with `handling()`; and every unit
of work that may write, when it commits inside both, marks the record handled in its own transaction
(`handled_deliveries`). Writes before the handlers (the middleware registering a member it sees for the first time)
do not count: they are safe to repeat. A unit that does the work of several deliveries at once (a group commit,
bot/group_commit.py) runs its commit inside `working_for(deliveries)` and marks each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

__all__ = ["Acknowledged", "AcknowledgementLog", "Delivery", "delivering", "handled_deliveries",
           "handling", "working_for"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One command, click or form as the platform names it: `key` is Slack's trigger id or Discord's
    interaction id, unique on its platform."""

    platform: str
    key: str


@dataclass(frozen=True, slots=True)
class Acknowledged:
    """A recorded delivery still unfinished: what the adapter needs to do it again or to answer it.

    `payload` is the adapter's own (JSON): what arrived, and how to answer. `acknowledged` is False for a Discord
    interaction that was never answered nor deferred (Discord then showed the member that it failed, and the
    token no longer works); `handled` says whether the work committed (see the module docstring)."""

    delivery: Delivery
    payload: Mapping[str, Any]
    received_at: datetime
    answer_until: datetime
    acknowledged: bool
    handled: bool


class AcknowledgementLog(Protocol):
    """The durable record of acknowledged deliveries (storage/acknowledged.py)."""

    async def record(self, delivery: Delivery, payload: Mapping[str, Any], *, at: datetime, answer_until: datetime,
                     acknowledged: bool = True) -> bool:
        """Record `delivery` before it is acknowledged; False when it was recorded already (a repeat, which must
        not be handled again)."""
        ...

    async def acknowledge(self, delivery: Delivery) -> None:
        """Mark a delivery recorded with `acknowledged=False` as acknowledged (Discord: before deferring)."""
        ...

    async def finish(self, delivery: Delivery) -> None:
        """Forget `delivery`: its work and answers are done (or it was refused)."""
        ...

    async def pending(self, platform: str, now: datetime) -> list[Acknowledged]:
        """Claim what `platform` left unfinished, oldest first, and forget what can no longer be answered
        (`answer_until` passed, never acknowledged, or started too often): each record is handed out once, to
        one process, and only once the process that had it stopped renewing it (or released it)."""
        ...

    async def unfinished(self, platform: str) -> int:
        """How many deliveries of `platform` this process recorded or claimed and has not finished (said when
        stopping)."""
        ...

    async def renew(self, now: datetime) -> None:
        """Keep this process's deliveries its own: while a process renews, nobody else takes them over."""
        ...

    async def release(self, now: datetime) -> None:
        """Hand this process's unfinished deliveries back (a clean stop), for the next start to finish."""
        ...


_current: ContextVar[Delivery | None] = ContextVar("hearth_delivery", default=None)
_handling: ContextVar[bool] = ContextVar("hearth_delivery_handling", default=False)
_together: ContextVar[tuple[Delivery, ...] | None] = ContextVar("hearth_deliveries_together", default=None)


@contextmanager
def delivering(delivery: Delivery | None) -> Iterator[None]:
    """Run the block as the work of `delivery` (None: of no recorded delivery)."""
    token = _current.set(delivery)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def handling() -> Iterator[None]:
    """Mark the block as the feature handlers' part of the work (the core wraps its routes in it)."""
    token = _handling.set(True)
    try:
        yield
    finally:
        _handling.reset(token)


@contextmanager
def working_for(deliveries: Iterable[Delivery | None]) -> Iterator[None]:
    """Run the block as the work of all of `deliveries` (None for a request of no recorded delivery): a unit of
    work committing inside it marks each of them handled, and none other."""
    token = _together.set(tuple(delivery for delivery in deliveries if delivery is not None))
    try:
        yield
    finally:
        _together.reset(token)


def handled_deliveries() -> tuple[Delivery, ...]:
    """The deliveries a committing unit of work should mark handled: those it works for together
    (`working_for`), or else the one being delivered while its handlers run."""
    together = _together.get()
    if together is not None:
        return together
    delivery = _current.get() if _handling.get() else None
    return () if delivery is None else (delivery,)
