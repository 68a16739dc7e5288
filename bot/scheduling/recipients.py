"""One occurrence delivered to many recipients (the members going to a meeting, the facilitators, the features'
hooks), each on their own.

`deliver_each` builds and sends each recipient's message with the kind's `send`. A recipient whose message fails,
while it is built or sent, is logged once (by the recipient's id and the error's kind or place, never the
message, the member's text or a token) and skipped; the others are still served. Each recipient handled is
written down in the delivery ledger under the occurrence's key, so when the occurrence is tried again those
already served are not sent again:

- sent: recorded; skipped by every later attempt.
- `TransientDeliveryError` (the platform is down or rate limited): not recorded; once every other recipient was
  served, the occurrence is retried (`Served.outcome` raises `TransientDeliveryError`), and only then this one.
- `DeliveryError` (DMs closed, member gone) or any other exception (a value that cannot be built): recorded as
  failed for good and never tried again; the occurrence still counts as sent.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.ports import Clock, DeliveryError
from bot.scheduling.ledger import RecipientLedger, RecipientState
from bot.scheduling.model import Occurrence, Outcome, TransientDeliveryError

log = logging.getLogger("hearth.scheduler")

R = TypeVar("R")
DETAIL_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Served:
    """What `deliver_each` did with an occurrence's recipients."""

    sent: int = 0  # sent by this attempt
    earlier: int = 0  # handled by an earlier attempt: skipped
    passed: int = 0  # nothing to send them (`send` returned False)
    failed: int = 0  # failed for good: logged, recorded, not tried again
    later: int = 0  # failed for now: tried again with the occurrence

    def __add__(self, other: Served) -> Served:
        return Served(self.sent + other.sent, self.earlier + other.earlier, self.passed + other.passed,
                      self.failed + other.failed, self.later + other.later)

    def outcome(self) -> Outcome:
        """`SENT`, or `TransientDeliveryError` when some recipient failed for now (the engine retries later)."""
        if self.later:
            total = self.sent + self.earlier + self.passed + self.failed + self.later
            raise TransientDeliveryError(f"{self.later} of {total} recipients failed for now; tried again later")
        return Outcome.SENT


async def deliver_each(
    occurrence: Occurrence,
    recipients: Iterable[R],
    send: Callable[[R], Awaitable[bool]],
    *,
    key: Callable[[R], str],
    ledger: RecipientLedger,
    clock: Clock,
) -> Served:
    """Deliver `occurrence` to each of `recipients` not handled by an earlier attempt, each on their own.

    `send(recipient)` builds and sends one recipient's message and returns whether it sent one (False: nothing
    for them this time, such as a DM in their quiet hours; not recorded). `key(recipient)` names the recipient in
    the ledger, the same on every attempt (at most 128 characters). A recipient listed twice is served once.
    Never raises for one recipient's failure; see the module for what each failure does.
    """
    handled = await ledger.recipients_handled(occurrence)
    sent = earlier = passed = failed = later = 0
    for recipient in recipients:
        name = key(recipient)
        if name in handled:
            earlier += 1
            continue
        handled.add(name)
        try:
            delivered = await send(recipient)
        except TransientDeliveryError as error:
            _skipped(occurrence, name, "failed for now, tried again with the occurrence", _said(error))
            later += 1
            continue
        except DeliveryError as error:
            detail = _said(error)
        except Exception as error:
            detail = _where(error)
        else:
            if delivered:
                await ledger.record_recipient(occurrence, name, RecipientState.SENT, now=clock.now())
                sent += 1
            else:
                passed += 1
            continue
        _skipped(occurrence, name, "failed for good, not tried again", detail)
        await ledger.record_recipient(occurrence, name, RecipientState.FAILED, now=clock.now(), detail=detail)
        failed += 1
    return Served(sent, earlier, passed, failed, later)


def _skipped(occurrence: Occurrence, recipient: str, what: str, detail: str) -> None:
    log.warning("%s %s for %s: recipient %s %s (%s); the others are served", occurrence.kind, occurrence.subject,
                occurrence.at.isoformat(), recipient, what, detail)


def _said(error: Exception) -> str:
    """What a platform's refusal says: the messengers word it from the platform's answer, never the message."""
    return (str(error) or type(error).__name__)[:DETAIL_LIMIT]


def _where(error: Exception) -> str:
    """An unexpected error by its type and the line it was raised at: its text may quote what a member wrote."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    last = frames[-1]
    return f"{type(error).__name__} at {Path(last.filename).name}:{last.lineno} in {last.name}"[:DETAIL_LIMIT]
