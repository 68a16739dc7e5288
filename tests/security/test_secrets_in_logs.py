"""`hearth run` at HEARTH_LOG_LEVEL=DEBUG, as a real process against the fake Slack and the fake Discord on
loopback: an OAuth install into Slack, two commands, a calendar feed read and a Discord login, on SQLite and on
PostgreSQL (with a password in DATABASE_URL), with and without HEARTH_SQL_ECHO=1. None of the secrets it was given
or handled (the app's secrets, the installed bot token, the Discord token, the OAuth code and state, the feed
token, the database password, the key that signs buttons) appears in what it wrote, stdout and stderr together."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp

from adapters.wiring import REFERENCE_KEY
from storage.database import create_engine_for
from storage.platform_state import SqlPlatformState
from tests.discord.fake_discord import FakeDiscord
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_harness import sign

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = "import sys; from adapters.cli import main; sys.exit(main(sys.argv[1:]))"

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "c5f0a1e2b3d4c5f6a7b8c9d0e1f2a3b4"
SIGNING_SECRET = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
INSTALLED_BOT_TOKEN = "xoxb-4082619527-7391845263018-Qk3vT9mZr2LwXy8BnHc6PdEa"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GxY2aB.k3Jd8sLq0Wm5Zr7Tn1Vb9Xc4Fh6Gy2Pa8Ue"
TEAM = "T0ALPHA"
OAUTH_CODE = "code-alpha-7f3e9a"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class HearthProcess:
    """`hearth run` in a process of its own; everything it writes, stdout and stderr together, in `lines`."""

    process: asyncio.subprocess.Process
    port: int
    lines: list[str] = field(default_factory=list)
    running: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            if line.startswith("Hearth is running on"):
                self.running.set()
        self.running.set()  # it stopped before it ran: the test shows what it wrote


@asynccontextmanager
async def hearth_run(env: dict[str, str], port: int) -> AsyncIterator[HearthProcess]:
    inherited = {key: value for key, value in os.environ.items()
                 if not key.startswith(("SLACK_", "DISCORD_", "HEARTH_")) and key != "DATABASE_URL"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PROGRAM, "run", cwd=env["HEARTH_DATA_DIR"],
        env={**inherited, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "HEARTH_HTTP_PORT": str(port), **env},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    running = HearthProcess(process, port)
    reader = asyncio.create_task(running.read())
    try:
        await asyncio.wait_for(running.running.wait(), 60)
        assert "Hearth is running on" in running.output, running.output
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 60)
        await reader


async def install(http: aiohttp.ClientSession, hearth: HearthProcess) -> str:
    """A facilitator's browser: /slack/install, Slack's consent page, back to /slack/oauth_redirect. Returns the
    install's state."""
    async with http.get(f"{hearth.base_url}/slack/install", allow_redirects=False) as response:
        assert response.status == 302
        state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    callback = f"{hearth.base_url}/slack/oauth_redirect?" + urlencode({"code": OAUTH_CODE, "state": state})
    async with http.get(callback, headers={"Cookie": cookie}, allow_redirects=False) as response:
        assert response.status in (200, 302), await response.text()
    return state


async def command(http: aiohttp.ClientSession, hearth: HearthProcess, fake: FakeSlack, name: str, text: str) -> None:
    body = urlencode({
        "team_id": TEAM, "team_domain": "alpha", "channel_id": "C0DATA", "channel_name": "data-cop",
        "user_id": "U0ANA", "user_name": "ana", "command": name, "text": text, "api_app_id": "A0HEARTH",
        "response_url": f"{fake.base_url}hooks.response", "trigger_id": "1337.42.abc",
    })
    headers = {**sign(body, secret=SIGNING_SECRET, timestamp=int(time.time())),
               "Content-Type": "application/x-www-form-urlencoded"}
    async with http.post(f"{hearth.base_url}/slack/events", data=body.encode(), headers=headers) as response:
        assert response.status == 200


