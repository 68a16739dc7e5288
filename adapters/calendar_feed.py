"""Calendar feeds over HTTP: `GET /calendar/{token}.ics` answers a community's meetings, or a member's, as iCalendar.

The token is the credential, so every refusal (a malformed token, an unknown one, a revoked one, a workspace that
removed Hearth) is the same empty 404: the answer never tells whether a token exists, and the log names a feed only
by the fingerprint of its token (`adapters.log_redaction.fingerprint`). A feed is cached privately
for five minutes and carries a weak ETag, so a calendar app that asks again with If-None-Match gets a 304 until
a meeting changes.
"""

from __future__ import annotations

import hashlib
import logging
import re

from aiohttp import web

from adapters.log_redaction import fingerprint
from bot.meetings.service import MeetingService

__all__ = ["CACHE_CONTROL", "TOKEN", "CalendarFeedHandler"]

log = logging.getLogger("hearth.calendar")

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
CACHE_CONTROL = "private, max-age=300"
_SUFFIX = ".ics"


class CalendarFeedHandler:
    """Serves the calendar feeds; `build_web_app(calendar=...)` routes `/calendar/...` to `handle`."""

    def __init__(self, meetings: MeetingService) -> None:
        self._meetings = meetings

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
            # The token is the credential: the log names the feed by its fingerprint only.
            log.exception("the calendar feed %s could not be served", fingerprint(token))
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
        return await self._meetings.feed_calendar(token)


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
