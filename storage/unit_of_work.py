"""The unit of work: one session, one transaction, the repositories over it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from sqlalchemy import Engine, Executable, Result, event, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.acknowledgements import handled_deliveries
from bot.activity.ports import ActivityRepository
from bot.library.ports import LibraryRepository
from bot.meetings.ports import MeetingRepository
from bot.nudges.ports import NudgeRepository
from bot.polls.ports import PollRepository, PollTemplateRepository, RoundRepository
from bot.ports import CommunityRepository, MemberRepository, ReadOnlyUnit, WorkspaceRepository
from storage.acknowledged import mark_handled
from storage.activity import SqlActivityRepository
from storage.database import READ_ONLY, URGENT, create_loop_engine
from storage.directory import CHANNEL, DIRECTORY, READ_ONLY_UNIT, Changes, SqlDirectory
from storage.library import SqlLibraryRepository
from storage.meetings import SqlMeetingRepository
from storage.nudges import SqlNudgeRepository
from storage.poll_rounds import SqlPollTemplateRepository, SqlRoundRepository
from storage.polls import SqlPollRepository
from storage.repositories import SqlCommunityRepository, SqlMemberRepository, SqlWorkspaceRepository
from storage.writer_turn import WriterTurn

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]

# As long as SQLite's busy timeout (storage/database.py): past it a unit gives up waiting for its turn.
WRITER_TURN_TIMEOUT = 15.0
_P = ParamSpec("_P")
_T = TypeVar("_T")
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :payload)")


class _ReadOnlySession(Session):
    """A session that refuses every insert, update and delete before it reaches the database."""


@event.listens_for(_ReadOnlySession, "do_orm_execute")
def _refuse_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyUnit(f"a read-only unit of work was asked to run {state.statement.__class__.__name__}")


@event.listens_for(_ReadOnlySession, "before_flush")
def _refuse_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyUnit("a read-only unit of work was asked to store rows")


class _LoopReadSession(AsyncSession):
    """The session of a read-only unit on SQLite's loop engine (`storage.database.create_loop_engine`): nothing it
    runs ever waits (its `BEGIN` takes no lock, the driver is synchronous), so `run_sync` and `close` call the
    synchronous session straight away instead of switching into a greenlet for it, as every `AsyncSession` call
    otherwise does: most of what a fast read costs beside SQLite's own microseconds."""

    async def run_sync(self, fn: Callable[Concatenate[Session, _P], _T], *arg: _P.args, **kw: _P.kwargs) -> _T:
        return fn(self.sync_session, *arg, **kw)

    async def close(self) -> None:
        self.sync_session.close()


class SqlUnitOfWork:
    """One transaction over the repositories: `commit` keeps the changes, leaving without it rolls back.

    Use one unit per task: a session must never be shared between concurrently running coroutines. On SQLite a
    unit that may write holds the database's write lock from its first query until it commits, rolls back or
    ends, and other such units wait for it: keep units short, and never open a second unit while one is open in
    the same task. A read-only unit waits for nobody.
    """

    workspaces: WorkspaceRepository
    communities: CommunityRepository
    members: MemberRepository
    meetings: MeetingRepository
    polls: PollRepository
    poll_templates: PollTemplateRepository
    poll_rounds: RoundRepository
    library: LibraryRepository
    activity: ActivityRepository
    nudges: NudgeRepository

    def __init__(self, session: AsyncSession, writer_turn: WriterTurn | None = None,
                 turn_timeout: float = WRITER_TURN_TIMEOUT, directory: SqlDirectory | None = None, *,
                 urgent: bool = False, marks_deliveries: bool = True) -> None:
        # A session takes a connection only when first used, so creating it here holds nothing yet.
        self._session = session
        self._writer_turn = writer_turn
        self._urgent = urgent
        self._marks_deliveries = marks_deliveries
        self._turn_timeout = turn_timeout
        self._holding = False
        self._directory = directory
        # Directory keys (storage/directory.py) this unit's writes changed, dropped from the cache at commit.
        self._changed: Changes = {}
        self.workspaces = SqlWorkspaceRepository(session, self._changed)
        self.communities = SqlCommunityRepository(session, self._changed)
        self.members = SqlMemberRepository(session, self._changed)
        self.meetings = SqlMeetingRepository(session)
        self.polls = SqlPollRepository(session)
        self.poll_templates = SqlPollTemplateRepository(session)
        self.poll_rounds = SqlRoundRepository(session, self.polls)
        self.library = SqlLibraryRepository(session)
        self.activity = SqlActivityRepository(session)
        self.nudges = SqlNudgeRepository(session)

    async def __aenter__(self) -> Self:
        if self._writer_turn is not None:
            try:
                await asyncio.wait_for(self._writer_turn.acquire(urgent=self._urgent), self._turn_timeout)
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
        deliveries = handled_deliveries() if self._marks_deliveries else ()
        if deliveries and not self._session.info.get(READ_ONLY_UNIT):
            # In the same transaction as the work's own writes: after a restart, the work is done again exactly
            # when it did not commit (bot/acknowledgements.py).
            await self._session.exec(mark_handled(deliveries))
        directory = self._directory
        if not self._changed or directory is None:
            await self._session.commit()
            return
        generation = directory.generation
        payload = directory.notification(sorted(self._changed))
        if payload is not None:
            # In the transaction: the other processes hear of the change exactly when it is committed.
            await self._session.exec(_NOTIFY, params={"payload": payload})  # type: ignore[call-overload]
        await self._session.commit()
        changed = dict(self._changed)
        self._changed.clear()
        directory.settle(changed, generation)

    async def rollback(self) -> None:
        await self._session.rollback()

    async def run(self, statement: Executable) -> Result[Any]:
        """Run one of storage's own statements in this unit's transaction (storage/acknowledged.py)."""
        return await self._session.run_sync(lambda sync: sync.connection().execute(statement))


