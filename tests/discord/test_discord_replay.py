"""What Hearth acknowledged on Discord is never lost: an interaction deferred and left unanswered by a stop or a
crash is answered by the next start on the same database, once, through the interaction's webhook.

Each test runs a first Hearth against the fake Discord, stops it while a command waits, and starts a second one on
the same database and the same fake (the interaction's token still works there, as on Discord for 15 minutes).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.discord.custom_ids import custom_id
from adapters.wiring import Hearth
from bot.clock import SimulatedClock
from bot.context import EventContext
from bot.i18n import Msg
from bot.messages import Message
from commands.spec import CommandSpec
from storage.acknowledged import LEASE
from tests.discord.discord_harness import DiscordWorld, discord_world
from tests.discord.fake_discord import EPHEMERAL, JSON, FakeDiscord

DONE_NOTE = ("Hearth restarted before it could answer you, but what you asked for was done. There is no need to "
             "ask again.")


class Waiting:
    """A command `/waiting` and a button `test.wait` that write when `writes`, then wait until released, then
    answer (privately unless `public`)."""

    def __init__(self, *, writes: bool = False, public: bool = False) -> None:
        self.writes = writes
        self.public = public
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        self.runs = 0

    async def handler(self, ctx: EventContext, args: dict[str, Any]) -> None:
        await self.work(ctx)

    async def work(self, ctx: EventContext) -> None:
        self.runs += 1
        if self.writes:
            async with ctx.unit_of_work() as uow:
                await uow.commit()
        self.started.set()
        await self.release.wait()
        await ctx.reply(Message.text("the answer at last", ephemeral=not self.public))

    def customize(self, hearth: Hearth) -> None:
        hearth.catalog.registry.add(CommandSpec(("waiting",), Msg("A command that waits"), self.handler))
        hearth.catalog.interactions.on_plain_action("test.wait", self.work, needs_community=False)


async def stopped_while_waiting(database_url: str, fake: FakeDiscord, waiting: Waiting, *, defer_after: float = 0.01,
                                release: bool = True) -> JSON:
    """Run `/waiting` in a first Hearth and stop it (with a short grace) before it answers; returns the
    interaction's payload. `release` hands its records back as a clean stop does (a crash does not)."""
    async with discord_world(database_url, fake=fake, customize=waiting.customize, defer_after=defer_after) as first:
        payload = await first.command("waiting")
        await asyncio.wait_for(waiting.started.wait(), 5)
        if defer_after < 1:
            assert (await first.answer(payload))["type"] == 5  # deferred: "Hearth is thinking…"
        loop = asyncio.get_running_loop()
        began = loop.time()
        await first.adapter.close(0.05)
        assert loop.time() - began < 2
        assert await first.hearth.acknowledgements.unfinished("discord") == 1
        if release:
            await first.hearth.acknowledgements.release(first.hearth.clock.now())
    return payload


def webhook_calls(fake: FakeDiscord, payload: JSON) -> list[str]:
    token = payload["token"]
    return [f"{call.method} {call.path.split(token)[1] or '/'}" for call in fake.calls
            if call.path.startswith(f"/webhooks/{fake.application_id}/{token}")]


async def replayed(world: DiscordWorld) -> None:
    await world.adapter.in_flight.wait_idle(5)


