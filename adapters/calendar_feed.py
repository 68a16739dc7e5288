"""Calendar feeds over HTTP: `GET /calendar/{token}.ics` answers a community's meetings, or a member's, as iCalendar.

The token is the credential, so every refusal (a malformed token, an unknown one, a revoked one, a workspace that
removed Hearth) is the same empty 404: the answer never tells whether a token exists. A feed is cached privately
for five minutes and carries a weak ETag, so a calendar app that asks again with If-None-Match gets a 304 until
a meeting changes.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Sequence

from aiohttp import web

from bot.meetings.ics import member_calendar, series_calendar
from bot.meetings.model import Answer, Change, Meeting, Series, meeting_at
from bot.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.refs import MemberRef

__all__ = ["CACHE_CONTROL", "TOKEN", "CalendarFeedHandler"]

log = logging.getLogger("hearth.calendar")

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
CACHE_CONTROL = "private, max-age=300"
_SUFFIX = ".ics"


class CalendarFeedHandler:
    """Serves the calendar feeds; `build_web_app(calendar=...)` routes `/calendar/...` to `handle`."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    async def handle(self, request: web.Request) -> web.Response:
        """Answer `GET /calendar/{file}`: the calendar when `file` is a live feed's token followed by `.ics`, an
        empty 404 otherwise, a 304 when If-None-Match names the calendar's current ETag, and an empty 500 (logged)
        when the calendar cannot be read."""
        token = _token(request.match_info.get("file", ""))
        if token is None:
            return _not_found()
        try:
            body = await self.calendar(token)
        except Exception:
            log.exception("a calendar feed could not be served")
            return web.Response(status=500, headers={"Cache-Control": "no-store"})
        if body is None:
            return _not_found()
        etag = _etag(body)
        headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)

    async def calendar(self, token: str) -> bytes | None:
        """The iCalendar text of the live feed with this token, or None when there is none."""
        render = await self._read(token)
        return None if render is None else render(now=self._clock.now())

    async def _read(self, token: str) -> functools.partial[bytes] | None:
        # Read, then let the unit go before rendering: on SQLite an open unit holds the write lock.
        async with self._uow_factory() as uow:
            feed = await uow.meetings.feed(token)
            if feed is None or feed.revoked:
                return None
            workspace = await uow.workspaces.get_by_id(feed.workspace_id)
            if workspace is None or workspace.removed_at is not None:
                return None
            if feed.community_id is not None:
                community = await uow.communities.get(feed.workspace_id, feed.community_id)
                if community is None:
                    return None
                entries = await _series_with_changes(uow, feed.workspace_id, feed.community_id)
                return functools.partial(series_calendar, entries, name=community.name)
            if feed.member is not None:
                meetings = await _meetings_going(uow, feed.workspace_id, feed.member)
                return functools.partial(member_calendar, meetings, name=workspace.name)
        return None


async def _series_with_changes(uow: UnitOfWork, workspace_id: int,
                               community_id: int) -> list[tuple[Series, Sequence[Change]]]:
    return [(series, await uow.meetings.changes(workspace_id, series.id))
            for series in await uow.meetings.series_of(workspace_id, community_id)]


async def _meetings_going(uow: UnitOfWork, workspace_id: int, member: MemberRef) -> list[Meeting]:
    """The meetings the member said they attend, as they stand now (moved, cancelled)."""
    answers = await uow.meetings.going(workspace_id, member)
    known: dict[int, tuple[Series, list[Change]] | None] = {}
    meetings: list[Meeting] = []
    for (series_id, original), answer in sorted(answers.items()):
        if answer != Answer.GOING:
            continue
        if series_id not in known:
            series = await uow.meetings.get_series(workspace_id, series_id)
            known[series_id] = None if series is None else (series, await uow.meetings.changes(workspace_id, series_id))
        found = known[series_id]
        if found is not None and (meeting := meeting_at(*found, original)) is not None:
            meetings.append(meeting)
    return meetings


def _token(file: str) -> str | None:
    token = file.removesuffix(_SUFFIX)
    return token if token != file and TOKEN.fullmatch(token) else None


def _not_found() -> web.Response:
    return web.Response(status=404, headers={"Cache-Control": "no-store"})


def _etag(body: bytes) -> str:
    """A weak ETag of the calendar: DTSTAMP is the moment the feed was read, so it is left out of the hash and two
    readings of the same meetings share their ETag."""
    digest = hashlib.sha256()
    for line in body.split(b"\r\n"):
        if not line.startswith(b"DTSTAMP:"):
            digest.update(line + b"\n")
    return f'W/"{digest.hexdigest()[:32]}"'


def _matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header names `etag`, by the weak comparison RFC 9110 asks for there."""
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False
