"""`bot.acknowledgements.AcknowledgementLog` on SQLite or PostgreSQL: one row per delivery being worked on.

A row is inserted before the platform is told "received" and deleted once the work and its answers are done, so
the table holds only what is in progress (or what a crash left). Each row names its `owner`, the process working
on it, with a lease the process renews while it runs (`renew`); a clean stop hands its rows back at once
(`release`). Once a lease has passed, `pending` lets one process claim the row: a conditional update on the lease
it read, so two processes never take the same one.

On SQLite the log writes through the units of work's writer turn (`SqlUnitOfWorkFactory.storage_unit`), on the
loop engine: waiting in SQLite's own busy handler behind the units cost the record before an acknowledgement up
to seconds under load. The record takes the turn before every waiting unit (`urgent`): Slack's 3 seconds run
while it waits.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, Result, Update, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.acknowledgements import Acknowledged, Delivery
from storage.tables import AcknowledgedRow

if TYPE_CHECKING:
    from storage.unit_of_work import SqlUnitOfWorkFactory

__all__ = ["LEASE", "MAX_ATTEMPTS", "SqlAcknowledgementLog", "mark_handled"]

log = logging.getLogger("hearth.storage")
table = AcknowledgedRow.__table__  # type: ignore[attr-defined]
c = table.c
LEASE = timedelta(seconds=30)
# A delivery whose work was started this many times and never finished is given up: something in it fails
# every time, and doing it again would not answer anyone.
MAX_ATTEMPTS = 3
CLAIM_BATCH = 200
KEY_LENGTH = 128


class SqlAcknowledgementLog:
    """The acknowledged deliveries of this process (`owner`, a new random name at every start) and the ones
    other processes or earlier runs left behind."""

    def __init__(self, engine: AsyncEngine, *, units: SqlUnitOfWorkFactory | None = None, lease: timedelta = LEASE,
                 owner: str | None = None) -> None:
        self._engine = engine
        # SQLite: write in the units' writer turn (see the module docstring). PostgreSQL locks rows, not the file.
        self._units = units if engine.dialect.name == "sqlite" else None
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self.lease = lease
        self.owner = owner or secrets.token_hex(8)

    async def record(self, delivery: Delivery, payload: Mapping[str, Any], *, at: datetime, answer_until: datetime,
                     acknowledged: bool = True) -> bool:
        statement = (
            self._insert(table)
            .values(platform=delivery.platform, delivery_key=_key(delivery), payload=_encode(payload),
                    received_at=at, answer_until=answer_until, owner=self.owner, lease_until=at + self.lease,
                    acknowledged=acknowledged, handled=False, attempts=1)
            .on_conflict_do_nothing(index_elements=["platform", "delivery_key"])
            .returning(c.delivery_key)
        )
        async with self._transaction(urgent=True) as run:
            return (await run(statement)).first() is not None

    async def acknowledge(self, delivery: Delivery) -> None:
        async with self._transaction(urgent=True) as run:  # Discord's deferral waits on it
            await run(update(table).where(_is(delivery)).values(acknowledged=True))

    async def finish(self, delivery: Delivery) -> None:
        async with self._transaction() as run:
            await run(delete(table).where(_is(delivery)))

    async def renew(self, now: datetime) -> None:
        """Extend the lease of every delivery this process works on (call it well within `lease`)."""
        async with self._transaction() as run:
            await run(update(table).where(c.owner == self.owner).values(lease_until=now + self.lease))

    async def release(self, now: datetime) -> None:
        """Hand this process's unfinished deliveries back at once (a clean stop), for the next start to finish."""
        async with self._transaction() as run:
            await run(update(table).where(c.owner == self.owner).values(lease_until=now))

    async def unfinished(self, platform: str) -> int:
        async with self._engine.connect() as connection:
            count = await connection.scalar(
                select(func.count()).select_from(table).where(c.platform == platform, c.owner == self.owner)
            )
        return int(count or 0)

    async def pending(self, platform: str, now: datetime) -> list[Acknowledged]:
        free = and_(c.platform == platform, c.lease_until <= now)
        async with self._transaction() as run:
            dropped = (await run(
                delete(table).where(free, or_(c.answer_until <= now, c.acknowledged.is_(False),
                                              c.attempts >= MAX_ATTEMPTS)).returning(c.delivery_key)
            )).all()
            rows = (await run(
                select(table).where(free).order_by(c.received_at).limit(CLAIM_BATCH)
            )).all()
            claimed: list[Acknowledged] = []
            for row in rows:
                taken = (await run(
                    update(table)
                    .where(c.platform == row.platform, c.delivery_key == row.delivery_key,
                           c.owner == row.owner, c.lease_until == row.lease_until)
                    .values(owner=self.owner, lease_until=now + self.lease, attempts=c.attempts + 1)
                    .returning(c.delivery_key)
                )).first()
                if taken is None:
                    continue  # another process claimed it first
                claimed.append(Acknowledged(
                    delivery=Delivery(row.platform, row.delivery_key), payload=json.loads(row.payload),
                    received_at=row.received_at, answer_until=row.answer_until,
                    acknowledged=row.acknowledged, handled=row.handled,
                ))
        if dropped:
            log.info("%d acknowledged %s deliveries could no longer be answered and were dropped", len(dropped),
                     platform)
        return claimed

    @asynccontextmanager
    async def _transaction(self, *, urgent: bool = False) -> AsyncIterator[Callable[[Executable],
                                                                                   Awaitable[Result[Any]]]]:
        """One transaction; committed when the block ends without an exception."""
        if self._units is None:
            async with self._engine.begin() as connection:
                yield connection.execute
            return
        async with self._units.storage_unit(urgent=urgent) as unit:
            yield unit.run
            await unit.commit()


def mark_handled(deliveries: Sequence[Delivery]) -> Update:
    """The statement a unit of work runs in its own transaction when it commits the work of `deliveries`."""
    return update(table).where(or_(*(_is(delivery) for delivery in deliveries))).values(handled=True)


def _is(delivery: Delivery) -> Any:
    return and_(c.platform == delivery.platform, c.delivery_key == _key(delivery))


def _key(delivery: Delivery) -> str:
    if not delivery.key or len(delivery.key) > KEY_LENGTH:
        raise ValueError(f"a delivery key must have 1 to {KEY_LENGTH} characters")
    return delivery.key


def _encode(payload: Mapping[str, Any]) -> str:
    # ASCII escapes only: a NUL or an unpaired surrogate a member typed is stored as its escape, on both databases.
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
