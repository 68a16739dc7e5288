"""`hearth run` on Discord stopped while an answer hangs: the stop keeps to HEARTH_STOP_SECONDS, says how many answers
it leaves, and the next start gives that answer by editing the original response."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adapters import wiring
from adapters.run import start
from adapters.settings import Settings
from bot.context import EventContext
from bot.i18n import Msg
from bot.messages import Message
from commands.catalog import Catalog, build_catalog
from commands.spec import CommandSpec
from tests.discord.fake_discord import FakeDiscord
from tests.slack.test_slack_run import free_port

OPTIONS = {"identify_delay": 0, "guild_ready_timeout": 0.2}


async def test_a_stop_leaves_the_hanging_answer_for_the_next_start(
        sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    release = asyncio.Event()
    hanging = asyncio.Event()

    async def waiting(ctx: EventContext, args: dict[str, Any]) -> None:
        hanging.set()
        await release.wait()
        await ctx.reply(Message.text("the answer at last", ephemeral=True))

    def with_waiting() -> Catalog:
        catalog = build_catalog()
        catalog.registry.add(CommandSpec(("waiting",), Msg("A command that waits"), waiting))
        return catalog

    monkeypatch.setattr(wiring, "build_catalog", with_waiting)  # every start builds Hearth with /waiting

    async with FakeDiscord() as fake:
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "DISCORD_TOKEN": "MTA.fake.token", "DISCORD_API_URL": fake.base_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url, "HEARTH_STOP_SECONDS": "1",
            "HEARTH_HTTP_PORT": str(free_port()),
        })
        running = await start(settings, discord_options=OPTIONS)
        payload = fake.interaction_payload("waiting")
        await fake.dispatch("INTERACTION_CREATE", payload)
        [deferral] = await fake.wait_for("POST", rf"/interactions/{payload['id']}/[^/]+/callback")
        assert deferral.json["type"] == 5
        assert hanging.is_set()

        loop = asyncio.get_running_loop()
        began = loop.time()
        assert await running.stop() == 1
        assert loop.time() - began < 3
        assert "Stopped; 1 answer is left for the next start." in capsys.readouterr().out

        release.set()
        again = await start(settings, discord_options=OPTIONS)
        try:
            [edit] = await fake.wait_for("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
            assert edit.json["content"] == "the answer at last"
        finally:
            assert await again.stop() == 0
        assert "Stopped; 0 answers are left for the next start." in capsys.readouterr().out
