"""A unit-of-work factory over the real one that counts the units it hands out: services promise one per request."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ports import Directory, UnitOfWork, UnitOfWorkFactory


@dataclass
class CountingUnits:
    """Units of work over the real ones, counted."""

    inner: UnitOfWorkFactory
    opened: int = 0

    @property
    def directory(self) -> Directory:
        return self.inner.directory

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        self.opened += 1
        return self.inner(read_only=read_only)
