"""Registering Hearth's application commands with Discord, and only when they changed.

Discord allows 200 command creations a day per server, and every overwrite makes clients reload their command
lists, so the definitions are never pushed on every start: `hearth discord sync` pushes them, and a start pushes
them only when the hash of the definitions differs from the one recorded after the last push to the same place
(globally, or the development server of `DISCORD_GUILD_ID`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import discord

from adapters.discord.commands import definitions_hash

log = logging.getLogger("hearth.discord")


class HashStore(Protocol):
    async def get(self, name: str) -> str | None: ...

    async def put(self, name: str, value: str, at: datetime) -> None: ...


def scope_name(guild_id: int | None) -> str:
    """The name the hash of a place's commands is recorded under."""
    return f"discord.commands.guild.{guild_id}" if guild_id is not None else "discord.commands.global"


async def push(client: discord.Client, definitions: Sequence[Mapping[str, Any]], guild_id: int | None) -> int:
    """Overwrite the application's commands (in `guild_id`, or globally) with `definitions`; returns how many
    Discord now has. The client must be logged in (its application id comes from the login)."""
    application_id = client.application_id
    if application_id is None:
        raise RuntimeError("the Discord client is not logged in")
    payload: Any = list(definitions)
    if guild_id is not None:
        answer = await client.http.bulk_upsert_guild_commands(application_id, guild_id, payload)
    else:
        answer = await client.http.bulk_upsert_global_commands(application_id, payload)
    return len(answer)


async def sync(client: discord.Client, definitions: Sequence[Mapping[str, Any]], guild_id: int | None,
               store: HashStore, at: datetime, *, force: bool = False) -> bool:
    """Push the definitions when they changed since the last push to the same place (always with `force`);
    records the new hash. Returns whether it pushed."""
    digest = definitions_hash(definitions)
    name = scope_name(guild_id)
    if not force and await store.get(name) == digest:
        log.info("Discord commands unchanged (%s); not synced", digest[:12])
        return False
    count = await push(client, definitions, guild_id)
    await store.put(name, digest, at)
    where = f"server {guild_id}" if guild_id is not None else "every server (global commands)"
    log.info("synced %d Discord commands to %s", count, where)
    return True