class SqlUnitOfWorkFactory:
    """Makes a new `SqlUnitOfWork`, with its own session, on every call; `directory` resolves without one.

    On SQLite the sessions run on a synchronous engine on the event loop (`storage.database.create_loop_engine`):
    no thread hand-off per statement. On PostgreSQL they use the asynchronous driver.
    """

    def __init__(self, engine: AsyncEngine, *, turn_timeout: float = WRITER_TURN_TIMEOUT,
                 directory_size: int | None = None) -> None:
        self._engine = engine
        self._loop_engine: Engine | None = create_loop_engine(engine)
        self._read_only_bind: Engine | AsyncEngine
        if self._loop_engine is not None:
            self._read_only_bind = self._loop_engine.execution_options(**{READ_ONLY: True})
            self._urgent_bind = self._loop_engine.execution_options(**{URGENT: True})
        else:
            self._read_only_bind = engine
        # On SQLite every unit that may write takes the one write lock at BEGIN. SQLite's own waiting (a busy
        # handler that sleeps and retries in steps up to 100 ms, in no order) made some units wait seconds behind
        # newer ones; units of this process take turns here instead, first come first served, and the next starts
        # the moment one ends.
        self._writer_turn = WriterTurn() if engine.dialect.name == "sqlite" else None
        self._turn_timeout = turn_timeout
        size = {} if directory_size is None else {"size": directory_size}
        self.directory = SqlDirectory(engine, lambda: self(read_only=True), **size)
        event.listen(engine.sync_engine, "engine_disposed", lambda _engine: self.directory.close())

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        if read_only:
            session = self._session(self._read_only_bind, _ReadOnlySession, direct=self._loop_engine is not None)
            session.info[READ_ONLY_UNIT] = True
            return SqlUnitOfWork(session, None, self._turn_timeout, self.directory)
        session = self._session(self._loop_engine or self._engine, Session)
        return SqlUnitOfWork(session, self._writer_turn, self._turn_timeout, self.directory)

    def storage_unit(self, *, urgent: bool = False) -> SqlUnitOfWork:
        """A unit for storage's own bookkeeping statements (`SqlUnitOfWork.run`): it takes the writer's turn like
        any unit (before all others when `urgent`, and then trying for SQLite's lock more often) and never marks a
        delivery handled."""
        bind: Engine | AsyncEngine = self._engine
        if self._loop_engine is not None:
            bind = self._urgent_bind if urgent else self._loop_engine
        session = self._session(bind, Session)
        return SqlUnitOfWork(session, self._writer_turn, self._turn_timeout, None, urgent=urgent,
                             marks_deliveries=False)

    def _session(self, bind: Engine | AsyncEngine, kind: type[Session], *, direct: bool = False) -> AsyncSession:
        # Objects handed out stay readable after commit without a trip to the database (no lazy IO in async).
        if isinstance(bind, AsyncEngine):
            session = AsyncSession(bind, sync_session_class=kind, expire_on_commit=False)
        else:
            # An AsyncSession over a synchronous engine: each call runs its statements straight away, on the loop.
            # A read-only one (`direct`) without the greenlet: nothing on it waits (`_LoopReadSession`).
            session = (_LoopReadSession if direct else AsyncSession)(sync_session_class=kind, expire_on_commit=False)
            session.sync_session.bind = bind
        # The repositories read workspace references the directory already holds instead of querying them.
        session.info[DIRECTORY] = self.directory
        return session
