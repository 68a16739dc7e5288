"""Rewrites of one post that come in storms (a poll's bars, a meeting's answers): only the newest waits its turn.

Every click on a poll rewrites its post with the new counts. A thousand members clicking at once would send a
thousand edits of one message: far past what a platform takes (Slack allows `chat.update` about 50 times a minute
per workspace; Discord limits edits per channel), so most would be refused, and the post could end showing counts
from the middle of the storm. `PostRewrites` sends one rewrite of a post at a time; those asked for while it is
being sent wait, and only the newest of them is sent next, the older ones dropped. The post's last edit is always
the newest one asked for, and a storm costs a few edits instead of one per click.
"""

from __future__ import annotations

import logging

from bot.messages import Message
from bot.ports import Messenger
from bot.refs import MessageRef

__all__ = ["PostRewrites"]

log = logging.getLogger(__name__)


class PostRewrites:
    """One rewrite of each post in flight at a time, and the newest one waiting behind it (see the module)."""

    def __init__(self) -> None:
        self._sending: set[MessageRef] = set()
        self._waiting: dict[MessageRef, tuple[Messenger, Message]] = {}
        self.sent = 0  # edits sent, for tests and benchmarks

    async def rewrite(self, messenger: Messenger, ref: MessageRef, message: Message) -> None:
        """Rewrite the post `ref` as `message`, now or (while another rewrite of it is being sent) right after,
        unless a newer one comes first. Raises nothing: a post that cannot be edited is logged and left."""
        if ref in self._sending:
            self._waiting[ref] = (messenger, message)  # replaces an older one still waiting
            return
        self._sending.add(ref)
        try:
            while True:
                try:
                    await messenger.update(ref, message)
                    self.sent += 1
                except Exception as error:  # an ephemeral copy cannot be edited everywhere; the answer said it
                    log.info("post %s was not rewritten: %s", ref.id, type(error).__name__)
                waiting = self._waiting.pop(ref, None)
                if waiting is None:
                    return
                messenger, message = waiting
        finally:
            self._sending.discard(ref)
