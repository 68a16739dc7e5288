"""The turn of SQLite's one writer among the units of work of this process."""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["WriterTurn"]


class WriterTurn:
    """A lock handed on first come, first served, except that `urgent` waiters go before all others.

    Urgent is for one short statement someone is waiting on right now: the record of a command before Slack or
    Discord is told it arrived. Everything else (the work, the scheduler) keeps its arrival order behind them.
    The next waiter is handed the turn the moment it is released: nobody can slip in between.
    """

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def held(self) -> bool:
        return self._held

    async def acquire(self, *, urgent: bool = False) -> None:
        if not self._held and not self._urgent and not self._waiting:
            self._held = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line = self._urgent if urgent else self._waiting
        line.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed the turn just as the wait was given up: pass it on
            else:
                line.remove(turn)
            raise

    def release(self) -> None:
        for line in (self._urgent, self._waiting):
            while line:
                turn = line.popleft()
                if not turn.done():
                    turn.set_result(None)  # the turn passes on directly: `_held` stays True
                    return
        self._held = False
