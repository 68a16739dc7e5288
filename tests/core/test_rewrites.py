"""Rewrites of one post: one in flight at a time, only the newest waiting one sent after it, failures logged."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.messages import Message
from bot.refs import ChannelRef, MessageRef, Platform, WorkspaceRef
from bot.rewrites import PostRewrites

CHANNEL = ChannelRef(WorkspaceRef(Platform.CONSOLE, "w"), "general")
POST, OTHER = MessageRef(CHANNEL, "m1"), MessageRef(CHANNEL, "m2")


class SlowMessenger:
    """Edits that take their time (until `gate` opens), recorded in the order they were sent."""

    def __init__(self) -> None:
        self.edits: list[tuple[str, str]] = []
        self.gate = asyncio.Event()
        self.fail = False

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self.gate.wait()
        if self.fail:
            raise OSError("the platform refused")
        self.edits.append((ref.id, repr(message)))


def text(n: int) -> Message:
    return Message.text(f"count {n}")


async def test_while_one_rewrite_is_sent_only_the_newest_waiting_one_follows() -> None:
    messenger, rewrites = SlowMessenger(), PostRewrites()
    first = asyncio.ensure_future(rewrites.rewrite(messenger, POST, text(1)))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    for n in range(2, 6):
        await rewrites.rewrite(messenger, POST, text(n))  # type: ignore[arg-type]  # returns at once: waiting
    other = asyncio.ensure_future(rewrites.rewrite(messenger, OTHER, text(9)))  # type: ignore[arg-type]
    messenger.gate.set()
    await asyncio.gather(first, other)
    sent = messenger.edits
    assert [ref for ref, _shown in sent if ref == "m1"] == ["m1", "m1"]  # the first, then the newest only
    assert "count 5" in [shown for ref, shown in sent if ref == "m1"][-1]
    assert not any("count 2" in shown or "count 3" in shown for _ref, shown in sent)
    assert ("m2" in [ref for ref, _shown in sent]) and rewrites.sent == 3


async def test_a_post_that_cannot_be_edited_is_logged_and_nothing_raises(caplog: pytest.LogCaptureFixture) -> None:
    messenger, rewrites = SlowMessenger(), PostRewrites()
    messenger.gate.set()
    messenger.fail = True
    with caplog.at_level(logging.INFO, logger="bot.rewrites"):
        await rewrites.rewrite(messenger, POST, text(1))  # type: ignore[arg-type]
    assert rewrites.sent == 0 and "was not rewritten: OSError" in caplog.text
    messenger.fail = False
    await rewrites.rewrite(messenger, POST, text(2))  # type: ignore[arg-type]  # the next one goes through
    assert rewrites.sent == 1