async def test_a_deferred_command_left_by_a_stop_is_answered_once_by_the_next_start(
        database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    waiting = Waiting()
    async with FakeDiscord() as fake:
        payload = await stopped_while_waiting(database_url, fake, waiting)
        assert webhook_calls(fake, payload) == []  # the thinking message was left as it was
        waiting.release.set()

        with caplog.at_level(logging.INFO, logger="hearth.discord"):
            async with discord_world(database_url, fake=fake, customize=waiting.customize) as second:
                await replayed(second)
                assert webhook_calls(fake, payload) == ["PATCH /messages/@original"]
                [edit] = fake.calls_to("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
                assert edit.json["content"] == "the answer at last"
                assert fake.interaction_responses[payload["token"]]["content"] == "the answer at last"
                assert len(fake.calls_to("POST", rf"/interactions/{payload['id']}/[^/]+/callback")) == 1
                assert await second.hearth.acknowledgements.unfinished("discord") == 0
        assert ("1 Discord interactions left unfinished by an earlier run are finished now: 1 done again, 0 done "
                "already") in caplog.text
        assert waiting.runs == 2


async def test_a_public_answer_done_again_takes_the_thinking_messages_place_in_the_channel(sqlite_url: str) -> None:
    waiting = Waiting(public=True)
    async with FakeDiscord() as fake:
        payload = await stopped_while_waiting(sqlite_url, fake, waiting)
        waiting.release.set()

        async with discord_world(sqlite_url, fake=fake, customize=waiting.customize) as second:
            await replayed(second)
            assert webhook_calls(fake, payload) == ["DELETE /messages/@original"]
            assert payload["token"] not in fake.interaction_responses
            [posted] = fake.calls_to("POST", rf"/channels/{fake.channel_id}/messages")
            assert posted.json["content"] == "the answer at last"


async def test_work_that_committed_is_not_done_again_the_member_is_told_it_was_done(database_url: str) -> None:
    waiting = Waiting(writes=True)
    async with FakeDiscord() as fake:
        payload = await stopped_while_waiting(database_url, fake, waiting, release=False)  # as after kill -9
        waiting.release.set()
        after_the_lease = SimulatedClock(datetime.now(UTC) + LEASE + timedelta(seconds=1))

        async with discord_world(database_url, fake=fake, customize=waiting.customize, clock=after_the_lease) as second:
            await replayed(second)
            assert webhook_calls(fake, payload) == ["PATCH /messages/@original"]
            [edit] = fake.calls_to("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
            assert edit.json["content"] == DONE_NOTE
        assert waiting.runs == 1


async def test_the_done_note_is_in_the_members_language(sqlite_url: str) -> None:
    waiting = Waiting(writes=True)
    async with FakeDiscord() as fake:
        async with discord_world(sqlite_url, fake=fake, customize=waiting.customize, defer_after=0.01) as first:
            payload = fake.interaction_payload("waiting")
            payload["locale"] = "nl"
            await fake.dispatch("INTERACTION_CREATE", payload)
            await asyncio.wait_for(waiting.started.wait(), 5)
            await first.answer(payload)
            await first.adapter.close(0.05)
            await first.hearth.acknowledgements.release(first.hearth.clock.now())

        async with discord_world(sqlite_url, fake=fake, customize=waiting.customize) as second:
            await replayed(second)
            [edit] = fake.calls_to("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
            assert edit.json["content"] == ("Hearth is opnieuw gestart voordat het je kon antwoorden, maar wat je "
                                            "vroeg is gedaan. Je hoeft het niet opnieuw te vragen.")


async def test_an_interaction_never_deferred_is_dropped(sqlite_url: str) -> None:
    waiting = Waiting()
    async with FakeDiscord() as fake:
        payload = await stopped_while_waiting(sqlite_url, fake, waiting, defer_after=30)
        waiting.release.set()

        async with discord_world(sqlite_url, fake=fake, customize=waiting.customize) as second:
            await replayed(second)
            assert webhook_calls(fake, payload) == []
            assert fake.calls_to("POST", rf"/interactions/{payload['id']}/[^/]+/callback") == []
            assert await second.hearth.acknowledgements.pending("discord", second.hearth.clock.now()) == []
        assert waiting.runs == 1


async def test_an_interaction_whose_token_expired_is_dropped(sqlite_url: str) -> None:
    waiting = Waiting()
    async with FakeDiscord() as fake:
        payload = await stopped_while_waiting(sqlite_url, fake, waiting)
        waiting.release.set()
        too_late = SimulatedClock(datetime.now(UTC) + timedelta(minutes=15, seconds=1))

        async with discord_world(sqlite_url, fake=fake, customize=waiting.customize, clock=too_late) as second:
            await replayed(second)
            assert webhook_calls(fake, payload) == []
            assert await second.hearth.acknowledgements.pending("discord", too_late.now()) == []
        assert waiting.runs == 1


async def test_a_second_start_replays_nothing(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    waiting = Waiting()
    async with FakeDiscord() as fake:
        payload = await stopped_while_waiting(database_url, fake, waiting)
        waiting.release.set()
        async with discord_world(database_url, fake=fake, customize=waiting.customize) as second:
            await replayed(second)
        answered = len(fake.calls)

        with caplog.at_level(logging.INFO, logger="hearth.discord"):
            async with discord_world(database_url, fake=fake, customize=waiting.customize) as third:
                await replayed(third)
                assert await third.adapter.replay() == 0
        assert webhook_calls(fake, payload) == ["PATCH /messages/@original"]
        assert not [call for call in fake.calls[answered:] if call.path.startswith("/webhooks/")]
        assert "left unfinished by an earlier run are finished now" not in caplog.text
        assert waiting.runs == 2


@pytest.mark.parametrize("writes", [False, True], ids=["done again", "told it was done"])
async def test_a_deferred_click_is_answered_with_a_private_follow_up(sqlite_url: str, writes: bool) -> None:
    waiting = Waiting(writes=writes)
    async with FakeDiscord() as fake:
        async with discord_world(sqlite_url, fake=fake, customize=waiting.customize, defer_after=0.01) as first:
            button = {"type": 2, "style": 2, "label": "Go", "custom_id": custom_id("test.wait")}
            message = fake.message_payload(author=fake.bot_user(), components=[{"type": 1, "components": [button]}])
            payload = await first.click(message, custom_id("test.wait"))
            await asyncio.wait_for(waiting.started.wait(), 5)
            assert (await first.answer(payload))["type"] == 6  # deferred; the member sees nothing change
            await first.adapter.close(0.05)
            await first.hearth.acknowledgements.release(first.hearth.clock.now())
        waiting.release.set()

        async with discord_world(sqlite_url, fake=fake, customize=waiting.customize) as second:
            await replayed(second)
            assert webhook_calls(fake, payload) == ["POST /"]  # a follow-up; the clicked message is left alone
            [follow_up] = fake.calls_to("POST", rf"/webhooks/\d+/{payload['token']}")
            assert follow_up.json["flags"] & EPHEMERAL
            assert follow_up.json["content"] == (DONE_NOTE if writes else "the answer at last")
        assert waiting.runs == (1 if writes else 2)


async def test_an_interaction_delivered_twice_is_handled_once(
        sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    waiting = Waiting()
    async with discord_world(sqlite_url, customize=waiting.customize, defer_after=0.01) as world:
        payload = await world.command("waiting")
        await asyncio.wait_for(waiting.started.wait(), 5)
        with caplog.at_level(logging.INFO, logger="hearth.discord"):
            await world.fake.dispatch("INTERACTION_CREATE", payload)  # as a gateway might replay it
            async with asyncio.timeout(5):
                while f"Discord delivered interaction {payload['id']} again" not in caplog.text:  # noqa: ASYNC110
                    await asyncio.sleep(0)  # the client's task for the repeat runs meanwhile
        await world.answer(payload)
        waiting.release.set()
        await world.fake.wait_for("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
        await world.adapter.in_flight.wait_idle(5)

        assert waiting.runs == 1
        assert len(world.fake.calls_to("POST", rf"/interactions/{payload['id']}/[^/]+/callback")) == 1
        assert await world.hearth.acknowledgements.unfinished("discord") == 0
