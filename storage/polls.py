"""The polls repository over an `AsyncSession`: polls, ballots and counts.

Ballots and counts are reached only through a poll of the given workspace, so no query crosses tenants. A ballot
is one row per (poll, voter), the primary key: inserting a second one for the same voter is impossible, and
`lock_ballots` holds the voters' rows (PostgreSQL: `FOR UPDATE`; SQLite: the unit's write lock) so that one voter's
answers change one at a time. Counts change by `count = count + n`. Ballots and counts are written with
statements built once (one compiled form, run for many rows at a time): a storm of votes spends its time in
SQLite, not in building SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Executable, Row, Select, bindparam, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Delete, Insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.polls.anonymity import read_ballot, write_ballot
from bot.polls.model import Poll, PollStatus, Question, QuestionKind, QuestionResults, Results, ResultsShown
from bot.polls.ports import CountKey, StoredBallot
from bot.refs import MemberRef
from storage.repositories import _rows, _workspace_ref
from storage.tables import PollBallotRow, PollCountRow, PollRow

__all__ = ["SqlPollRepository"]

_COUNTS = PollCountRow.__table__  # type: ignore[attr-defined]
_BALLOTS = PollBallotRow.__table__  # type: ignore[attr-defined]
_IN_MOST = 500  # voters named in one statement


class SqlPollRepository:
    """Implements `bot.polls.ports.PollRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # Polls this unit has seen in their workspace: a poll never changes workspace, so one check per unit.
        self._owned: set[tuple[int, int]] = set()

    def _dialect(self) -> str:
        return self._session.sync_session.get_bind().dialect.name

    def _insert(self) -> Any:
        return postgresql.insert if self._dialect() == "postgresql" else sqlite.insert

    # --- polls -----------------------------------------------------------------------------------------------

    async def add_poll(self, poll: Poll, at: datetime) -> Poll:
        row = PollRow(workspace_id=poll.workspace_id, community_id=poll.community_id, author_id=poll.author.id,
                      title=poll.title, questions=[_question_fields(q) for q in poll.questions],
                      anonymous=poll.anonymous, results_shown=poll.results.value, status=poll.status.value,
                      created_at=at, closes_at=poll.closes_at, closed_at=poll.closed_at, template=poll.template,
                      round_id=poll.round_id, round_at=poll.round_at,
                      remind_minutes=int(poll.remind_before.total_seconds() // 60)
                      if poll.remind_before is not None else None)
        self._session.add(row)
        await self._session.flush()
        found = await self._poll(row)
        assert found is not None
        return found

    async def get_poll(self, workspace_id: int, poll_id: int) -> Poll | None:
        row = await self._session.get(PollRow, poll_id)
        if row is None or row.workspace_id != workspace_id:
            return None
        self._owned.add((workspace_id, poll_id))
        return await self._poll(row)

    async def polls_of(self, workspace_id: int, community_id: int, *, limit: int) -> list[Poll]:
        statement = (
            select(PollRow)
            .where(PollRow.workspace_id == workspace_id, PollRow.community_id == community_id)
            .order_by(col(PollRow.status).desc(), col(PollRow.id).desc())  # "open" sorts after "closed"
            .limit(limit)
        )
        rows = (await self._session.exec(statement)).all()
        return [poll for row in rows if (poll := await self._poll(row)) is not None]

    async def open_in_workspace(self, workspace_id: int, *, limit: int) -> list[Poll]:
        statement = (
            select(PollRow)
            .where(PollRow.workspace_id == workspace_id, PollRow.status == PollStatus.OPEN.value)
            .order_by(col(PollRow.id).desc())
            .limit(limit)
        )
        rows = (await self._session.exec(statement)).all()
        return [poll for row in rows if (poll := await self._poll(row)) is not None]

    async def to_remind(self) -> list[Poll]:
        statement = select(PollRow).where(
            PollRow.status == PollStatus.OPEN.value, col(PollRow.closes_at).is_not(None),
            col(PollRow.remind_minutes).is_not(None),
        ).order_by(col(PollRow.id))
        rows = (await self._session.exec(statement)).all()
        return [poll for row in rows if (poll := await self._poll(row)) is not None]

    async def lock_poll(self, poll: Poll) -> Poll:
        statement = select(PollRow).where(PollRow.id == poll.id, PollRow.workspace_id == poll.workspace_id)
        row = (await self._session.exec(statement.with_for_update().execution_options(populate_existing=True))).one()
        found = await self._poll(row)
        assert found is not None
        return found

    async def update_questions(self, poll: Poll) -> None:
        await self._session.exec(update(PollRow).where(
            col(PollRow.id) == poll.id, col(PollRow.workspace_id) == poll.workspace_id,
        ).values(questions=[_question_fields(question) for question in poll.questions]))

    async def due_to_close(self, now: datetime) -> list[Poll]:
        statement = select(PollRow).where(
            PollRow.status == PollStatus.OPEN.value, col(PollRow.closes_at).is_not(None),
            col(PollRow.closes_at) <= now,
        ).order_by(col(PollRow.id))
        rows = (await self._session.exec(statement)).all()
        return [poll for row in rows if (poll := await self._poll(row)) is not None]

    async def close_poll(self, poll: Poll, kept: Results | None) -> None:
        values: dict[str, Any] = {"status": poll.status.value, "closed_at": poll.closed_at}
        if kept is not None:
            values["kept_results"] = _results_fields(kept)
        await self._session.exec(update(PollRow).where(
            col(PollRow.id) == poll.id, col(PollRow.workspace_id) == poll.workspace_id).values(**values))
        if kept is not None:
            # Only the results stay: nothing is left that links an answer to a voter, key or no key.
            await self._session.exec(delete(PollBallotRow).where(
                col(PollBallotRow.poll_id) == poll.id))
            await self._session.exec(delete(PollCountRow).where(
                col(PollCountRow.poll_id) == poll.id))

    async def kept_results(self, workspace_id: int, poll_id: int) -> Results | None:
        row = await self._session.get(PollRow, poll_id)
        if row is None or row.workspace_id != workspace_id or row.kept_results is None:
            return None
        questions = tuple(_question(fields) for fields in row.questions)
        return _results(questions, row.kept_results)

    # --- ballots and counts ----------------------------------------------------------------------------------

    async def ballot(self, workspace_id: int, poll_id: int, voter: str) -> StoredBallot | None:
        if not await self._owns(workspace_id, poll_id):
            return None
        row = await self._session.get(PollBallotRow, (poll_id, voter))
        return None if row is None else _ballot(row)

    async def lock_ballots(self, workspace_id: int, poll_id: int, voters: Sequence[str]) -> dict[str, StoredBallot]:
        if not await self._owns(workspace_id, poll_id):
            raise LookupError(f"no poll {poll_id} in workspace {workspace_id}")
        ordered = sorted(set(voters))
        if not ordered:
            return {}
        statements = _STATEMENTS[self._dialect()]
        if self._dialect() == "postgresql":
            # Placeholders first, so that there is a row to hold even before a voter's first answer. (On SQLite
            # the unit holds the database's write lock already.)
            await self._run(statements.placeholder, [{"poll_id": poll_id, "voter": voter} for voter in ordered])
        found: dict[str, StoredBallot] = {}
        for start in range(0, len(ordered), _IN_MOST):
            rows = await self._run(statements.lock, {"in_poll": poll_id, "in_voters": ordered[start:start + _IN_MOST]})
            for row in rows:
                stored = _ballot(row)
                if stored.ballot is not None or stored.sealed is not None:
                    found[stored.voter] = stored
        return found

    async def put_ballots(self, workspace_id: int, poll_id: int, stored: Sequence[StoredBallot], at: datetime) -> None:
        if not await self._owns(workspace_id, poll_id):
            raise LookupError(f"no poll {poll_id} in workspace {workspace_id}")
        if not stored:
            return
        await self._run(_STATEMENTS[self._dialect()].put, [{
            "poll_id": poll_id, "voter": ballot.voter, "member_id": ballot.member_id,
            "answers": write_ballot(ballot.ballot) if ballot.ballot is not None else None,
            "sealed": ballot.sealed,
            "updated_at": at if ballot.member_id is not None else None,  # an anonymous ballot keeps no time
        } for ballot in sorted(stored, key=lambda ballot: ballot.voter)])

    async def remove_ballots(self, workspace_id: int, poll_id: int, voters: Sequence[str]) -> None:
        if not voters or not await self._owns(workspace_id, poll_id):
            return
        await self._run(_STATEMENTS[self._dialect()].remove,
                        [{"in_poll": poll_id, "in_voter": voter} for voter in sorted(set(voters))])

    async def add_counts(self, workspace_id: int, poll_id: int, changes: Mapping[CountKey, int]) -> None:
        if not changes or not await self._owns(workspace_id, poll_id):
            return
        # In key order: concurrent votes lock the rows in the same order.
        await self._run(_STATEMENTS[self._dialect()].add_count, [
            {"poll_id": poll_id, "question": question, "choice": choice, "count": change}
            for (question, choice), change in sorted(changes.items())])

    async def counts(self, workspace_id: int, poll_id: int) -> dict[CountKey, int]:
        if not await self._owns(workspace_id, poll_id):
            return {}
        rows = await self._run(_STATEMENTS[self._dialect()].counts, {"in_poll": poll_id})
        return {(row.question, row.choice): row[2] for row in rows}  # row.count is a tuple's method

    async def ballots(self, workspace_id: int, poll_id: int) -> Sequence[StoredBallot]:
        if not await self._owns(workspace_id, poll_id):
            return []
        statement = select(PollBallotRow).where(PollBallotRow.poll_id == poll_id).order_by(col(PollBallotRow.voter))
        found = [_ballot(row) for row in (await self._session.exec(statement)).all()]
        return [stored for stored in found if stored.ballot is not None or stored.sealed is not None]

    # --- helpers ----------------------------------------------------------------------------------------------

    async def _run(self, statement: Executable,
                   parameters: dict[str, Any] | list[dict[str, Any]] | None = None) -> Sequence[Any]:
        return await _rows(self._session, statement, parameters)

    async def _owns(self, workspace_id: int, poll_id: int) -> bool:
        if (workspace_id, poll_id) in self._owned:
            return True
        statement = select(PollRow.id).where(PollRow.id == poll_id, PollRow.workspace_id == workspace_id)
        if (await self._session.exec(statement)).first() is None:
            return False
        self._owned.add((workspace_id, poll_id))
        return True

    async def _poll(self, row: PollRow) -> Poll | None:
        workspace = await _workspace_ref(self._session, row.workspace_id)
        if workspace is None:
            return None
        assert row.id is not None
        return Poll(
            id=row.id, workspace_id=row.workspace_id, community_id=row.community_id,
            author=MemberRef(workspace, row.author_id),
            questions=tuple(_question(fields) for fields in row.questions), title=row.title,
            anonymous=row.anonymous, results=ResultsShown(row.results_shown), status=PollStatus(row.status),
            created_at=row.created_at, closes_at=row.closes_at, closed_at=row.closed_at, template=row.template,
            round_id=row.round_id, round_at=row.round_at,
            remind_before=timedelta(minutes=row.remind_minutes) if row.remind_minutes is not None else None,
        )


def _question_fields(question: Question) -> dict[str, Any]:
    return {"kind": question.kind.value, "text": question.text, "options": list(question.options),
            "most": question.most, "scale": question.scale, "low": question.low, "high": question.high}


def _question(fields: Mapping[str, Any]) -> Question:
    return Question(kind=QuestionKind(fields["kind"]), text=str(fields["text"]),
                    options=tuple(str(option) for option in fields.get("options", ())), most=fields.get("most"),
                    scale=int(fields.get("scale", 5)), low=str(fields.get("low", "")),
                    high=str(fields.get("high", "")))


def _results_fields(results: Results) -> dict[str, Any]:
    return {"respondents": results.respondents, "questions": [
        {"answered": q.answered, "counts": list(q.counts), "texts": list(q.texts)} for q in results.questions]}


def _results(questions: tuple[Question, ...], fields: Mapping[str, Any]) -> Results:
    kept = list(fields.get("questions", ()))
    return Results(int(fields.get("respondents", 0)), tuple(
        QuestionResults(question, int(item.get("answered", 0)), tuple(int(n) for n in item.get("counts", ())),
                        tuple(str(text) for text in item.get("texts", ())))
        for question, item in zip(questions, kept, strict=False)
    ))


def _ballot(row: PollBallotRow | Row[Any]) -> StoredBallot:
    return StoredBallot(row.voter, member_id=row.member_id,
                        ballot=read_ballot(row.answers) if row.answers is not None else None, sealed=row.sealed)


@dataclass(frozen=True, slots=True)
class _Statements:
    """The ballot and count statements of one dialect, built once."""

    placeholder: Insert
    lock: Select[Any]
    put: Insert
    remove: Delete
    add_count: Insert
    counts: Select[Any]


def _statements(dialect: str) -> _Statements:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    ballot = _BALLOTS.c
    put = insert(_BALLOTS)
    put = put.on_conflict_do_update(index_elements=[ballot.poll_id, ballot.voter], set_={
        name: put.excluded[name] for name in ("member_id", "answers", "sealed", "updated_at")})
    lock = select(_BALLOTS).where(ballot.poll_id == bindparam("in_poll"),
                                  ballot.voter.in_(bindparam("in_voters", expanding=True))).order_by(ballot.voter)
    add_count = insert(_COUNTS)
    add_count = add_count.on_conflict_do_update(
        index_elements=[_COUNTS.c.poll_id, _COUNTS.c.question, _COUNTS.c.choice],
        set_={"count": _COUNTS.c.count + add_count.excluded.count})
    return _Statements(
        placeholder=insert(_BALLOTS).on_conflict_do_nothing(index_elements=[ballot.poll_id, ballot.voter]),
        lock=lock.with_for_update() if dialect == "postgresql" else lock,
        put=put,
        remove=delete(_BALLOTS).where(ballot.poll_id == bindparam("in_poll"), ballot.voter == bindparam("in_voter")),
        add_count=add_count,
        counts=select(_COUNTS.c.question, _COUNTS.c.choice, _COUNTS.c.count).where(
            _COUNTS.c.poll_id == bindparam("in_poll")),
    )


_STATEMENTS = {dialect: _statements(dialect) for dialect in ("sqlite", "postgresql")}
