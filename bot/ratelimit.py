"""A per-member token bucket, so one member (or a runaway script) cannot flood Hearth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.ports import Clock
from bot.refs import MemberRef


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: datetime


class RateLimiter:
    """Allows `capacity` interactions per `period` for each member, refilled evenly."""

    def __init__(self, clock: Clock, *, capacity: int, period: timedelta) -> None:
        if capacity < 1 or period <= timedelta(0):
            raise ValueError("capacity and period must be positive")
        self._clock = clock
        self._capacity = capacity
        self._rate = capacity / period.total_seconds()
        self._buckets: dict[MemberRef, _Bucket] = {}

    def take(self, member: MemberRef) -> timedelta | None:
        """Spend one token. Returns None when allowed, otherwise how long until the next token."""
        now = self._clock.now()
        bucket = self._buckets.get(member)
        if bucket is None:
            bucket = self._buckets[member] = _Bucket(float(self._capacity), now)
        elapsed = max((now - bucket.updated).total_seconds(), 0.0)
        bucket.tokens = min(float(self._capacity), bucket.tokens + elapsed * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return timedelta(seconds=(1.0 - bucket.tokens) / self._rate)
