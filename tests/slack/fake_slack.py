"""A fake Slack on 127.0.0.1: the Web API, the file upload URL and a Socket Mode WebSocket, for tests that drive the
real slack_sdk `AsyncWebClient`, `SocketModeClient` and a Bolt `AsyncApp` (the way slack-bolt tests itself
against a local mock Web API).

    async with FakeSlack() as slack:
        client = AsyncWebClient(base_url=slack.base_url, token="xoxb-test")
        await client.chat_postMessage(channel="C0FIRES", text="hi")
        [call] = slack.calls_to("chat.postMessage")

Every request is recorded as a `Call` (its params merged from the query string and a form or JSON body), and
answered the way Slack answers, errors included: `not_authed` without a token, `not_allowed_token_type` for an
app-level token outside `apps.connections.open`, `not_in_channel` for a channel whose `is_member` is False,
`message_not_found` when updating or deleting a message the fake never saw, `user_disabled` when opening a DM with
a user in `closed_dms` (a deactivated member), `unknown_method` for anything else.
`fail_next` scripts a failure (an HTTP status with `Retry-After`, or an `ok: false` error) for the next calls;
`hold` keeps a method's calls unanswered (a Slack that hangs) until `release`.

Tables tests may fill: `users` and `channels` (partial Slack user and conversation objects, merged over
defaults; unknown ids get a generated default), `messages` (by channel and ts), `workspaces` and OAuth codes
(`add_workspace`). As on Slack, `users.info` answers a `locale` only when asked with `include_locale`.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import itertools
import json
import mimetypes
import time
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from aiohttp import WSMsgType, web

from adapters.slack.manifest import BOT_SCOPES

Handler = Callable[["Call", "Workspace"], dict[str, Any]]

# Methods that authenticate with the app's client id and secret instead of a token.
_NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})
_FIRST_TS = 1_700_000_000_000_000  # microseconds: the first ts is "1700000000.000100"


@dataclass(frozen=True, slots=True)
class Call:
    """One Web API request as the fake received it. `headers` names are lower case; `at` is `time.monotonic()`."""

    method: str
    params: dict[str, object]
    headers: Mapping[str, str]
    at: float

    @property
    def token(self) -> str | None:
        """The bearer token, or a `token` param (Slack accepts both)."""
        authorization = self.headers.get("authorization", "")
        if authorization.startswith("Bearer "):
            return authorization.removeprefix("Bearer ")
        token = self.params.get("token")
        return token if isinstance(token, str) else None

    def json(self, name: str) -> Any:
        """The param `name`, decoded when slack_sdk sent it as a JSON string (`blocks`, `view`, `files`…)."""
        return _decoded(self.params.get(name))

    def text(self, name: str, default: str = "") -> str:
        """The param `name` as a string."""
        value = self.params.get(name)
        return default if value is None else str(value)

    def flag(self, name: str) -> bool:
        """Whether the param `name` is true, in any of the ways slack_sdk writes a boolean."""
        return _truthy(self.params.get(name))


@dataclass(slots=True)
class Failure:
    """A scripted answer for the next `times` calls to one method."""

    status: int
    error: str | None
    retry_after: int | None
    times: int


@dataclass(slots=True)
class Workspace:
    """An installed workspace: what `oauth.v2.access` grants and `auth.test` reports for its bot token."""

    team_id: str
    name: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    installer_user_id: str = "U0INSTALLER"
    scopes: tuple[str, ...] = BOT_SCOPES

    @property
    def domain(self) -> str:
        return self.name.lower().replace(" ", "-")


@dataclass(slots=True)
class UploadedFile:
    """A file announced with `files.getUploadURLExternal`; `content` arrives at the upload URL."""

    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None


@dataclass(slots=True)
class _Hold:
    """Calls to one method kept unanswered until `released`; with `drop`, they are then dropped unrun."""

    released: asyncio.Event = field(default_factory=asyncio.Event)
    drop: bool = False


class SlackError(Exception):
    """Answered as `{"ok": false, "error": code}` with HTTP 200, as Slack does."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(slots=True)
class _Socket:
    """One Socket Mode connection and the time it opened."""

    response: web.WebSocketResponse
    opened: float = field(default_factory=time.monotonic)


