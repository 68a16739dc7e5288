"""Communities' own survey templates and polls asked again and again (rounds), over an `AsyncSession`.

Every query names the workspace (and the community where it reads a community's things), so none crosses tenants.
A round's rhythm is stored as the RFC 5545 text it reads back from; its questions as the poll's JSON.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.polls.model import Poll, ResultsShown, Round
from bot.polls.templates import Template, TemplateQuestion
from bot.recurrence import Recurrence
from bot.refs import MemberRef
from bot.time_zones import UTC_NAME
from storage.polls import SqlPollRepository, _question, _question_fields
from storage.repositories import _workspace_ref
from storage.tables import PollRoundRow, PollRow, PollTemplateRow

__all__ = ["SqlPollTemplateRepository", "SqlRoundRepository"]


class SqlPollTemplateRepository:
    """Implements `bot.polls.ports.PollTemplateRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put_template(self, workspace_id: int, community_id: int, template: Template, at: datetime) -> bool:
        values: dict[str, Any] = {
            "title": str(template.title), "about": str(template.about), "anonymous": template.anonymous,
            "results_shown": template.results.value, "spec": template.spec, "author_id": template.author_id,
            "questions": [_question_fields(question.written(str)) for question in template.questions]}
        found = (await self._session.exec(self._named(workspace_id, community_id, template.name))).first()
        if found is not None:
            for name, value in values.items():
                setattr(found, name, value)
            found.created_at = at
            self._session.add(found)
            await self._session.flush()
            return True
        self._session.add(PollTemplateRow(workspace_id=workspace_id, community_id=community_id, name=template.name,
                                          created_at=at, **values))
        await self._session.flush()
        return False

    async def template(self, workspace_id: int, community_id: int, name: str) -> Template | None:
        row = (await self._session.exec(self._named(workspace_id, community_id, name))).first()
        return None if row is None else _template(row)

    async def templates_of(self, workspace_id: int, community_id: int) -> list[Template]:
        statement = select(PollTemplateRow).where(
            PollTemplateRow.workspace_id == workspace_id, PollTemplateRow.community_id == community_id,
        ).order_by(col(PollTemplateRow.name))
        return [_template(row) for row in (await self._session.exec(statement)).all()]

    async def remove_template(self, workspace_id: int, community_id: int, name: str) -> bool:
        result = await self._session.exec(delete(PollTemplateRow).where(
            col(PollTemplateRow.workspace_id) == workspace_id, col(PollTemplateRow.community_id) == community_id,
            col(PollTemplateRow.name) == name))
        return bool(result.rowcount)

    @staticmethod
    def _named(workspace_id: int, community_id: int, name: str):  # type: ignore[no-untyped-def]
        return select(PollTemplateRow).where(
            PollTemplateRow.workspace_id == workspace_id, PollTemplateRow.community_id == community_id,
            PollTemplateRow.name == name)


def _template(row: PollTemplateRow) -> Template:
    questions = tuple(_question(fields) for fields in row.questions)
    return Template(row.name, row.title, tuple(
        TemplateQuestion(q.kind, q.text, q.options, most=q.most, scale=q.scale, low=q.low, high=q.high)
        for q in questions), about=row.about, anonymous=row.anonymous, results=ResultsShown(row.results_shown),
        author_id=row.author_id, spec=row.spec)


class SqlRoundRepository:
    """Implements `bot.polls.ports.RoundRepository`."""

    def __init__(self, session: AsyncSession, polls: SqlPollRepository) -> None:
        self._session = session
        self._polls = polls

    async def add_round(self, round_: Round, at: datetime) -> Round:
        row = PollRoundRow(
            workspace_id=round_.workspace_id, community_id=round_.community_id, author_id=round_.author.id,
            title=round_.title, questions=[_question_fields(question) for question in round_.questions],
            template=round_.template, anonymous=round_.anonymous, results_shown=round_.results.value,
            recurrence=round_.recurrence.to_rfc5545() if round_.recurrence is not None else None,
            series_id=round_.series_id, direct=round_.direct,
            closes_minutes=_minutes(round_.closes_after), active=round_.active, created_at=at)
        self._session.add(row)
        await self._session.flush()
        found = await self._round(row)
        assert found is not None
        return found

    async def get_round(self, workspace_id: int, round_id: int) -> Round | None:
        row = await self._session.get(PollRoundRow, round_id)
        if row is None or row.workspace_id != workspace_id:
            return None
        return await self._round(row)

    async def rounds_of(self, workspace_id: int, community_id: int) -> list[Round]:
        statement = select(PollRoundRow).where(
            PollRoundRow.workspace_id == workspace_id, PollRoundRow.community_id == community_id,
        ).order_by(col(PollRoundRow.active).desc(), col(PollRoundRow.id).desc())
        rows = (await self._session.exec(statement)).all()
        return [found for row in rows if (found := await self._round(row)) is not None]

    async def round_of_series(self, workspace_id: int, series_id: int) -> Round | None:
        statement = select(PollRoundRow).where(
            PollRoundRow.workspace_id == workspace_id, PollRoundRow.series_id == series_id,
            col(PollRoundRow.active).is_(True),
        ).order_by(col(PollRoundRow.id).desc())
        row = (await self._session.exec(statement)).first()
        return None if row is None else await self._round(row)

    async def scheduled_rounds(self) -> list[Round]:
        statement = select(PollRoundRow).where(
            col(PollRoundRow.active).is_(True), col(PollRoundRow.recurrence).is_not(None),
        ).order_by(col(PollRoundRow.id))
        rows = (await self._session.exec(statement)).all()
        return [found for row in rows if (found := await self._round(row)) is not None]

    async def set_active(self, round_: Round, active: bool) -> None:
        await self._session.exec(update(PollRoundRow).where(
            col(PollRoundRow.id) == round_.id, col(PollRoundRow.workspace_id) == round_.workspace_id,
        ).values(active=active))

    async def round_poll(self, workspace_id: int, round_id: int, at: datetime) -> Poll | None:
        statement = select(PollRow).where(PollRow.workspace_id == workspace_id, PollRow.round_id == round_id,
                                          PollRow.round_at == at)
        row = (await self._session.exec(statement)).first()
        return None if row is None else await self._polls.get_poll(workspace_id, row.id or 0)

    async def round_polls(self, workspace_id: int, round_id: int) -> list[Poll]:
        statement = select(PollRow.id).where(PollRow.workspace_id == workspace_id, PollRow.round_id == round_id,
                                             ).order_by(col(PollRow.round_at), col(PollRow.id))
        polls = [await self._polls.get_poll(workspace_id, poll_id) for poll_id in
                 (await self._session.exec(statement)).all() if poll_id is not None]
        return [poll for poll in polls if poll is not None]

    async def _round(self, row: PollRoundRow) -> Round | None:
        workspace = await _workspace_ref(self._session, row.workspace_id)
        if workspace is None:
            return None
        assert row.id is not None
        return Round(
            id=row.id, workspace_id=row.workspace_id, community_id=row.community_id,
            author=MemberRef(workspace, row.author_id), title=row.title,
            questions=tuple(_question(fields) for fields in row.questions), template=row.template,
            anonymous=row.anonymous, results=ResultsShown(row.results_shown),
            recurrence=Recurrence.from_rfc5545(row.recurrence, unknown_zone_as=UTC_NAME)
            if row.recurrence is not None else None,
            series_id=row.series_id, direct=row.direct,
            closes_after=timedelta(minutes=row.closes_minutes) if row.closes_minutes is not None else None,
            active=row.active, created_at=row.created_at,
        )


def _minutes(length: timedelta | None) -> int | None:
    return None if length is None else int(length.total_seconds() // 60)
