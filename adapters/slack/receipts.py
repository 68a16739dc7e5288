"""What Hearth told Slack it received: recorded before the acknowledgement, finished once its work is done, and
finished or answered at the next start when a stop or a crash came in between (see bot/acknowledgements.py).

Commands, clicks (`block_actions`), form submissions (`view_submission`) and message shortcuts are recorded under
Slack's `trigger_id`, which names each of them once. The payload is what arrived, `{"kind": …, "body": …}`: all
the adapter needs to do the work again and to answer it. Slack accepts an answer through a request's response URL
for 30 minutes, so a record is kept that long. Events are not recorded: they are answered by nobody, and Slack
sends an event again itself until it is acknowledged (the inbound log keeps each `event_id` once).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from bot.acknowledgements import AcknowledgementLog, Delivery, delivering
from bot.ports import Clock
from bot.refs import Platform

log = logging.getLogger("hearth.slack")

SLACK = Platform.SLACK.value
ANSWER_WINDOW = timedelta(minutes=30)  # how long Slack takes an answer to a command or click (its response URL)
Kind = Literal["command", "action", "form", "shortcut"]
KINDS: tuple[Kind, ...] = ("command", "action", "form", "shortcut")


@dataclass(frozen=True, slots=True)
class Receipt:
    """How a request was recorded: under `delivery`, or not at all (None); `repeat` when Slack's id was recorded
    already, so the request must be acknowledged and nothing more."""

    delivery: Delivery | None
    repeat: bool = False


class SlackReceipts:
    """Records each command, click, form or shortcut before it is acknowledged, and finishes it after its work."""

    def __init__(self, acknowledgements: AcknowledgementLog, clock: Clock) -> None:
        self.acknowledgements = acknowledgements
        self.clock = clock

    async def record(self, kind: Kind, body: Mapping[str, Any]) -> Receipt:
        """Record the request `body` of `kind` under its trigger id, for the next 30 minutes."""
        trigger_id = body.get("trigger_id")
        if not isinstance(trigger_id, str) or not trigger_id:
            # Without Slack's own id a repeat cannot be told from a new request, and an id of Hearth's making
            # would name every repeat anew: such a request is worked on unrecorded, as before the log existed.
            log.info("a Slack %s without a trigger_id is handled without being recorded", kind)
            return Receipt(None)
        delivery = Delivery(SLACK, trigger_id)
        now = self.clock.now()
        if not await self.acknowledgements.record(delivery, {"kind": kind, "body": dict(body)}, at=now,
                                     answer_until=now + ANSWER_WINDOW):
            log.info("Slack sent %s %s again; it is handled once already", kind, trigger_id)
            return Receipt(delivery, repeat=True)
        return Receipt(delivery)

    async def deliver(self, delivery: Delivery | None, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` as the work of `delivery`, then forget the record: when the work completes and when it fails
        (a failure is not tried again; what it raises goes on to the caller). A cancelled work, cut short by a
        stop, keeps its record for the next start."""
        try:
            with delivering(delivery):
                await work()
        except Exception:
            await self._finish(delivery)
            raise
        await self._finish(delivery)

    async def _finish(self, delivery: Delivery | None) -> None:
        if delivery is not None:
            await self.acknowledgements.finish(delivery)