class FakeSlack:
    """A fake Slack Web API and Socket Mode server; start it (or use `async with`) before use."""

    team_id = "T0HEARTH"
    team_name = "Hearth Test"
    bot_user_id = "U0HEARTHBOT"
    bot_id = "B0HEARTH"
    app_id = "A0HEARTH"

    def __init__(self, *, bot_token: str = "xoxb-hearth-test") -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.closed_dms: set[str] = set()  # users a DM cannot reach: conversations.open answers user_disabled
        self.channels: dict[str, dict[str, Any]] = {}
        # Who is in each channel (conversations.members); a channel not listed has the bot alone.
        self.channel_members: dict[str, list[str]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.ephemeral: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, UploadedFile] = {}
        self.workspaces: dict[str, Workspace] = {}
        self.oauth_codes: dict[str, str] = {}
        self.revoked_tokens: set[str] = set()
        self.socket_acks: list[dict[str, Any]] = []
        self.socket_connections = 0
        self._failures: dict[str, list[Failure]] = {}
        self.held: list[Call] = []  # calls that arrived while their method was held
        self._holds: dict[str, _Hold] = {}
        self._sockets: list[_Socket] = []
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._handlers = self._method_table()
        self.add_workspace(self.team_id, name=self.team_name, bot_token=bot_token)

    # --- lifecycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close every Socket Mode connection, then the server (calls still held are dropped)."""
        for method in list(self._holds):
            self.release(method, drop_held=True)
        for socket in list(self._sockets):
            await socket.response.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
            raise RuntimeError("FakeSlack is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """The Web API base for `AsyncWebClient(base_url=...)`, ending in "/"."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def bot_token(self) -> str:
        return self.workspaces[self.team_id].bot_token

    # --- what tests look at and script ---------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """The calls to `method`, in order (failed ones included)."""
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:  # noqa: ASYNC109
        """The calls to `method` once there are at least `count`; raises `TimeoutError` after `timeout` seconds."""
        await self._wait(lambda: len(self.calls_to(method)) >= count, timeout, f"{count} call(s) to {method}")
        return self.calls_to(method)

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls to `method` with a failure instead of running it.

        `status=429, retry_after=1` answers HTTP 429 with `Retry-After: 1` and `{"ok": false, "error":
        "ratelimited"}`; `error="channel_not_found"` answers HTTP 200 with that error.
        """
        self._failures.setdefault(method, []).append(Failure(status, error, retry_after, times))

    def hold(self, method: str) -> None:
        """Leave every call to `method` from now on unanswered (it is kept in `held`, not in `calls`) until
        `release(method)`: a Slack that hangs."""
        self._holds.setdefault(method, _Hold())

    def release(self, method: str, *, drop_held: bool = False) -> None:
        """Answer new calls to `method` again, and the held ones whose client still waits; a held call whose
        client went away (cancelled, or its process killed) is dropped unrun, as if it never reached Slack, and
        with `drop_held` every held call is."""
        hold = self._holds.pop(method, None)
        if hold is not None:
            hold.drop = drop_held
            hold.released.set()

    async def wait_for_held(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:  # noqa: ASYNC109
        """The held calls to `method` once there are at least `count`."""
        def held() -> list[Call]:
            return [call for call in self.held if call.method == method]

        await self._wait(lambda: len(held()) >= count, timeout, f"{count} held call(s) to {method}")
        return held()

    def add_workspace(
        self, team_id: str, *, name: str | None = None, bot_token: str | None = None, code: str | None = None
    ) -> Workspace:
        """Register a workspace (its bot token answers `auth.test` as that team) and, with `code`, the OAuth
        code that `oauth.v2.access` exchanges for its bot token."""
        suffix = team_id.removeprefix("T")
        workspace = Workspace(
            team_id=team_id,
            name=name or f"Workspace {suffix}",
            bot_token=bot_token or f"xoxb-{team_id.lower()}-bot",
            bot_user_id=self.bot_user_id if team_id == self.team_id else f"U{suffix}BOT",
            bot_id=self.bot_id if team_id == self.team_id else f"B{suffix}",
        )
        self.workspaces[team_id] = workspace
        if code is not None:
            self.oauth_codes[code] = team_id
        return workspace

    # --- Socket Mode -------------------------------------------------------------------------------------

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/socket"

    async def wait_for_socket(self, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until `count` Socket Mode connections have opened since the start."""
        await self._wait(lambda: self.socket_connections >= count, timeout, f"{count} Socket Mode connection(s)")

    async def socket_send(self, envelope: Mapping[str, Any], timeout: float = 5.0) -> str:  # noqa: ASYNC109
        """Send `envelope` on the newest Socket Mode connection (waiting for one) and return its envelope_id."""
        await self._wait(lambda: bool(self._sockets), timeout, "an open Socket Mode connection")
        await self._sockets[-1].response.send_json(dict(envelope))
        return str(envelope.get("envelope_id", ""))

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The client's acknowledgement of `envelope_id` (with its `payload`, if it sent one)."""
        await self._wait(lambda: self._ack(envelope_id) is not None, timeout, f"the ack of {envelope_id}")
        ack = self._ack(envelope_id)
        assert ack is not None
        return ack

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every connected client to reconnect, as Slack does before it recycles a connection."""
        for socket in list(self._sockets):
            await socket.response.send_json(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-slack"}}
            )

    def _ack(self, envelope_id: str) -> dict[str, Any] | None:
        return next((ack for ack in self.socket_acks if ack.get("envelope_id") == envelope_id), None)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        response = web.WebSocketResponse()  # answers the client's pings, which slack_sdk uses to check the link
        await response.prepare(request)
        socket = _Socket(response)
        self._sockets.append(socket)
        await response.send_json(self._hello())
        await self._record(self._count_connection)
        try:
            async for message in response:
                if message.type == WSMsgType.TEXT:
                    await self._record(functools.partial(self.socket_acks.append, json.loads(message.data)))
        finally:
            self._sockets.remove(socket)
        return response

    def _count_connection(self) -> None:
        self.socket_connections += 1

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": len(self._sockets),
            "debug_info": {"host": "fake-slack", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }

    # --- HTTP plumbing -----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method, await _params(request), _headers(request), time.monotonic())
        hold = self._holds.get(method)
        if hold is not None:
            await self._record(functools.partial(self.held.append, call))
            await hold.released.wait()
            if hold.drop or request.transport is None or request.transport.is_closing():
                return web.Response(status=503)  # nobody waits for the answer any more: never run
        await self._record(functools.partial(self.calls.append, call))
        failure = self._take_failure(method)
        if failure is not None:
            return _failure_response(failure)
        try:
            handler = self._handlers.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            body = {"ok": True, **handler(call, self._authenticate(call))}
        except SlackError as error:
            body = {"ok": False, "error": error.code}
        return web.json_response(body)

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.files.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="file not found")
        upload.content = await request.read()
        await self._record(lambda: None)
        return web.Response(text=f"OK - {len(upload.content)}")

    async def _record(self, change: Callable[[], object]) -> None:
        """Apply `change` and wake everyone waiting on the fake."""
        async with self._changed:
            change()
            self._changed.notify_all()

    async def _wait(self, ready: Callable[[], bool], seconds: float, what: str) -> None:
        """Sleep on the fake's condition (no polling) until `ready()`; `TimeoutError` naming `what` otherwise."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), seconds)
            except TimeoutError:
                made = ", ".join(call.method for call in self.calls) or "none"
                raise TimeoutError(f"FakeSlack waited {seconds}s for {what}; calls so far: {made}") from None

    def _take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _authenticate(self, call: Call) -> Workspace:
        """The workspace a call acts for, or the error Slack gives for its token."""
        default = self.workspaces[self.team_id]
        if call.method in _NO_TOKEN_METHODS:
            return default
        token = call.token
        if not token:
            raise SlackError("not_authed")
        if token in self.revoked_tokens:
            raise SlackError("token_revoked")
        if token.startswith("xapp-") != (call.method == "apps.connections.open"):
            raise SlackError("not_allowed_token_type")
        # Any other token is taken as the default workspace's, so tests need not register theirs.
        return next((ws for ws in self.workspaces.values() if ws.bot_token == token), default)

    # --- Web API methods ---------------------------------------------------------------------------------

    def _method_table(self) -> dict[str, Handler]:
        return {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "oauth.v2.access": self._oauth_v2_access,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    def _auth_test(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        user_token = (call.token or "").startswith("xoxp-")
        answer: dict[str, Any] = {
            "url": f"https://{workspace.domain}.slack.com/",
            "team": workspace.name,
            "user": "installer" if user_token else "hearth",
            "team_id": workspace.team_id,
            "user_id": workspace.installer_user_id if user_token else workspace.bot_user_id,
            "is_enterprise_install": False,
        }
        if not user_token:
            answer["bot_id"] = workspace.bot_id
        return answer

    def _apps_connections_open(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        return {"url": f"{self.socket_url}?ticket={next(self._ids)}&app_id={self.app_id}"}

    def _oauth_v2_access(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        if not _client_id(call):
            raise SlackError("invalid_client_id")
        team_id = self.oauth_codes.get(call.text("code"))
        if team_id is None:
            raise SlackError("invalid_code")
        granted = self.workspaces[team_id]
        return {
            "access_token": granted.bot_token,
            "token_type": "bot",
            "scope": ",".join(granted.scopes),
            "bot_user_id": granted.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": granted.team_id, "name": granted.name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": granted.installer_user_id},
        }

    def _chat_post_message(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        channel = self._postable_channel(call)
        message = self._message(call, workspace, channel)
        self.messages[(channel, message["ts"])] = message
        return {"channel": channel, "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        channel = self._postable_channel(call)
        if not call.text("user"):
            raise SlackError("user_not_found")
        message = self._message(call, workspace, channel)
        self.ephemeral.append({**message, "user_to": call.text("user")})
        return {"message_ts": message["ts"]}

    def _chat_update(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        channel, ts = call.text("channel"), call.text("ts")
        message = self._known_message(channel, ts)
        for name in ("text", "blocks", "attachments", "metadata"):
            if name in call.params:
                message[name] = call.json(name)
        message["edited"] = {"user": workspace.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel, "ts": ts, "text": message.get("text", ""), "message": message}

    def _chat_delete(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        channel, ts = call.text("channel"), call.text("ts")
        self._known_message(channel, ts)
        del self.messages[(channel, ts)]
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        channel, ts = call.text("channel"), call.text("message_ts")
        return {
            "channel": channel,
            "permalink": f"https://{workspace.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _views_open(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        if not call.text("trigger_id"):
            raise SlackError("invalid_arguments")
        return {"view": self._store_view(call.json("view"), workspace)}

    def _views_update(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        view_id = call.text("view_id") or next(
            (vid for vid, view in self.views.items() if view["external_id"] == call.text("external_id")), ""
        )
        if view_id not in self.views:
            raise SlackError("not_found")
        return {"view": self._store_view(call.json("view"), workspace, view_id)}

    def _views_publish(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        user_id = call.text("user_id")
        if not user_id:
            raise SlackError("invalid_arguments")
        home_id = f"VHOME{user_id}"
        return {"view": self._store_view(call.json("view"), workspace, home_id)}

    def _conversations_open(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        users = [user for user in call.text("users").split(",") if user]
        if not users:
            raise SlackError("users_list_not_supplied" if not call.text("channel") else "not_implemented")
        if any(user in self.closed_dms for user in users):
            raise SlackError("user_disabled")
        channel_id = _dm_id(users)
        already_open = channel_id in self.channels
        one = len(users) == 1
        self.channels.setdefault(channel_id, {"user": users[0]} if one else {"is_group": False, "is_mpim": True})
        answer: dict[str, Any] = {"channel": {"id": channel_id}}
        if already_open:
            answer.update({"no_op": True, "already_open": True})
        return answer

    def _conversations_info(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        channel_id = call.text("channel")
        if not channel_id:
            raise SlackError("channel_not_found")
        return {"channel": self.conversation(channel_id, locale=call.flag("include_locale"))}

    def _conversations_history(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        """The channel's top-level messages between `oldest` and `latest` (inclusive), newest first; Slack answers
        `missing_scope` to an app without `channels:history`."""
        return {"messages": self._history(call, workspace, replies=False), "has_more": False}

    def _conversations_replies(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        return {"messages": self._history(call, workspace, replies=True), "has_more": False}

    def _history(self, call: Call, workspace: Workspace, *, replies: bool) -> list[dict[str, Any]]:
        if "channels:history" not in workspace.scopes:
            raise SlackError("missing_scope")
        channel = call.text("channel")
        if channel not in self.channels and not any(where == channel for where, _ts in self.messages):
            raise SlackError("channel_not_found")
        oldest, latest = call.text("oldest", "0"), call.text("latest", "9999999999.999999")
        found = [message for (where, ts), message in self.messages.items()
                 if where == channel and float(oldest) <= float(ts) <= float(latest)
                 and (("thread_ts" in message and message["thread_ts"] != ts) if replies
                      else message.get("thread_ts", ts) == ts)]
        return sorted(found, key=lambda message: float(message["ts"]), reverse=True)[:int(call.text("limit", "100"))]

    def _conversations_members(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        """Pages of `limit` members (default 100); the cursor is the position of the next page."""
        channel_id = call.text("channel")
        if not channel_id:
            raise SlackError("channel_not_found")
        members = [workspace.bot_user_id, *self.channel_members.get(channel_id, [])]
        limit = int(call.text("limit") or 100)
        start = int(call.text("cursor") or 0)
        page = members[start:start + limit]
        following = str(start + limit) if start + limit < len(members) else ""
        return {"members": page, "response_metadata": {"next_cursor": following}}

    def _users_info(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        user_id = call.text("user")
        if not user_id:
            raise SlackError("user_not_found")
        return {"user": self.user(user_id, workspace, locale=call.flag("include_locale"))}

    def _files_get_upload_url(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        filename, length = call.text("filename"), call.text("length")
        if not filename or not length.isdigit():
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = UploadedFile(file_id, filename, int(length))
        return {"upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, call: Call, workspace: Workspace) -> dict[str, Any]:
        entries = call.json("files")
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments")
        completed = []
        for entry in entries:
            upload = self.files.get(str(entry.get("id")))
            if upload is None or upload.content is None:
                raise SlackError("file_not_found")
            upload.title = str(entry.get("title") or upload.filename)
            upload.channel_id = call.text("channel_id") or None
            upload.initial_comment = call.text("initial_comment") or None
            upload.thread_ts = call.text("thread_ts") or None
            completed.append(self._file_object(upload, workspace))
        return {"files": completed}

    # --- objects Slack answers with ----------------------------------------------------------------------

    def user(self, user_id: str, workspace: Workspace | None = None, *, locale: bool = False) -> dict[str, Any]:
        """The Slack user object for `user_id`: `self.users[user_id]` merged over a generated default."""
        workspace = workspace or self.workspaces[self.team_id]
        entry = dict(self.users.get(user_id, {}))
        profile = {**entry.pop("profile", {})}
        if "display_name" in entry:
            profile["display_name"] = entry.pop("display_name")
        is_bot = user_id == workspace.bot_user_id
        name = str(entry.get("name", "hearth" if is_bot else user_id.lower()))
        real_name = str(entry.get("real_name", "Hearth" if is_bot else f"Member {user_id}"))
        tz = str(entry.get("tz", "Europe/Brussels"))
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": workspace.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            **_zone_fields(tz),
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "locale": "en-US",
            **entry,
        }
        user["profile"] = {
            "real_name": real_name,
            "display_name": name,
            "real_name_normalized": real_name,
            "display_name_normalized": name,
            "team": workspace.team_id,
            **({"bot_id": workspace.bot_id} if is_bot else {}),
            **profile,
        }
        if not locale:
            del user["locale"]  # Slack sends it only with include_locale=true
        return user

    def conversation(self, channel_id: str, *, locale: bool = False) -> dict[str, Any]:
        """The Slack conversation object for `channel_id`: `self.channels[channel_id]` over a generated default."""
        entry = self.channels.get(channel_id, {})
        kind = channel_id[:1]
        name = str(entry.get("name", f"channel-{channel_id.lower()}"))
        conversation: dict[str, Any] = {
            "id": channel_id,
            "name": name,
            "name_normalized": name,
            "is_channel": kind == "C",
            "is_group": kind == "G",
            "is_im": kind == "D",
            "is_mpim": False,
            "is_private": kind in ("G", "D"),
            "is_archived": False,
            "is_general": False,
            "is_member": True,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "created": 1_700_000_000,
            "creator": "U0CREATOR",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "locale": "en-US",
            **entry,
        }
        if kind == "D":
            for key in ("name", "name_normalized", "topic", "purpose", "is_general"):
                conversation.pop(key, None)
        if not locale:
            del conversation["locale"]
        return conversation

    def _postable_channel(self, call: Call) -> str:
        """The channel a message goes to: a user id posts to the DM with that user, as on Slack."""
        channel = call.text("channel")
        if not channel:
            raise SlackError("channel_not_found")
        if channel[:1] in ("U", "W"):
            return _dm_id([channel])
        if not self.conversation(channel)["is_member"]:
            raise SlackError("not_in_channel")
        if self.conversation(channel)["is_archived"]:
            raise SlackError("is_archived")
        return channel

    def _message(self, call: Call, workspace: Workspace, channel: str) -> dict[str, Any]:
        if not call.text("text") and not call.json("blocks") and not call.json("attachments"):
            raise SlackError("no_text")
        message: dict[str, Any] = {
            "type": "message",
            "user": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "app_id": self.app_id,
            "team": workspace.team_id,
            "channel": channel,
            "text": call.text("text"),
            "ts": self._next_ts(),
        }
        for name in ("blocks", "attachments", "metadata"):
            if name in call.params:
                message[name] = call.json(name)
        if call.text("thread_ts"):
            message["thread_ts"] = call.text("thread_ts")
        return message

    def _known_message(self, channel: str, ts: str) -> dict[str, Any]:
        message = self.messages.get((channel, ts))
        if message is None:
            raise SlackError("message_not_found")
        return message

    def _store_view(self, view: Any, workspace: Workspace, view_id: str | None = None) -> dict[str, Any]:
        if not isinstance(view, dict) or "type" not in view:
            raise SlackError("invalid_arguments")
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {
            "id": view_id,
            "team_id": workspace.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{self._next_ts()}.{view_id}",
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "clear_on_close": False,
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": self.app_id,
            "app_installed_team_id": workspace.team_id,
            "bot_id": workspace.bot_id,
        }
        self.views[view_id] = stored
        return stored

    def _file_object(self, upload: UploadedFile, workspace: Workspace) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        return {
            "id": upload.id,
            "name": upload.filename,
            "title": upload.title,
            "mimetype": mimetype,
            "filetype": upload.filename.rpartition(".")[2] if "." in upload.filename else "binary",
            "user": workspace.bot_user_id,
            "size": len(upload.content or b""),
            "url_private": f"https://files.slack.com/files-pri/{workspace.team_id}-{upload.id}/{upload.filename}",
            "permalink": f"https://{workspace.domain}.slack.com/files/{workspace.bot_user_id}/{upload.id}",
        }

    def _next_ts(self) -> str:
        """Message timestamps grow by 100 µs per message: "1700000000.000100", "1700000000.000200"…"""
        micros = _FIRST_TS + 100 * next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


# --- Socket Mode envelopes -----------------------------------------------------------------------------------


def socket_envelope(
    kind: str, payload: Mapping[str, Any], *, envelope_id: str | None = None, retry_attempt: int = 0
) -> dict[str, Any]:
    """A Socket Mode envelope as Slack sends it: `kind` is "events_api", "slash_commands" or "interactive".

    Slack accepts a response payload in the ack for slash commands and interactive payloads, not for events.
    """
    envelope: dict[str, Any] = {
        "envelope_id": envelope_id or f"env-{time.monotonic_ns()}",
        "type": kind,
        "payload": dict(payload),
        "accepts_response_payload": kind != "events_api",
    }
    if kind == "events_api":
        envelope["retry_attempt"] = retry_attempt
        envelope["retry_reason"] = "timeout" if retry_attempt else ""
    return envelope


# --- request parsing ---------------------------------------------------------------------------------------


async def _params(request: web.Request) -> dict[str, object]:
    """Query string, then the body on top: JSON, form-encoded or multipart (files read as bytes)."""
    params: dict[str, object] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif request.body_exists:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, str):
                params[name] = value
            else:
                params[name] = bytes(value) if isinstance(value, bytes | bytearray) else value.file.read()
    return params


def _headers(request: web.Request) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


def _client_id(call: Call) -> str:
    """The client id from HTTP basic auth (slack_sdk's way) or a `client_id` param."""
    authorization = call.headers.get("authorization", "")
    if authorization.startswith("Basic "):
        return base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")[0]
    return call.text("client_id")


def _failure_response(failure: Failure) -> web.Response:
    error = failure.error or ("ratelimited" if failure.status == 429 else "fatal_error")
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else None
    return web.json_response({"ok": False, "error": error}, status=failure.status, headers=headers)


def _decoded(value: object) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))


def _dm_id(users: list[str]) -> str:
    """A stable conversation id per set of users: "D" + the user id for one, "G…" for several."""
    if len(users) == 1:
        return "D" + users[0][1:]
    return "G" + "".join(user[1:] for user in sorted(users))[:20]


def _zone_fields(tz: str) -> dict[str, Any]:
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return {"tz": tz, "tz_label": tz, "tz_offset": 0}  # Slack passes on whatever a profile says
    offset = datetime.now(zone).utcoffset()
    label = datetime.now(zone).tzname() or tz
    return {"tz": tz, "tz_label": label, "tz_offset": int(offset.total_seconds()) if offset else 0}