def feed_token(fake: FakeSlack) -> str:
    for call in fake.calls_to("chat.postEphemeral"):
        text = json.dumps(call.params)
        if "/calendar/" in text:
            return text.split("/calendar/", 1)[1].split(".ics", 1)[0]
    raise AssertionError("no feed address was posted")


DATABASE_PASSWORD = "pg-Pa55word-d0d9f1"


def with_password(url: str) -> str:
    """A PostgreSQL URL with a password (the test server trusts every local connection, so any password works)."""
    return url.replace("postgresql+psycopg://postgres@", f"postgresql+psycopg://postgres:{DATABASE_PASSWORD}@", 1)


async def run_everything(tmp_path: Path, database_url: str, *, sql_echo: bool) -> tuple[str, list[str]]:
    """What `hearth run` wrote while it was installed, used and read from, and the secrets it was given or made."""
    async with FakeSlack() as fake, FakeDiscord() as discord, aiohttp.ClientSession() as http:
        fake.add_workspace(TEAM, name="Alpha", bot_token=INSTALLED_BOT_TOKEN, code=OAUTH_CODE)
        env = {
            "HEARTH_DATA_DIR": str(tmp_path), "DATABASE_URL": database_url, "HEARTH_LOG_LEVEL": "DEBUG",
            "HEARTH_SQL_ECHO": "1" if sql_echo else "0",
            "SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.base_url,
            "DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_URL": discord.base_url,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
        }
        async with hearth_run(env, free_port()) as hearth:
            await discord.wait_until_ready()
            assert discord.identifies[0]["token"] == DISCORD_TOKEN
            state = await install(http, hearth)
            await command(http, hearth, fake, "/hearth", 'setup --name "Data CoP"')
            await fake.wait_for("chat.postEphemeral")  # "You are this workspace's first facilitator."
            await command(http, hearth, fake, "/meeting", "feed")
            await fake.wait_for("chat.postEphemeral", count=2)
            token = feed_token(fake)
            async with http.get(f"{hearth.base_url}/calendar/{token}.ics") as response:
                assert response.status == 200
                assert b"BEGIN:VCALENDAR" in await response.read()
        assert fake.calls_to("chat.postEphemeral")[0].token == INSTALLED_BOT_TOKEN
    assert hearth.process.returncode == 0, hearth.output
    engine = create_engine_for(database_url)
    try:
        reference_key = await SqlPlatformState(engine).get(REFERENCE_KEY)
    finally:
        await engine.dispose()
    assert reference_key is not None
    secrets = [CLIENT_SECRET, SIGNING_SECRET, INSTALLED_BOT_TOKEN, DISCORD_TOKEN, token, OAUTH_CODE, state,
               DATABASE_PASSWORD, reference_key]
    return hearth.output, secrets


def assert_none_in(output: str, secrets: list[str]) -> None:
    assert " DEBUG " in output  # the level was DEBUG
    assert "Hearth is running on Slack" in output
    leaked = [secret for secret in secrets if secret in output]
    assert leaked == []


async def test_no_secret_reaches_the_log_at_debug_and_no_sql_is_logged(tmp_path: Path, sqlite_url: str) -> None:
    output, secrets = await run_everything(tmp_path, sqlite_url, sql_echo=False)
    assert_none_in(output, secrets)
    assert "INSERT INTO" not in output and "sqlalchemy" not in output and "aiosqlite" not in output


async def test_with_sql_echo_statements_are_logged_without_their_values(tmp_path: Path, database_url: str) -> None:
    if database_url.startswith("postgresql"):
        database_url = with_password(database_url)
    output, secrets = await run_everything(tmp_path, database_url, sql_echo=True)
    assert_none_in(output, secrets)
    assert "INSERT INTO slack_bots" in output
    assert "[SQL parameters hidden due to hide_parameters=True]" in output
