"""A fake Discord on 127.0.0.1: the REST API (v10) and the gateway WebSocket, for tests that drive a real
discord.py `Client` (or `AutoShardedClient`) end to end.

    async with FakeDiscord() as fake:
        client = discord.Client(intents=intents, guild_ready_timeout=0.5)
        task = asyncio.create_task(client.start("fake-token"))
        await fake.wait_until_ready()
        await fake.dispatch("MESSAGE_CREATE", fake.message_payload(content=""))

Entering the fake points discord.py at it for the whole process: `discord.http.Route.BASE` (every REST call,
interaction webhooks included) and `DiscordWebSocket.DEFAULT_GATEWAY` (a plain `Client` and an
`AutoShardedClient` with a fixed `shard_count` connect there without asking `GET /gateway/bot`). Both are
restored on exit; every test uses its own fake.

Every REST call is recorded as a `Call` and answered the way Discord answers, errors included: 404 with
`{"code": 0, "message": "404: Not Found"}` for unknown routes, 10003/10008 for unknown channels and messages,
403 with code 50007 when a DM goes to a user in `closed_dms`. `fail_next` scripts a failure: a 429 carries
`Retry-After`, `X-RateLimit-Scope` and a `Via` header, so discord.py retries it like a real rate limit.

The gateway sends plain JSON text frames (discord.py decompresses only binary frames, so the `compress`
query it asks for is accepted and ignored): HELLO on connect, HEARTBEAT_ACK for every HEARTBEAT, and for
an IDENTIFY a READY plus one GUILD_CREATE per guild of that shard (`(guild_id >> 22) % shard_count`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import yarl
from aiohttp import BodyPartReader, WSMsgType, web
from discord import http as discord_http
from discord.gateway import DiscordWebSocket

JSON = dict[str, Any]
Handler = Callable[["Call", "re.Match[str]"], "Reply"]

DISCORD_EPOCH_MS = 1_420_070_400_000
HEARTBEAT_INTERVAL_MS = 41_250
EPHEMERAL = 1 << 6
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # server members, presences, message content
MESSAGE_CONTENT = 1 << 15
# The @everyone permissions of a new guild (view channels, send messages, read history, embed links…).
EVERYONE_PERMISSIONS = "1071698660929"


@dataclass(frozen=True, slots=True)
class Call:
    """One REST request as the fake received it: `path` is below `/api/v10` (no query), `json` the decoded
    body (a multipart upload's `payload_json`) or None, `query` the query string, `headers` with lower-case
    names, `at` from `time.monotonic()`."""

    method: str
    path: str
    json: Any
    headers: Mapping[str, str]
    at: float
    query: Mapping[str, str] = field(default_factory=dict)
    files: tuple[tuple[str, bytes], ...] = ()  # (filename, content) of a multipart upload's files


@dataclass(slots=True)
class Failure:
    """A scripted answer for the next `times` calls matching `method` and `pattern`."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: JSON | None
    retry_after: float | None
    times: int


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class DiscordError(Exception):
    """Answered as `{"code": code, "message": message}` with HTTP `status`."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(slots=True)
class _Gateway:
    """One gateway connection: its socket, the shard it identified as and its sequence numbers."""

    socket: web.WebSocketResponse
    shard: tuple[int, int] | None = None
    ready: bool = False
    sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def owns(self, guild_id: int) -> bool:
        if self.shard is None:
            return True
        shard_id, shard_count = self.shard
        return (guild_id >> 22) % shard_count == shard_id


class FakeDiscord:
    """A fake Discord REST API and gateway; use `async with` (or `start`/`stop`)."""

    guild_name = "Hearth Test"
    channel_name = "general"
    bot_name = "Hearth"

    def __init__(self) -> None:
        self._snowflakes = itertools.count(1)
        self.application_id = self.snowflake()
        self.bot_user_id = self.application_id
        self.owner_id = self.snowflake()
        self.guild_id = self.snowflake()
        self.channel_id = self.snowflake()
        self.calls: list[Call] = []
        self.identifies: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.closed_dms: set[str] = set()
        self.privileged_intents = True  # False: an IDENTIFY asking for one is closed with 4014, as Discord does
        self.commands: dict[str | None, list[JSON]] = {}  # by guild id; None for global commands
        self.messages: dict[str, JSON] = {}  # by message id
        self.channels: dict[str, JSON] = {self.channel_id: self._text_channel()}
        # The guild's members (member payloads), as GET /guilds/{id}/members lists them; the bot is one of them.
        self.guild_members: list[JSON] = []
        self.dm_recipients: dict[str, str] = {}  # DM channel id → user id
        self.interactions: dict[str, JSON] = {}  # by id: the payloads `interaction_payload` built
        self.interaction_responses: dict[str, JSON] = {}  # interaction token → original response message
        self.scheduled_events: dict[str, JSON] = {}  # by id
        self._failures: list[Failure] = []
        self._gateways: list[_Gateway] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._saved: tuple[str, yarl.URL] | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = self._route_table()

    # --- lifecycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1 and point discord.py at it."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._saved = (discord_http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        discord_http.Route.BASE = self.base_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    async def stop(self) -> None:
        """Close every gateway connection and the server; give discord.py its real addresses back."""
        for gateway in list(self._gateways):
            await gateway.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._saved is not None:
            discord_http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- what tests look at and script ---------------------------------------------------------------------

    def snowflake(self) -> str:
        """A new id, increasing, shaped like Discord's (milliseconds since 2015 above 22 bits of counter)."""
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((millis << 22) | (next(self._snowflakes) & 0x3FFFFF))

    def calls_to(self, method: str, path_pattern: str) -> list[Call]:
        """The calls with `method` whose path fully matches the regex `path_pattern`, in order."""
        pattern = re.compile(path_pattern)
        return [call for call in self.calls if call.method == method and pattern.fullmatch(call.path)]

    async def wait_for(
        self,
        method: str,
        path_pattern: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Call]:
        """The matching calls once there are at least `count`; `TimeoutError` after `timeout` seconds."""
        await self._wait(
            lambda: len(self.calls_to(method, path_pattern)) >= count,
            timeout,
            f"{count} call(s) to {method} {path_pattern}",
        )
        return self.calls_to(method, path_pattern)

    def fail_next(
        self,
        method: str,
        path_pattern: str,
        *,
        status: int,
        json: JSON | None = None,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching calls with `status` instead of running them.

        A 429 answers `{"retry_after": x, "global": false, "message": "You are being rate limited."}` (unless
        `json` is given) with `Retry-After`, `X-RateLimit-Scope: user` and `Via: 1.1 google`; other statuses
        answer `json` or `{"code": 0, "message": "<status>"}`.
        """
        failure = Failure(method, re.compile(path_pattern), status, json, retry_after, times)
        self._failures.append(failure)

    async def wait_until_ready(self, timeout: float = 5.0, connections: int = 1) -> None:  # noqa: ASYNC109
        """Wait until `connections` gateway connections have identified and been sent READY and their guilds."""
        await self._wait(
            lambda: sum(gateway.ready for gateway in self._gateways) >= connections,
            timeout,
            f"{connections} ready gateway connection(s)",
        )

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send a DISPATCH (op 0) with the next sequence number on the open connection owning `data`'s guild
        (the first ready connection when `data` names no guild)."""
        guild = data.get("guild_id")
        candidates = [gateway for gateway in self._gateways if gateway.ready]
        if guild is not None:
            candidates = [gateway for gateway in candidates if gateway.owns(int(guild))]
        if not candidates:
            raise RuntimeError(f"FakeDiscord has no ready gateway connection for {event}")
        await self._send_dispatch(candidates[0], event, data)

    # --- payloads tests may build on ---------------------------------------------------------------------

    def user_payload(self, user_id: str | None = None, name: str = "member", *, bot: bool = False) -> JSON:
        return {
            "id": user_id or self.owner_id,
            "username": name,
            "discriminator": "0",
            "global_name": name.title(),
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
        }

    def bot_user(self) -> JSON:
        return {
            **self.user_payload(self.bot_user_id, self.bot_name.lower(), bot=True),
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
        }

    def member_payload(self, user: JSON | None = None, *, permissions: str | None = None) -> JSON:
        member: JSON = {
            "user": user or self.user_payload(),
            "roles": [],
            "joined_at": _now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            member["permissions"] = permissions
        return member

    def message_payload(
        self,
        content: str = "",
        *,
        author: JSON | None = None,
        channel_id: str | None = None,
        guild: bool = True,
        **extra: Any,
    ) -> JSON:
        """A MESSAGE_CREATE from `author` (the guild owner by default) in the guild's text channel; `guild=False`
        leaves out `guild_id` and `member`."""
        author = author or self.user_payload()
        message = self._message(channel_id or self.channel_id, author, {"content": content, **extra})
        if guild:
            message["guild_id"] = self.guild_id
            member = self.member_payload(author)
            del member["user"]
            message["member"] = member
        return message

    def interaction_payload(
        self,
        name: str = "hearth",
        *,
        options: list[JSON] | None = None,
        user: JSON | None = None,
        interaction_type: int = 2,
        data: JSON | None = None,
    ) -> JSON:
        """An INTERACTION_CREATE in the guild's text channel: by default a chat-input command `name`."""
        interaction_id = self.snowflake()
        payload: JSON = {
            "id": interaction_id,
            "application_id": self.application_id,
            "type": interaction_type,
            "data": data
            if data is not None
            else {"id": self.snowflake(), "name": name, "type": 1, "options": options or []},
            "guild_id": self.guild_id,
            "guild": {"id": self.guild_id, "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "channel_id": self.channel_id,
            "channel": self.channels[self.channel_id],
            "member": self.member_payload(user, permissions=EVERYONE_PERMISSIONS),
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "app_permissions": EVERYONE_PERMISSIONS,
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        self.interactions[interaction_id] = payload
        return payload

    def guild_payload(self) -> JSON:
        """The GUILD_CREATE for the fake's one guild: an @everyone role, one text channel, no members."""
        return {
            "id": self.guild_id,
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": self.owner_id,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": self.channel_id,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "roles": [
                {
                    "id": self.guild_id,
                    "name": "@everyone",
                    "permissions": EVERYONE_PERMISSIONS,
                    "position": 0,
                    "color": 0,
                    "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "icon": None,
                    "unicode_emoji": None,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "channels": [{k: v for k, v in self.channels[self.channel_id].items() if k != "guild_id"}],
            "threads": [],
            "members": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "member_count": 2,
            "large": False,
            "unavailable": False,
            "lazy": True,
            "joined_at": _now(),
            "application_id": None,
        }

    # --- gateway -----------------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        gateway = _Gateway(socket)
        self._gateways.append(gateway)
        try:
            await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self._gateway_message(gateway, json.loads(message.data))
        finally:
            self._gateways.remove(gateway)
        return socket

    async def _gateway_message(self, gateway: _Gateway, payload: JSON) -> None:
        op = payload.get("op")
        if op == 1:
            self.heartbeats += 1
            await gateway.socket.send_str(json.dumps({"op": 11}))
        elif op == 2:
            await self._identify(gateway, payload["d"])

    async def _identify(self, gateway: _Gateway, identify: JSON) -> None:
        if not self.privileged_intents and int(identify.get("intents", 0)) & PRIVILEGED_INTENTS:
            await gateway.socket.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = identify.get("shard")
        if shard is not None:
            gateway.shard = (int(shard[0]), int(shard[1]))
        async with self._changed:
            self.identifies.append(identify)
            self._changed.notify_all()
        guilds = [self.guild_id] if gateway.owns(int(self.guild_id)) else []
        ready: JSON = {
            "v": 10,
            "user": self.bot_user(),
            "guilds": [{"id": guild, "unavailable": True} for guild in guilds],
            "session_id": f"session-{self.snowflake()}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "_trace": ["fake-discord"],
        }
        if shard is not None:
            ready["shard"] = [int(shard[0]), int(shard[1])]
        await self._send_dispatch(gateway, "READY", ready)
        for _guild in guilds:
            await self._send_dispatch(gateway, "GUILD_CREATE", self.guild_payload())
        async with self._changed:
            gateway.ready = True
            self._changed.notify_all()

    async def _send_dispatch(self, gateway: _Gateway, event: str, data: JSON) -> None:
        frame = {"op": 0, "t": event, "s": next(gateway.sequence), "d": data}
        await gateway.socket.send_str(json.dumps(frame))

    # --- REST --------------------------------------------------------------------------------------------

    def _route_table(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        snowflake = r"(?P<{}>\d+)"
        app = snowflake.format("app")
        guild = snowflake.format("guild")
        channel = snowflake.format("channel")
        message = snowflake.format("message")
        token = r"(?P<token>[^/]+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/gateway/bot", self._gateway_bot),
            ("GET", "/gateway", lambda call, match: Reply(body={"url": self.gateway_url})),
            ("GET", "/users/@me", lambda call, match: Reply(body=self.bot_user())),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/applications/@me", self._application),
            ("PUT", f"/applications/{app}/commands", self._put_commands),
            ("PUT", f"/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("GET", f"/applications/{app}/commands", self._get_commands),
            ("GET", f"/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("POST", rf"/interactions/(?P<interaction>\d+)/{token}/callback", self._callback),
            ("GET", f"/webhooks/{app}/{token}/messages/@original", self._get_original),
            ("PATCH", f"/webhooks/{app}/{token}/messages/@original", self._edit_original),
            ("DELETE", f"/webhooks/{app}/{token}/messages/@original", self._delete_original),
            ("POST", f"/webhooks/{app}/{token}", self._followup),
            ("PATCH", f"/webhooks/{app}/{token}/messages/{message}", self._edit_message),
            ("POST", f"/channels/{channel}/messages", self._create_message),
            ("PATCH", f"/channels/{channel}/messages/{message}", self._edit_message),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", f"/channels/{channel}", self._get_channel),
            ("GET", f"/channels/{channel}/messages/{message}", self._get_message),
            ("GET", f"/guilds/{guild}/members", self._list_members),
            ("POST", f"/guilds/{guild}/scheduled-events", self._create_event),
            ("PATCH", rf"/guilds/{guild}/scheduled-events/(?P<event>\d+)", self._edit_event),
            ("DELETE", rf"/guilds/{guild}/scheduled-events/(?P<event>\d+)", self._delete_event),
        ]
        return [(method, re.compile(path), handler) for method, path, handler in table]

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await _body(request)
        call = Call(
            request.method,
            path,
            body,
            {name.lower(): value for name, value in request.headers.items()},
            time.monotonic(),
            dict(request.query),
            files,
        )
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        failure = self._take_failure(call)
        reply = _failure_reply(failure) if failure is not None else self._handle(call)
        if reply.status == 204:
            return web.Response(status=204, headers=reply.headers)
        # Exactly "application/json": with a charset suffix discord.py reads the body as text.
        return web.Response(
            status=reply.status,
            body=json.dumps(reply.body).encode(),
            content_type="application/json",
            headers=reply.headers,
        )

    def _handle(self, call: Call) -> Reply:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(call.path)
            if method == call.method and match is not None:
                try:
                    return handler(call, match)
                except DiscordError as error:
                    return Reply(error.status, {"code": error.code, "message": error.message})
        return Reply(404, {"code": 0, "message": "404: Not Found"})

    def _take_failure(self, call: Call) -> Failure | None:
        for failure in self._failures:
            if failure.method == call.method and failure.pattern.fullmatch(call.path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    async def _wait(self, ready: Callable[[], bool], seconds: float, what: str) -> None:
        """Sleep on the fake's condition (no polling) until `ready()`; `TimeoutError` naming `what` otherwise."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), seconds)
            except TimeoutError:
                made = ", ".join(f"{call.method} {call.path}" for call in self.calls) or "none"
                raise TimeoutError(f"FakeDiscord waited {seconds}s for {what}; calls so far: {made}") from None

    # --- handlers ----------------------------------------------------------------------------------------

    def _gateway_bot(self, call: Call, match: re.Match[str]) -> Reply:
        return Reply(
            body={
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    def _application(self, call: Call, match: re.Match[str]) -> Reply:
        return Reply(
            body={
                "id": self.application_id,
                "name": self.bot_name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": self.user_payload(self.owner_id, "owner"),
                "team": None,
                "flags": 0,
                "bot": self.bot_user(),
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "approximate_guild_count": 1,
                "integration_types_config": {"0": {}},
            }
        )

    def _put_commands(self, call: Call, match: re.Match[str]) -> Reply:
        guild = match.groupdict().get("guild")
        commands: list[JSON] = []
        for definition in call.json or []:
            command: JSON = {
                "id": self.snowflake(),
                "application_id": self.application_id,
                "version": self.snowflake(),
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "name_localizations": None,
                "description_localizations": None,
                **definition,
            }
            if guild is not None:
                command["guild_id"] = guild
            commands.append(command)
        self.commands[guild] = commands
        return Reply(body=commands)

    def _get_commands(self, call: Call, match: re.Match[str]) -> Reply:
        return Reply(body=self.commands.get(match.groupdict().get("guild"), []))

    def _callback(self, call: Call, match: re.Match[str]) -> Reply:
        body: JSON = call.json or {}
        kind = int(body.get("type", 0))
        data: JSON = body.get("data") or {}
        flags = int(data.get("flags", 0) or 0)
        message: JSON | None = None
        if kind in (4, 5, 7):  # a message, a deferred ("thinking") message, an update of the component's message
            message = self._message(self.channel_id, self.bot_user(), data)
            message["interaction_metadata"] = self._interaction_metadata(match["interaction"])
            self.interaction_responses[match["token"]] = message
        if call.query.get("with_response") not in ("1", "true", "True"):
            return Reply(204)
        interaction: JSON = {
            "id": match["interaction"],
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & EPHEMERAL),
        }
        resource: JSON = {"type": kind}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            resource["message"] = message
        return Reply(body={"interaction": interaction, "resource": resource})

    def _interaction_metadata(self, interaction_id: str) -> JSON:
        payload = self.interactions.get(interaction_id, {})
        user = payload.get("member", {}).get("user") or payload.get("user") or self.user_payload()
        return {
            "id": interaction_id,
            "type": int(payload.get("type", 2)),
            "user": user,
            "authorizing_integration_owners": payload.get("authorizing_integration_owners", {"0": self.guild_id}),
        }

    def _get_original(self, call: Call, match: re.Match[str]) -> Reply:
        message = self.interaction_responses.get(match["token"])
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return Reply(body=message)

    def _edit_original(self, call: Call, match: re.Match[str]) -> Reply:
        message = self.interaction_responses.get(match["token"])
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        message.update(_message_fields(call.json), edited_timestamp=_now())
        return Reply(body=message)

    def _delete_original(self, call: Call, match: re.Match[str]) -> Reply:
        message = self.interaction_responses.pop(match["token"], None)
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        self.messages.pop(message["id"], None)
        return Reply(204)

    def _followup(self, call: Call, match: re.Match[str]) -> Reply:
        message = self._message(self.channel_id, self.bot_user(), call.json or {})
        message["webhook_id"] = self.application_id
        return Reply(body=message)

    def _create_message(self, call: Call, match: re.Match[str]) -> Reply:
        channel = match["channel"]
        if channel not in self.channels:
            raise DiscordError(404, 10003, "Unknown Channel")
        if self.dm_recipients.get(channel) in self.closed_dms:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        message = self._message(channel, self.bot_user(), call.json or {})
        if "guild_id" in self.channels[channel]:
            message["guild_id"] = self.channels[channel]["guild_id"]
        return Reply(body=message)

    def _edit_message(self, call: Call, match: re.Match[str]) -> Reply:
        message = self.messages.get(match["message"])
        if message is None or ("channel" in match.groupdict() and message["channel_id"] != match["channel"]):
            raise DiscordError(404, 10008, "Unknown Message")
        message.update(_message_fields(call.json), edited_timestamp=_now())
        return Reply(body=message)

    def _create_dm(self, call: Call, match: re.Match[str]) -> Reply:
        recipient = str((call.json or {}).get("recipient_id", ""))
        if not recipient.isdigit():
            raise DiscordError(400, 50035, "Invalid Form Body")
        existing = next((cid for cid, uid in self.dm_recipients.items() if uid == recipient), None)
        channel_id = existing or self.snowflake()
        self.dm_recipients[channel_id] = recipient
        self.channels[channel_id] = {
            "id": channel_id,
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [self.user_payload(recipient)],
        }
        return Reply(body=self.channels[channel_id])

    def _list_members(self, call: Call, match: re.Match[str]) -> Reply:
        """Members by id above `after`, at most `limit` (1 to 1000) of them, as Discord pages them."""
        limit = int(call.query.get("limit", "1"))
        after = int(call.query.get("after", "0"))
        if not 1 <= limit <= 1000:
            raise DiscordError(400, 50035, "Invalid Form Body")
        members = sorted([self.member_payload(self.bot_user()), *self.guild_members],
                         key=lambda member: int(member["user"]["id"]))
        return Reply(body=[member for member in members if int(member["user"]["id"]) > after][:limit])

    def _get_channel(self, call: Call, match: re.Match[str]) -> Reply:
        channel = self.channels.get(match["channel"])
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return Reply(body=channel)

    def _get_message(self, call: Call, match: re.Match[str]) -> Reply:
        """A stored message; without the Message Content intent in the bot's IDENTIFY its text is left out, as
        Discord does for messages that do not mention the bot."""
        message = self.messages.get(match["message"])
        if message is None or message["channel_id"] != match["channel"]:
            raise DiscordError(404, 10008, "Unknown Message")
        content_intent = bool(self.identifies) and int(self.identifies[-1].get("intents", 0)) & MESSAGE_CONTENT
        return Reply(body=message if content_intent else {**message, "content": "", "embeds": []})

    def _create_event(self, call: Call, match: re.Match[str]) -> Reply:
        body: JSON = call.json or {}
        event: JSON = {"id": self.snowflake(), "guild_id": match["guild"], "creator_id": self.bot_user_id,
                       "status": 1, "channel_id": None, "entity_id": None, "user_count": 0, "image": None, **body}
        self.scheduled_events[event["id"]] = event
        return Reply(body=event)

    def _edit_event(self, call: Call, match: re.Match[str]) -> Reply:
        event = self.scheduled_events.get(match["event"])
        if event is None or event["guild_id"] != match["guild"]:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        event.update(call.json or {})
        return Reply(body=event)

    def _delete_event(self, call: Call, match: re.Match[str]) -> Reply:
        if self.scheduled_events.pop(match["event"], None) is None:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        return Reply(204)

    # --- helpers -----------------------------------------------------------------------------------------

    def _text_channel(self) -> JSON:
        return {
            "id": self.channel_id,
            "type": 0,
            "guild_id": self.guild_id,
            "name": self.channel_name,
            "position": 0,
            "permission_overwrites": [],
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }

    def _message(self, channel_id: str, author: JSON, body: Any) -> JSON:
        """A full message object in `channel_id` from the fields of a create body; remembered for edits."""
        message: JSON = {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "author": author,
            "content": "",
            "embeds": [],
            "components": [],
            "attachments": [],
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        message.update(_message_fields(body))
        self.messages[message["id"]] = message
        return message


async def _body(request: web.Request) -> tuple[Any, tuple[tuple[str, bytes], ...]]:
    """The JSON body, or for a multipart upload (a message with files) its `payload_json` and its files."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                files.append((part.filename or "", bytes(await part.read())))
        return body, tuple(files)
    raw = await request.read()
    try:
        return (json.loads(raw) if raw else None), ()
    except ValueError:
        return raw.decode(errors="replace"), ()


def _message_fields(body: Any) -> JSON:
    """The parts of a create or edit body that show in the message Discord answers with."""
    if not isinstance(body, dict):
        return {}
    fields = {key: body[key] for key in ("content", "embeds", "components", "tts", "flags") if key in body}
    if fields.get("content") is None and "content" in fields:
        fields["content"] = ""
    return fields


def _failure_reply(failure: Failure) -> Reply:
    if failure.status == 429:
        retry_after = failure.retry_after if failure.retry_after is not None else 1.0
        body = failure.body or {"retry_after": retry_after, "global": False, "message": "You are being rate limited."}
        headers = {"Retry-After": str(retry_after), "X-RateLimit-Scope": "user", "Via": "1.1 google"}
        return Reply(429, body, headers)
    return Reply(failure.status, failure.body or {"code": 0, "message": f"{failure.status}"})


def _now() -> str:
    return datetime.now(UTC).isoformat()
