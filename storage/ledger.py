"""The delivery ledger on SQLite or PostgreSQL (`bot.scheduling.ledger.DeliveryLedger`).

Each method is one short transaction of its own: the engine never holds the ledger open while it delivers.
Claims rely on the unique key (kind, workspace, subject, occurrence time): an insert that meets an existing row
does nothing, so of two engines claiming the same occurrence exactly one gets it. Take-overs re-check the row's
state in the UPDATE itself, so that on PostgreSQL a second engine waiting on the row lock finds it taken.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.scheduling.ledger import Delivery, DeliveryState, RecipientState
from bot.scheduling.model import Occurrence
from storage.tables import DeliveryRow, RecipientDeliveryRow, SchedulerStateRow

__all__ = ["SqlDeliveryLedger"]

WATERMARK = "watermark"
FINISH_CHUNK = 500  # keys per UPDATE: four bound values each, well inside every backend's limit
delivery = DeliveryRow.__table__  # type: ignore[attr-defined]
state_table = SchedulerStateRow.__table__  # type: ignore[attr-defined]
recipient_table = RecipientDeliveryRow.__table__  # type: ignore[attr-defined]
c = delivery.c
r = recipient_table.c


class SqlDeliveryLedger:
    """The ledger over an async engine; safe to share between tasks and engines. It is the recipient ledger too
    (`bot.scheduling.ledger.RecipientLedger`): the recipients of each occurrence already handled."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    async def claim(
        self, occurrences: Sequence[Occurrence], *, owner: str, now: datetime, lease: timedelta
    ) -> list[Occurrence]:
        if not occurrences:
            return []
        rows = [
            _row(occurrence, state=DeliveryState.CLAIMED, owner=owner, now=now, lease_until=now + lease)
            for occurrence in occurrences
        ]
        inserted = await self._insert_new(rows)
        return [occurrence for occurrence in occurrences if occurrence.key in inserted]

    async def record(
        self, occurrences: Sequence[Occurrence], *, owner: str, state: DeliveryState, now: datetime, detail: str
    ) -> int:
        if not occurrences:
            return 0
        rows = [_row(o, state=state, owner=owner, now=now, detail=detail) for o in occurrences]
        return len(await self._insert_new(rows))

    async def _insert_new(self, rows: list[dict[str, Any]]) -> set[tuple[str, int, str, datetime]]:
        # One statement executed for many rows: SQLAlchemy batches it ("insertmanyvalues") and compiles it once,
        # where a VALUES clause spelled out for hundreds of rows would be compiled anew on the event loop.
        statement = (
            self._insert(delivery)
            .on_conflict_do_nothing(index_elements=["kind", "workspace_id", "subject", "occurrence_at"])
            .returning(c.kind, c.workspace_id, c.subject, c.occurrence_at)
        )
        async with self._engine.begin() as connection:
            result = await connection.execute(statement, rows)
            return {(row.kind, row.workspace_id, row.subject, row.occurrence_at) for row in result}

    async def take_over(self, *, owner: str, now: datetime, lease: timedelta, limit: int) -> list[Delivery]:
        available = or_(
            and_(c.state == DeliveryState.CLAIMED.value, c.lease_until <= now),
            and_(c.state == DeliveryState.PENDING.value, c.next_attempt_at <= now),
        )
        candidates = select(c.id).where(available).order_by(c.due_at).limit(limit).scalar_subquery()
        statement = (
            update(delivery)
            .where(c.id.in_(candidates), available)
            .values(
                state=DeliveryState.CLAIMED.value, owner=owner, lease_until=now + lease, next_attempt_at=None,
                attempts=c.attempts + 1, updated_at=now,
            )
            .returning(*delivery.c)
        )
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
            return sorted((_delivery(row) for row in result), key=lambda d: d.occurrence.due)

    async def finish(
        self, results: Sequence[tuple[Occurrence, DeliveryState, str]], *, owner: str, now: datetime
    ) -> int:
        # One UPDATE for each outcome (nearly always: all sent), not one per row.
        groups: dict[tuple[DeliveryState, str], list[Occurrence]] = defaultdict(list)
        for occurrence, state, detail in results:
            groups[(state, detail)].append(occurrence)
        held = 0
        async with self._engine.begin() as connection:
            for (state, detail), occurrences in groups.items():
                for chunk in _chunks(occurrences, FINISH_CHUNK):
                    statement = (
                        update(delivery)
                        .where(
                            tuple_(c.kind, c.workspace_id, c.subject, c.occurrence_at).in_([o.key for o in chunk]),
                            c.owner == owner,
                            c.state == DeliveryState.CLAIMED.value,
                        )
                        .values(state=state.value, detail=detail, lease_until=None, updated_at=now)
                    )
                    held += int((await connection.execute(statement)).rowcount)
        return held

    async def retry_later(
        self, occurrence: Occurrence, *, owner: str, at: datetime, now: datetime, detail: str
    ) -> bool:
        async with self._engine.begin() as connection:
            return bool(await _update_claim(
                connection, occurrence, owner,
                state=DeliveryState.PENDING.value, next_attempt_at=at, lease_until=None, detail=detail,
                updated_at=now,
            ))

    async def next_wake(self) -> datetime | None:
        lease = select(func.min(c.lease_until)).where(c.state == DeliveryState.CLAIMED.value)
        retry = select(func.min(c.next_attempt_at)).where(c.state == DeliveryState.PENDING.value)
        async with self._engine.connect() as connection:
            moments = [await connection.scalar(lease), await connection.scalar(retry)]
        # Aggregates bypass the column type on SQLite: read them back as aware UTC like every other moment.
        found = [_aware(moment) for moment in moments if moment is not None]
        return min(found) if found else None

    async def watermark(self) -> datetime | None:
        async with self._engine.connect() as connection:
            value = await connection.scalar(select(state_table.c.at).where(state_table.c.name == WATERMARK))
        return value

    async def advance_watermark(self, moment: datetime) -> None:
        statement = self._insert(state_table).values(name=WATERMARK, at=moment)
        statement = statement.on_conflict_do_update(
            index_elements=["name"],
            set_={"at": case((statement.excluded.at > state_table.c.at, statement.excluded.at),
                             else_=state_table.c.at)},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def recent(self, limit: int, *, states: Sequence[DeliveryState] = ()) -> list[Delivery]:
        query = select(delivery).order_by(c.updated_at.desc(), c.id.desc()).limit(limit)
        if states:
            query = query.where(c.state.in_([state.value for state in states]))
        async with self._engine.connect() as connection:
            return [_delivery(row) for row in await connection.execute(query)]

    async def recipients_handled(self, occurrence: Occurrence) -> set[str]:
        query = select(r.recipient).where(*_recipient_key(occurrence))
        async with self._engine.connect() as connection:
            return set((await connection.scalars(query)).all())

    async def record_recipient(self, occurrence: Occurrence, recipient: str, state: RecipientState, *,
                               now: datetime, detail: str = "") -> None:
        statement = self._insert(recipient_table).values(
            kind=occurrence.kind, workspace_id=occurrence.workspace_id, subject=occurrence.subject,
            occurrence_at=occurrence.at, recipient=recipient, state=state.value, detail=detail[:500], updated_at=now,
        ).on_conflict_do_nothing(index_elements=["kind", "workspace_id", "subject", "occurrence_at", "recipient"])
        async with self._engine.begin() as connection:
            await connection.execute(statement)


def _recipient_key(occurrence: Occurrence) -> list[Any]:
    return [r.kind == occurrence.kind, r.workspace_id == occurrence.workspace_id, r.subject == occurrence.subject,
            r.occurrence_at == occurrence.at]


async def _update_claim(connection: AsyncConnection, occurrence: Occurrence, owner: str, **values: Any) -> int:
    statement = (
        update(delivery)
        .where(
            c.kind == occurrence.kind, c.workspace_id == occurrence.workspace_id, c.subject == occurrence.subject,
            c.occurrence_at == occurrence.at, c.owner == owner, c.state == DeliveryState.CLAIMED.value,
        )
        .values(**values)
    )
    result = await connection.execute(statement)
    return int(result.rowcount)


def _chunks(items: list[Occurrence], size: int) -> Iterator[list[Occurrence]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row(occurrence: Occurrence, *, state: DeliveryState, owner: str, now: datetime,
         lease_until: datetime | None = None, detail: str = "") -> dict[str, Any]:
    return {
        "kind": occurrence.kind, "workspace_id": occurrence.workspace_id, "subject": occurrence.subject,
        "occurrence_at": occurrence.at, "due_at": occurrence.due, "state": state.value, "attempts": 1,
        "owner": owner, "lease_until": lease_until, "next_attempt_at": None, "detail": detail,
        "created_at": now, "updated_at": now,
    }


def _delivery(row: Any) -> Delivery:
    return Delivery(
        occurrence=Occurrence(row.kind, row.workspace_id, row.subject, row.occurrence_at, row.due_at),
        state=DeliveryState(row.state),
        attempts=row.attempts,
        owner=row.owner,
        updated_at=row.updated_at,
        lease_until=row.lease_until,
        next_attempt_at=row.next_attempt_at,
        detail=row.detail,
    )


def _aware(moment: datetime | str) -> datetime:
    if isinstance(moment, str):  # SQLite hands an aggregate back as its stored text
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
