"""The fake Discord serves a real discord.py client: login, READY, events, messages, interactions, rate limits."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from tests.discord.fake_discord import EPHEMERAL, FakeDiscord

MESSAGE_CONTENT = 1 << 15


def _intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = False
    return intents


@contextlib.asynccontextmanager
async def _running(client: discord.Client, fake: FakeDiscord, connections: int = 1) -> AsyncIterator[None]:
    task = asyncio.create_task(client.start("fake-token"))
    try:
        await fake.wait_until_ready(connections=connections)
        await asyncio.wait_for(client.wait_until_ready(), 5)
        yield
    finally:
        await client.close()
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    client = discord.Client(intents=_intents(), guild_ready_timeout=0.5)
    async with _running(client, fake):
        yield client


async def test_login_and_ready_fill_the_cache(fake: FakeDiscord, client: discord.Client) -> None:
    assert client.user is not None
    assert client.user.id == int(fake.bot_user_id)
    assert client.application_id == int(fake.application_id)
    guild = client.get_guild(int(fake.guild_id))
    assert guild is not None
    assert guild.name == fake.guild_name
    channel = guild.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    assert client.get_channel(int(fake.channel_id)) is channel
    [identify] = fake.identifies
    assert identify["token"] == "fake-token"
    assert not identify["intents"] & MESSAGE_CONTENT
    assert fake.calls_to("GET", "/users/@me")
    assert fake.calls_to("GET", "/oauth2/applications/@me")


async def test_restores_discord_addresses_on_exit() -> None:
    base = discord.http.Route.BASE
    async with FakeDiscord() as fake:
        assert fake.base_url == discord.http.Route.BASE
    assert base == discord.http.Route.BASE


async def test_message_create_reaches_on_message(fake: FakeDiscord, client: discord.Client) -> None:
    received: list[discord.Message] = []
    arrived = asyncio.Event()

    async def on_message(message: discord.Message) -> None:
        received.append(message)
        arrived.set()

    client.event(on_message)
    author = fake.user_payload("4242", "ada")
    await fake.dispatch("MESSAGE_CREATE", fake.message_payload(author=author))
    await asyncio.wait_for(arrived.wait(), 5)

    [message] = received
    assert message.author.id == 4242
    assert isinstance(message.author, discord.Member)
    assert message.channel.id == int(fake.channel_id)
    assert message.guild is not None
    assert message.content == ""


async def test_channel_send_is_recorded(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)

    sent = await channel.send("hi")

    [call] = await fake.wait_for("POST", rf"/channels/{fake.channel_id}/messages")
    assert call.json["content"] == "hi"
    assert call.headers["authorization"] == "Bot fake-token"
    assert sent.content == "hi"
    assert sent.author.id == int(fake.bot_user_id)
    edited = await sent.edit(content="hello")
    assert edited.content == "hello"
    assert fake.calls_to("PATCH", rf"/channels/{fake.channel_id}/messages/{sent.id}")


async def test_interaction_reaches_on_interaction_and_records_the_callback(
    fake: FakeDiscord, client: discord.Client
) -> None:
    interactions: list[discord.Interaction] = []
    answered = asyncio.Event()

    async def on_interaction(interaction: discord.Interaction) -> None:
        interactions.append(interaction)
        await interaction.response.send_message("ok", ephemeral=True)
        answered.set()

    client.event(on_interaction)
    payload = fake.interaction_payload("hearth")
    await fake.dispatch("INTERACTION_CREATE", payload)
    await asyncio.wait_for(answered.wait(), 5)

    [interaction] = interactions
    assert interaction.type is discord.InteractionType.application_command
    assert interaction.guild_id == int(fake.guild_id)
    [call] = fake.calls_to("POST", rf"/interactions/{payload['id']}/[^/]+/callback")
    assert call.json["type"] == 4
    assert call.json["data"]["content"] == "ok"
    assert call.json["data"]["flags"] & EPHEMERAL
    original = await interaction.edit_original_response(content="done")
    assert original.content == "done"
    followup = await interaction.followup.send("more", wait=True)
    assert followup.content == "more"


async def test_a_file_upload_records_the_payload_and_the_file(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)

    await channel.send("see attached", file=discord.File(io.BytesIO(b"BEGIN:VCALENDAR"), filename="event.ics"))

    [call] = fake.calls_to("POST", rf"/channels/{fake.channel_id}/messages")
    assert call.json["content"] == "see attached"
    assert call.files == (("event.ics", b"BEGIN:VCALENDAR"),)


async def test_rate_limit_with_via_is_retried(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    path = rf"/channels/{fake.channel_id}/messages"
    fake.fail_next("POST", path, status=429, retry_after=0.1)

    sent = await channel.send("again")

    first, second = fake.calls_to("POST", path)
    assert second.at - first.at >= 0.1
    assert sent.content == "again"


async def test_other_scripted_failures_raise(fake: FakeDiscord, client: discord.Client) -> None:
    channel = client.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    fake.fail_next(
        "POST", r"/channels/\d+/messages", status=403, json={"code": 50013, "message": "Missing Permissions"}
    )

    with pytest.raises(discord.Forbidden) as raised:
        await channel.send("no")

    assert raised.value.code == 50013


async def test_dm_to_a_closed_member_is_forbidden(fake: FakeDiscord, client: discord.Client) -> None:
    fake.closed_dms.add("777")
    user = discord.Object(777)
    dm = await client.create_dm(user)

    with pytest.raises(discord.Forbidden) as raised:
        await dm.send("hello")

    assert raised.value.code == 50007
    open_dm = await client.create_dm(discord.Object(778))
    assert (await open_dm.send("hello")).content == "hello"


async def test_unknown_routes_and_channels_are_404(fake: FakeDiscord, client: discord.Client) -> None:
    with pytest.raises(discord.NotFound) as unknown_route:
        await client.fetch_user(1234)
    with pytest.raises(discord.NotFound) as unknown_channel:
        await client.fetch_channel(1234)

    assert unknown_route.value.code == 0
    assert unknown_channel.value.code == 10003
    assert isinstance(await client.fetch_channel(int(fake.channel_id)), discord.TextChannel)


async def test_command_sync_is_stored_and_echoed(fake: FakeDiscord, client: discord.Client) -> None:
    tree = discord.app_commands.CommandTree(client)
    guild = discord.Object(int(fake.guild_id))

    @tree.command(name="hearth", description="Hearth", guild=guild)
    async def hearth(interaction: discord.Interaction) -> None:  # pragma: no cover - never invoked
        del interaction

    synced = await tree.sync(guild=guild)

    [command] = synced
    assert command.name == "hearth"
    assert command.id
    assert command.guild_id == int(fake.guild_id)
    fetched = await tree.fetch_commands(guild=guild)
    assert [cmd.id for cmd in fetched] == [command.id]
    [call] = fake.calls_to("PUT", rf"/applications/{fake.application_id}/guilds/{fake.guild_id}/commands")
    assert call.json[0]["name"] == "hearth"


class _ShardedClient(discord.AutoShardedClient):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's five seconds between IDENTIFYs: the fake has no identify rate limit."""


async def test_two_shards_open_two_connections(fake: FakeDiscord) -> None:
    client = _ShardedClient(intents=_intents(), shard_count=2, shard_ids=[0, 1], guild_ready_timeout=0.5)
    async with _running(client, fake, connections=2):
        shards: list[Any] = sorted(identify["shard"] for identify in fake.identifies)
        assert shards == [[0, 2], [1, 2]]
        assert client.get_guild(int(fake.guild_id)) is not None
        guild = client.get_guild(int(fake.guild_id))
        assert guild is not None
        assert guild.shard_id == (int(fake.guild_id) >> 22) % 2
