"""`deliver_each` over the real delivery ledger, on SQLite and PostgreSQL: each recipient handled once across
attempts, failures kept apart, and the recipients' rows erased with their workspace."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SimulatedClock
from bot.ports import DeliveryError
from bot.scheduling.ledger import RecipientState
from bot.scheduling.model import Occurrence, Outcome, TransientDeliveryError
from bot.scheduling.recipients import Served, deliver_each
from storage.ledger import SqlDeliveryLedger
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.scheduling.kinds import make_workspaces

NOW = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)


async def _occurrence(uow: SqlUnitOfWorkFactory, ledger: SqlDeliveryLedger) -> Occurrence:
    (workspace_id,) = await make_workspaces(uow, 1, NOW)
    occurrence = Occurrence("digest", workspace_id, "community:1", NOW, NOW)
    assert await ledger.claim([occurrence], owner="test", now=NOW, lease=NOW - NOW) == [occurrence]
    return occurrence


async def test_each_recipient_is_handled_once_across_attempts(
    uow_factory: SqlUnitOfWorkFactory, database_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    ledger, clock = SqlDeliveryLedger(database_engine), SimulatedClock(NOW)
    occurrence = await _occurrence(uow_factory, ledger)
    sent: list[str] = []
    failures: dict[str, Exception] = {"b": TransientDeliveryError("503"), "c": DeliveryError("dms closed"),
                                      "d": KeyError("what a member typed")}

    async def send(recipient: str) -> bool:
        if recipient in failures:
            raise failures.pop(recipient)
        if recipient == "quiet":
            return False
        sent.append(recipient)
        return True

    recipients = ["a", "b", "c", "d", "quiet", "a"]
    with caplog.at_level(logging.WARNING):
        first = await deliver_each(occurrence, recipients, send, key=str, ledger=ledger, clock=clock)
    assert first == Served(sent=1, earlier=1, passed=1, failed=2, later=1)  # "a" twice: served once
    with pytest.raises(TransientDeliveryError, match="1 of 6 recipients failed for now"):
        first.outcome()
    assert len(caplog.records) == 3 and "what a member typed" not in caplog.text
    assert await ledger.recipients_handled(occurrence) == {"a", "c", "d"}

    second = await deliver_each(occurrence, recipients, send, key=str, ledger=ledger, clock=clock)
    assert second == Served(sent=1, earlier=4, passed=1)
    assert second.outcome() is Outcome.SENT
    assert sent == ["a", "b"]
    await ledger.record_recipient(occurrence, "c", RecipientState.SENT, now=NOW)  # the first record stands
    assert await ledger.recipients_handled(occurrence) == {"a", "b", "c", "d"}


async def test_recipients_are_erased_with_their_workspace(
    uow_factory: SqlUnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    ledger = SqlDeliveryLedger(database_engine)
    occurrence = await _occurrence(uow_factory, ledger)
    await ledger.record_recipient(occurrence, "U1", RecipientState.SENT, now=NOW)
    async with uow_factory() as uow:
        await uow.workspaces.delete(occurrence.workspace_id)
        await uow.commit()
    assert await ledger.recipients_handled(occurrence) == set()
