"""What a request to `/slack/events` must be before Bolt reads it.

1. Signed by Slack: `X-Slack-Signature` is `v0=` and the HMAC-SHA256, keyed with the signing secret, of
   `v0:{X-Slack-Request-Timestamp}:{raw body}`, compared in constant time, and the timestamp is within five
   minutes of the clock. Checked on the raw bytes before anything parses them; anything else is answered 401 and
   logged at DEBUG only, since anyone on the internet can send it.
2. Shaped like what Slack sends: UTF-8, and a JSON object (an Events API envelope), or a form whose `payload`
   is a JSON object (interactivity), or a form (a slash command), with the fields Bolt and the listeners read
   (`adapters.slack.request_shapes`). A signed body that is not is answered 400 and logged once as a warning,
   without a traceback: Slack never sends one, so the signing secret may have leaked.

Only then does Bolt parse the body and dispatch it. The OAuth pages and the calendar feeds are not Slack-signed
and do not pass here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.request_shapes import shape_problem
from bot.ports import Clock

if TYPE_CHECKING:
    from slack_bolt.app.async_app import AsyncApp

log = logging.getLogger("hearth.slack")
REPLAY_WINDOW = timedelta(minutes=5)
_VERSION = "v0"


@dataclass(frozen=True, slots=True)
class SlackSignature:
    """Slack's v0 request signature, checked with the app's signing secret against `clock`."""

    secret: str
    clock: Clock

    def signs(self, timestamp: str | None, signature: str | None, body: bytes) -> bool:
        """Whether `signature` is Slack's for `body` sent at `timestamp` (a Unix time in seconds), and that time
        is within `REPLAY_WINDOW` of now. Never raises."""
        if not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit():
            return False
        if len(timestamp) > 12 or abs(self.clock.now().timestamp() - int(timestamp)) > REPLAY_WINDOW.total_seconds():
            return False
        base = f"{_VERSION}:{timestamp}:".encode() + body
        expected = f"{_VERSION}=" + hmac.new(self.secret.encode(), base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape"))


class NotFromSlack(ValueError):
    """A signed body that is not what Slack sends; `str()` says why, for the log."""


def read_slack_request(body: bytes, headers: Mapping[str, str], query: str) -> AsyncBoltRequest:
    """`body` as Bolt's request. Raises `NotFromSlack` when it is not UTF-8, not a JSON object (nor a form, nor a
    form whose `payload` is a JSON object), or a field Bolt or a listener reads is missing or of another type
    (`adapters.slack.request_shapes`)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotFromSlack("the body is not UTF-8") from None
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    parsed, interaction = _parsed(text, content_type)
    if not isinstance(parsed, dict):
        raise NotFromSlack(f"the body (or its payload) is a JSON {type(parsed).__name__}, not an object")
    problem = shape_problem(parsed, interaction=interaction)
    if problem is not None:
        raise NotFromSlack(f"its {problem} is missing or not what Slack sends there")
    request = AsyncBoltRequest(body=text, query=query, headers=dict(headers))
    if request.body != parsed:
        # Bolt reads any form with "payload" anywhere in it (a command's text, a channel's name) as an
        # interaction, finds no payload field and sees an empty body; Hearth reads the form.
        request.body = parsed
        request.context = build_async_context(AsyncBoltContext({}), parsed)
    return request


def _parsed(text: str, content_type: str) -> tuple[Any, bool]:
    """The body as JSON (an Events API envelope) or a form (a command), or a form's `payload` (an interaction),
    and whether it was that. Raises `NotFromSlack` for JSON that does not parse."""
    try:
        if content_type == "application/json" or text.startswith("{"):
            return json.loads(text), False
        form = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in form:
            return json.loads(form["payload"]), True
        return form, False
    except ValueError:
        raise NotFromSlack("the body (or its payload) is not JSON") from None


class SlackEdge:
    """The `/slack/events` handler: verifies and reads each request, then hands it to Bolt."""

    def __init__(self, app: AsyncApp, signature: SlackSignature) -> None:
        self.app = app
        self.signature = signature

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = request.headers
        if not self.signature.signs(headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature"),
                                    body):
            log.debug("a request to %s without Slack's valid signature; refused", request.path)
            return web.Response(status=401, text="")
        try:
            bolt_request = read_slack_request(body, headers, request.query_string)
        except NotFromSlack as why:
            log.warning("a signed request to %s is not what Slack sends (%s); refused", request.path, why)
            return web.Response(status=400, text="")
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))
