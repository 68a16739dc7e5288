"""The delivery ledger: every occurrence is claimed here before anything is sent, so it is sent once.

A row's key is (kind, workspace, subject, occurrence time in UTC), unique in the database. States:

    claimed ──sent──▶ sent
       │  └─transient error─▶ pending (retry at next_attempt_at) ──claimed again──▶ …
       └─permanent error / out of attempts─▶ failed

A claim carries a lease: if its owner dies before finishing, another engine takes it over once the lease has
expired. Occurrences that were skipped are recorded too (`dropped` when too late, `coalesced` when a newer one
was delivered instead), so that the log says what happened to each. An occurrence sent to many recipients (every
member going to a meeting) records each recipient it handled as well, so a retry skips them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.scheduling.model import Occurrence


class DeliveryState(enum.StrEnum):
    CLAIMED = "claimed"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"
    COALESCED = "coalesced"
    OBSOLETE = "obsolete"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A ledger row."""

    occurrence: Occurrence
    state: DeliveryState
    attempts: int
    owner: str
    updated_at: datetime
    lease_until: datetime | None = None
    next_attempt_at: datetime | None = None
    detail: str = ""


class DeliveryLedger(Protocol):
    """The ledger's storage. Cross-tenant by nature: the engine serves every workspace from one queue."""

    async def claim(
        self, occurrences: Sequence[Occurrence], *, owner: str, now: datetime, lease: timedelta
    ) -> list[Occurrence]:
        """Record each occurrence not in the ledger yet as claimed by `owner`; return those now held by `owner`.

        An occurrence already in the ledger (claimed elsewhere, sent, skipped) is left alone and not returned.
        """
        ...

    async def take_over(self, *, owner: str, now: datetime, lease: timedelta, limit: int) -> list[Delivery]:
        """Claim rows whose lease expired or whose retry is due; return them (with the new attempt count)."""
        ...

    async def finish(
        self, results: Sequence[tuple[Occurrence, DeliveryState, str]], *, owner: str, now: datetime
    ) -> int:
        """Close claims held by `owner` as sent, failed, obsolete or dropped, with a detail each.

        Returns how many were still held: a claim taken over by another engine meanwhile is left to it.
        """
        ...

    async def retry_later(self, occurrence: Occurrence, *, owner: str, at: datetime, now: datetime,
                          detail: str) -> bool:
        """Release a claim held by `owner` to be retried at `at`."""
        ...

    async def record(self, occurrences: Sequence[Occurrence], *, owner: str, state: DeliveryState,
                     now: datetime, detail: str) -> int:
        """Record skipped occurrences (dropped, coalesced) that are not in the ledger yet; returns how many."""
        ...

    async def next_wake(self) -> datetime | None:
        """The earliest moment a lease expires or a retry falls due."""
        ...

    async def watermark(self) -> datetime | None:
        """Up to when every occurrence has been claimed or recorded; None before the first run."""
        ...

    async def advance_watermark(self, moment: datetime) -> None:
        """Move the watermark forward to `moment` (never back)."""
        ...

    async def recent(self, limit: int, *, states: Sequence[DeliveryState] = ()) -> list[Delivery]:
        """The most recently updated rows, newest first, optionally only in `states`."""
        ...


class RecipientState(enum.StrEnum):
    """What became of one recipient of an occurrence delivered to many (`bot.scheduling.recipients`)."""

    SENT = "sent"
    FAILED = "failed"  # failed for good: not tried again when the occurrence is


class RecipientLedger(Protocol):
    """The recipients of each occurrence already handled, so that a retried occurrence skips them.

    Rows are keyed by the occurrence's key and the recipient (a platform member id, or a name the kind gives).
    """

    async def recipients_handled(self, occurrence: Occurrence) -> set[str]:
        """The recipients of `occurrence` recorded as sent or failed for good."""
        ...

    async def record_recipient(self, occurrence: Occurrence, recipient: str, state: RecipientState, *,
                               now: datetime, detail: str = "") -> None:
        """Record what became of `recipient`; a recipient recorded already keeps its first record."""
        ...
