"""`hearth discord sync` and `hearth discord invite`: setting a bot up without starting it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import discord

from adapters.discord.app import HearthClient, HearthShardedClient, build_client, point_at
from adapters.discord.commands import command_definitions, invite_url
from adapters.discord.sync import HashStore
from adapters.discord.sync import sync as sync_commands
from adapters.settings import Settings
from bot.catalogs import Catalogs
from bot.clock import SystemClock
from commands.catalog import build_catalog


@asynccontextmanager
async def logged_in(settings: Settings) -> AsyncIterator[HearthClient | HearthShardedClient | None]:
    """A client logged in with DISCORD_TOKEN (REST only, no gateway), or None after saying why not."""
    assert settings.discord is not None
    point_at(settings.discord)
    client = build_client(settings.discord)
    try:
        await client.login(settings.discord.token)
    except discord.LoginFailure:
        print("hearth: Discord refused DISCORD_TOKEN: copy it again from the Bot page of the application.",
              file=sys.stderr)
        await client.close()
        yield None
        return
    except (aiohttp.ClientError, OSError) as error:
        print(f"hearth: cannot reach Discord at {settings.discord.api_url} ({error}): check the network, or "
              "DISCORD_API_URL if you set it.", file=sys.stderr)
        await client.close()
        yield None
        return
    except discord.HTTPException as error:
        print(f"hearth: Discord did not let Hearth log in ({error.status}: {error.text[:200]}); try again later.",
              file=sys.stderr)
        await client.close()
        yield None
        return
    try:
        yield client
    finally:
        await client.close()


async def sync(settings: Settings, hashes: HashStore, *, everywhere: bool = False) -> int:
    """Push the commands now (globally, or to DISCORD_GUILD_ID) and record their hash in `hashes`, so starts
    skip it."""
    assert settings.discord is not None
    guild_id = None if everywhere else settings.discord.guild_id
    definitions = command_definitions(build_catalog(), Catalogs.load())
    async with logged_in(settings) as client:
        if client is None:
            return 2
        try:
            await sync_commands(client, definitions, guild_id, hashes, SystemClock().now(), force=True)
        except discord.Forbidden as error:
            if guild_id is None:
                print(f"hearth: Discord refused the commands ({error.status}, code {error.code}: {error.text}).",
                      file=sys.stderr)
            else:
                print(f"hearth: Discord refused the commands for server {guild_id}: add Hearth to that server "
                      "first with the link of hearth discord invite (it includes applications.commands), "
                      "or check DISCORD_GUILD_ID.", file=sys.stderr)
            return 2
        except discord.HTTPException as error:
            print(f"hearth: Discord refused the commands ({error.status}, code {error.code}: {error.text[:300]}).",
                  file=sys.stderr)
            return 2
        except (aiohttp.ClientError, OSError) as error:
            print(f"hearth: the connection to Discord broke while registering the commands ({error}); "
                  "run hearth discord sync again.", file=sys.stderr)
            return 2
    where = f"server {guild_id} (they appear at once)" if guild_id else "every server (Discord may take a while)"
    print(f"Registered {len(definitions)} Discord commands in {where}.")
    return 0


async def application_id(settings: Settings) -> str | None:
    async with logged_in(settings) as client:
        if client is None:
            return None
        return str(client.application_id)


def invite(settings: Settings, application: str, *, scheduled_events: bool) -> int:
    try:
        if not application.isascii():  # "²" and "١٢٣" are digits to str.isdigit(), not to Discord
            raise ValueError(f"a Discord application id is a number, not {application!r}")
        url = invite_url(application, scheduled_events=scheduled_events)
    except ValueError as error:
        print(f"hearth: {error}", file=sys.stderr)
        return 2
    print(url)
    return 0
