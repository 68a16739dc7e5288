"""The unit of work: one session, one transaction, the repositories over it."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.meetings.ports import MeetingRepository
from bot.ports import CommunityRepository, MemberRepository, WorkspaceRepository
from storage.database import create_engine_for
from storage.meetings import SqlMeetingRepository
from storage.repositories import SqlCommunityRepository, SqlMemberRepository, SqlWorkspaceRepository

__all__ = ["Database", "SqlUnitOfWork", "SqlUnitOfWorkFactory"]

# As long as SQLite's busy timeout (storage/database.py): past it a unit gives up waiting for its turn.
WRITER_TURN_TIMEOUT = 15.0


class SqlUnitOfWork:
    """One transaction over the repositories: `commit` keeps the changes, leaving without it rolls back.

    Use one unit per task: a session must never be shared between concurrently running coroutines. On SQLite a
    unit holds the database's write lock from its first query until it commits, rolls back or ends, and other
    units wait for it: keep units short, and never open a second unit while one is open in the same task.
    """

    workspaces: WorkspaceRepository
    communities: CommunityRepository
    members: MemberRepository
    meetings: MeetingRepository

    def __init__(self, session: AsyncSession, writer_turn: asyncio.Lock | None = None,
                 turn_timeout: float = WRITER_TURN_TIMEOUT) -> None:
        # A session takes a connection only when first used, so creating it here holds nothing yet.
        self._session = session
        self._writer_turn = writer_turn
        self._turn_timeout = turn_timeout
        self._holding = False
        self.workspaces = SqlWorkspaceRepository(session)
        self.communities = SqlCommunityRepository(session)
        self.members = SqlMemberRepository(session)
        self.meetings = SqlMeetingRepository(session)

    async def __aenter__(self) -> Self:
        if self._writer_turn is not None:
            try:
                await asyncio.wait_for(self._writer_turn.acquire(), self._turn_timeout)
            except TimeoutError:
                # As SQLite's own busy timeout would: a unit opened inside another one in the same task waits for
                # itself, and this says so instead of hanging.
                raise TimeoutError(
                    f"waited {self._turn_timeout:g}s for the database: is a unit of work open in this task?"
                ) from None
            self._holding = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever was not committed and returns the connection to the pool.
        try:
            await self._session.close()
        finally:
            if self._holding and self._writer_turn is not None:
                self._holding = False
                self._writer_turn.release()

    async def commit(self) -> None:
        await self._session.commit()

    async def rollback(self) -> None:
        await self._session.rollback()


class SqlUnitOfWorkFactory:
    """Makes a new `SqlUnitOfWork`, with its own session, on every call."""

    def __init__(self, engine: AsyncEngine, *, turn_timeout: float = WRITER_TURN_TIMEOUT) -> None:
        # Objects handed out stay readable after commit without a trip to the database (no lazy IO in async).
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        # On SQLite every unit takes the one write lock at BEGIN. SQLite's own waiting (a busy handler that sleeps
        # and retries in steps up to 100 ms, in no order) made some units wait seconds behind newer ones; units of
        # this process take turns here instead, first come first served, and the next starts the moment one ends.
        self._writer_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._turn_timeout = turn_timeout

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions(), self._writer_turn, self._turn_timeout)


class Database:
    """The engine Hearth runs on and the units of work over it. Call `dispose` on shutdown."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.uow_factory = SqlUnitOfWorkFactory(engine)

    @classmethod
    def connect(cls, url: str, *, pool_size: int | None = None) -> Database:
        """A database for `DATABASE_URL` (see `create_engine_for`); connections open on first use."""
        return cls(create_engine_for(url, pool_size=pool_size))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
