"""How responsive the event loop stayed during a benchmark: the longest it ran something else without a break,
and Python's full garbage collections (they stop everything while they walk the whole heap)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


@dataclass
class LoopWatch:
    """Collects loop lags (how late a 10 ms sleep wakes up) and full collections while `watching`."""

    lags: list[float] = field(default_factory=list)
    full_collections: list[float] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        running = True

        async def probe() -> None:
            while running:
                before = loop.time()
                await asyncio.sleep(0.01)
                self.lags.append(max(0.0, loop.time() - before - 0.01))

        started: list[float] = []

        def collection(stage: str, info: dict[str, int]) -> None:
            if info["generation"] != 2:
                return
            if stage == "start":
                started[:] = [time.perf_counter()]
            elif started:
                self.full_collections.append(time.perf_counter() - started[0])

        gc.callbacks.append(collection)
        probing = asyncio.create_task(probe())
        try:
            yield
        finally:
            running = False
            gc.callbacks.remove(collection)
            await probing
