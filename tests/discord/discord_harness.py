"""A real Hearth with its real Discord adapter and discord.py client, connected to a `FakeDiscord` on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from adapters.discord.app import DiscordAdapter, HearthClient, HearthShardedClient
from adapters.settings import Settings
from adapters.wiring import Hearth, build_discord_adapter, build_hearth, build_hooks, connect_platforms, open_storage
from bot.clock import SystemClock
from bot.ports import Clock
from tests.discord.fake_discord import JSON, FakeDiscord


@dataclass
class DiscordWorld:
    fake: FakeDiscord
    hearth: Hearth
    adapter: DiscordAdapter
    client: HearthClient | HearthShardedClient
    gateway: asyncio.Task[None]

    async def command(self, name: str = "hearth", *options: JSON, user: JSON | None = None) -> JSON:
        """Dispatch a chat-input command (options as Discord nests them); returns its interaction payload."""
        payload = self.fake.interaction_payload(name, options=list(options), user=user)
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def answer(self, payload: JSON, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        """The body of the callback Hearth sent for the interaction `payload`."""
        [call] = await self.fake.wait_for("POST", rf"/interactions/{payload['id']}/[^/]+/callback", timeout=timeout)
        body: JSON = call.json
        return body

    async def click(self, message: JSON, custom_id: str, *, user: JSON | None = None,
                    values: list[str] | None = None) -> JSON:
        """Dispatch a click on the component `custom_id` of the (fake's stored) `message`."""
        data: JSON = {"custom_id": custom_id, "component_type": 3 if values is not None else 2}
        if values is not None:
            data["values"] = values
        payload = self.fake.interaction_payload(interaction_type=3, data=data, user=user)
        payload["message"] = message
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return payload


def subcommand(name: str, *options: JSON) -> JSON:
    return {"name": name, "type": 1, "options": list(options)}


def group(name: str, *subcommands: JSON) -> JSON:
    return {"name": name, "type": 2, "options": list(subcommands)}


def option(name: str, value: Any, kind: int = 3) -> JSON:
    return {"name": name, "type": kind, "value": value}


@asynccontextmanager
async def discord_world(
    database_url: str,
    *,
    fake: FakeDiscord | None = None,
    clock: Clock | None = None,
    env: Mapping[str, str] | None = None,
    defer_after: float = 2.0,
    customize: Callable[[Hearth], None] | None = None,
    connections: int = 1,
) -> AsyncIterator[DiscordWorld]:
    """Hearth on `database_url` connected to `fake` (a new one unless given; it is then left running)."""
    own_fake = fake is None
    if fake is None:
        fake = FakeDiscord()
        await fake.start()
    settings = Settings.from_env({
        "DATABASE_URL": database_url, "DISCORD_TOKEN": "MTA.fake.token", "DISCORD_API_URL": fake.base_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url, "HEARTH_POLL_KEY": "ab" * 32, **(env or {}),
    })
    assert settings.discord is not None
    clock = clock or SystemClock()
    storage = await open_storage(settings)
    platforms = connect_platforms(settings, storage, clock,
                                  discord_options={"identify_delay": 0, "guild_ready_timeout": 0.2})
    assert platforms.discord is not None
    client = platforms.discord.client
    hooks = build_hooks(settings, storage, clock, platforms)
    hearth = await build_hearth(settings, messenger=platforms.discord.messenger, storage=storage, clock=clock,
                                hooks=hooks)
    if customize is not None:
        customize(hearth)  # before the adapter, which generates the application commands from the catalogue
    adapter = build_discord_adapter(settings, hearth, platforms.discord, defer_after=defer_after)
    gateway = await adapter.start()
    try:
        await fake.wait_until_ready(connections=connections)
        await asyncio.wait_for(client.wait_until_ready(), 5)
        yield DiscordWorld(fake, hearth, adapter, client, gateway)
    finally:
        await adapter.close()
        await asyncio.gather(gateway, return_exceptions=True)
        await hearth.close()
        if own_fake:
            await fake.stop()
