"""`hearth discord invite` and `hearth discord sync`, through `run(argv, env)` as a facilitator types them, against
the fake Discord on loopback.

`run` calls `asyncio.run` itself, so the async tests run it in a worker thread: its discord.py client lives in that
thread's loop and reaches the fake (which lives in the test's loop) over TCP, like a real one reaches Discord.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import discord
import pytest
from discord import http as discord_http
from discord.gateway import DiscordWebSocket

from adapters.cli import run
from adapters.discord.commands import BOT_PERMISSIONS, MANAGE_EVENTS, command_definitions, definitions_hash, invite_url
from adapters.discord.sync import scope_name, sync
from adapters.discord.tools import logged_in
from adapters.settings import Settings
from bot.catalogs import Catalogs
from bot.clock import SystemClock
from commands.catalog import build_catalog
from storage.database import create_engine_for
from storage.platform_state import SqlPlatformState
from tests.discord.fake_discord import FakeDiscord

TOKEN = "MTA.fake.token"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hearth.db'}"


def env_for(fake: FakeDiscord, database_url: str, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url, "DISCORD_TOKEN": TOKEN, "DISCORD_API_URL": fake.base_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url, **extra,
    }


async def hearth(argv: Sequence[str], env: dict[str, str]) -> int:
    """`hearth argv…` with `env`, in a thread of its own (it runs its own event loop)."""
    return await asyncio.to_thread(run, list(argv), env)


def definitions() -> list[dict[str, object]]:
    return command_definitions(build_catalog(), Catalogs.load())


async def recorded_hash(database_url: str, guild_id: int | None) -> str | None:
    engine = create_engine_for(database_url)
    try:
        return await SqlPlatformState(engine).get(scope_name(guild_id))
    finally:
        await engine.dispose()


def guild_commands(fake: FakeDiscord) -> str:
    return rf"/applications/{fake.application_id}/guilds/{fake.guild_id}/commands"


def global_commands(fake: FakeDiscord) -> str:
    return rf"/applications/{fake.application_id}/commands"


# --- invite ---------------------------------------------------------------------------------------------------


def test_invite_prints_exactly_the_link(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["discord", "invite", "--application-id", "123"], {}) == 0
    out, err = capsys.readouterr()
    assert out == invite_url("123") + "\n"
    assert err == ""
    assert out.strip() == (
        f"https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands"
        f"&permissions={BOT_PERMISSIONS}"
    )


def test_the_invite_asks_for_exactly_what_hearth_uses(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["discord", "invite", "--application-id", "123"], {}) == 0
    permissions = discord.Permissions(int(capsys.readouterr().out.strip().rsplit("permissions=", 1)[1]))
    assert permissions == discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, attach_files=True, read_message_history=True,
        send_messages_in_threads=True,
    )
    assert not permissions.administrator and not permissions.mention_everyone and not permissions.manage_messages


def test_scheduled_events_add_manage_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["discord", "invite", "--application-id", "123", "--scheduled-events"], {}) == 0
    out = capsys.readouterr().out
    assert out == invite_url("123", scheduled_events=True) + "\n"
    assert out.strip().endswith(f"&permissions={BOT_PERMISSIONS | MANAGE_EVENTS}")
    permissions = discord.Permissions(BOT_PERMISSIONS | MANAGE_EVENTS)
    assert permissions.manage_events
    assert not discord.Permissions(BOT_PERMISSIONS).manage_events


def test_the_documented_invite_link_is_the_one_hearth_prints() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "discord.md"
    assert invite_url("1234567890") in guide.read_text(encoding="utf-8")


@pytest.mark.parametrize("application", ["my-app", "12ab", "1.5", "²", "١٢٣"])
def test_an_application_id_that_is_not_a_number_is_refused(
    application: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["discord", "invite", "--application-id", application], {}) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("hearth: a Discord application id is a number")
    assert repr(application) in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [["discord", "sync"], ["discord", "sync", "--global"], ["discord", "invite"]])
def test_without_a_token_hearth_says_to_set_it(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(command, {}) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("hearth: set DISCORD_TOKEN first")
    assert "docs/discord.md" in err


def test_a_wrong_setting_stops_the_discord_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["discord", "sync"], {"DISCORD_TOKEN": TOKEN, "DISCORD_SHARDS": "many"}) == 2
    assert capsys.readouterr().err.startswith("hearth: DISCORD_SHARDS must be auto")


async def test_invite_without_an_id_asks_discord(
    fake: FakeDiscord, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await hearth(["discord", "invite"], env_for(fake, database_url)) == 0
    out = capsys.readouterr().out
    assert out == invite_url(fake.application_id) + "\n"
    assert fake.calls_to("GET", "/users/@me")
    assert not fake.calls_to("PUT", r".*")
    # Logging in for the id opens no gateway connection.
    assert fake.identifies == []


async def test_invite_without_an_id_with_scheduled_events(
    fake: FakeDiscord, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await hearth(["discord", "invite", "--scheduled-events"], env_for(fake, database_url)) == 0
    assert capsys.readouterr().out == invite_url(fake.application_id, scheduled_events=True) + "\n"


# --- sync -----------------------------------------------------------------------------------------------------


async def test_sync_pushes_the_commands_to_the_development_server(
    fake: FakeDiscord, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = env_for(fake, database_url, DISCORD_GUILD_ID=fake.guild_id)
    assert await hearth(["discord", "sync"], env) == 0
    expected = definitions()
    assert any(definition["name"] == "hearth" for definition in expected)
    [put] = fake.calls_to("PUT", guild_commands(fake))
    assert put.json == expected
    assert put.headers["authorization"] == f"Bot {TOKEN}"
    assert not fake.calls_to("PUT", global_commands(fake))
    assert [command["name"] for command in fake.commands[fake.guild_id]] == [d["name"] for d in expected]
    assert await recorded_hash(database_url, int(fake.guild_id)) == definitions_hash(expected)
    assert await recorded_hash(database_url, None) is None
    out = capsys.readouterr().out
    assert out == f"Registered {len(expected)} Discord commands in server {fake.guild_id} (they appear at once).\n"
    assert fake.identifies == []


async def test_sync_global_pushes_everywhere(
    fake: FakeDiscord, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = env_for(fake, database_url, DISCORD_GUILD_ID=fake.guild_id)
    assert await hearth(["discord", "sync", "--global"], env) == 0
    expected = definitions()
    [put] = fake.calls_to("PUT", global_commands(fake))
    assert put.json == expected
    assert not fake.calls_to("PUT", guild_commands(fake))
    assert len(fake.commands[None]) == len(expected)
    assert await recorded_hash(database_url, None) == definitions_hash(expected)
    assert await recorded_hash(database_url, int(fake.guild_id)) is None
    assert "in every server" in capsys.readouterr().out


async def test_sync_without_a_guild_is_global(fake: FakeDiscord, database_url: str) -> None:
    assert await hearth(["discord", "sync"], env_for(fake, database_url)) == 0
    assert len(fake.calls_to("PUT", global_commands(fake))) == 1
    assert await recorded_hash(database_url, None) == definitions_hash(definitions())


@pytest.mark.parametrize("shards", [{"DISCORD_SHARDS": "auto"}, {"DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": "2-3"}])
async def test_sync_from_a_sharded_configuration(
    shards: dict[str, str], fake: FakeDiscord, database_url: str
) -> None:
    assert await hearth(["discord", "sync"], env_for(fake, database_url, DISCORD_GUILD_ID=fake.guild_id, **shards)) == 0
    assert len(fake.calls_to("PUT", guild_commands(fake))) == 1
    assert fake.identifies == []


async def test_sync_pushes_again_even_when_nothing_changed(fake: FakeDiscord, database_url: str) -> None:
    env = env_for(fake, database_url, DISCORD_GUILD_ID=fake.guild_id)
    assert await hearth(["discord", "sync"], env) == 0
    assert await hearth(["discord", "sync"], env) == 0
    assert len(fake.calls_to("PUT", guild_commands(fake))) == 2


async def test_after_a_sync_a_start_skips_the_push_until_the_commands_change(
    fake: FakeDiscord, database_url: str
) -> None:
    env = env_for(fake, database_url, DISCORD_GUILD_ID=fake.guild_id)
    assert await hearth(["discord", "sync"], env) == 0
    settings = Settings.from_env(env)
    assert settings.discord is not None
    engine = create_engine_for(database_url)
    try:
        store = SqlPlatformState(engine)
        async with logged_in(settings) as client:
            assert client is not None
            now = SystemClock().now()
            assert not await sync(client, definitions(), settings.discord.guild_id, store, now)
            assert len(fake.calls_to("PUT", guild_commands(fake))) == 1
            changed = [*definitions()[:-1]]
            assert await sync(client, changed, settings.discord.guild_id, store, now)
            assert fake.calls_to("PUT", guild_commands(fake))[-1].json == changed
            assert await store.get(scope_name(int(fake.guild_id))) == definitions_hash(changed)
    finally:
        await engine.dispose()


# --- a token Discord refuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["discord", "sync"], ["discord", "invite"]])
async def test_a_refused_token_stops_with_one_sentence(
    command: list[str], fake: FakeDiscord, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail_next("GET", "/users/@me", status=401, json={"code": 0, "message": "401: Unauthorized"})
    assert await hearth(command, env_for(fake, database_url, DISCORD_GUILD_ID=fake.guild_id)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "hearth: Discord refused DISCORD_TOKEN: copy it again from the Bot page of the application.\n"
    assert not fake.calls_to("PUT", r".*")
    if command[1] == "sync":
        assert await recorded_hash(database_url, int(fake.guild_id)) is None


async def test_a_server_that_has_not_invited_hearth_refuses_the_commands(
    fake: FakeDiscord, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail_next("PUT", guild_commands(fake), status=403, json={"code": 50001, "message": "Missing Access"})
    assert await hearth(["discord", "sync"], env_for(fake, database_url, DISCORD_GUILD_ID=fake.guild_id)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"hearth: Discord refused the commands for server {fake.guild_id}")
    assert "hearth discord invite" in err
    assert "Traceback" not in err
    assert await recorded_hash(database_url, int(fake.guild_id)) is None


async def test_discord_out_of_reach_stops_with_one_sentence(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `hearth` points discord.py at DISCORD_API_URL for the whole process; no fake restores it here.
    monkeypatch.setattr(discord_http.Route, "BASE", discord_http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord() as fake:
        env = env_for(fake, database_url)
    # The fake has stopped: nothing answers at its address any more.
    assert await hearth(["discord", "sync"], env) == 2
    err = capsys.readouterr().err
    assert err.startswith("hearth: cannot reach Discord at ")
    assert "DISCORD_API_URL" in err
    assert "Traceback" not in err
