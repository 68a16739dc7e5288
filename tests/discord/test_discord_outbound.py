"""What Hearth sends to Discord and how the adapter lives: DMs, nonces, threads, edits, clicks that only update a
message, autocomplete, command sync on change, server removal, and `hearth run` with Slack and Discord together."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from adapters.discord.messenger import DM_RETRY_AFTER, nonce
from adapters.run import run_until_stopped, start
from adapters.settings import Settings, SettingsError
from adapters.wiring import Hearth
from bot.action_refs import ActionRef
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.context import EventContext
from bot.events import MessagePosted
from bot.i18n import _, render
from bot.messages import (
    Actions,
    Attachment,
    Button,
    Field,
    Fields,
    Message,
    Option,
    Paragraph,
    Select,
    Text,
    Timestamp,
    TimestampStyle,
)
from bot.ports import DeliveryError
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from bot.scheduling.model import Occurrence, TransientDeliveryError
from bot.tenancy import Community
from tests.discord.discord_harness import DiscordWorld, discord_world, option, subcommand
from tests.discord.fake_discord import FakeDiscord
from tests.references import community_of, reference
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_harness import Recorder
from tests.slack.test_slack_run import free_port


class SteppingClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment


def _channel(world: DiscordWorld, channel_id: str | None = None) -> ChannelRef:
    return ChannelRef(WorkspaceRef(Platform.DISCORD, world.fake.guild_id), channel_id or world.fake.channel_id)


async def _community(world: DiscordWorld) -> Community:
    """The community set up in the fake's channel (clicks carry references of a community)."""
    await world.answer(await world.command("hearth", subcommand("setup")))
    return await community_of(world.hearth, _channel(world))


async def test_a_member_with_closed_dms_is_remembered_and_not_tried_again(sqlite_url: str) -> None:
    clock = SteppingClock()
    async with discord_world(sqlite_url, clock=clock) as world:
        world.fake.closed_dms.add("777")
        member = MemberRef(WorkspaceRef(Platform.DISCORD, world.fake.guild_id), "777")
        messenger = world.adapter.messenger

        with pytest.raises(DeliveryError):
            await messenger.send_direct(member, Message.text("hello"))
        posts = len(world.fake.calls_to("POST", r"/channels/\d+/messages"))
        with pytest.raises(DeliveryError):
            await messenger.send_direct(member, Message.text("hello again"))
        assert len(world.fake.calls_to("POST", r"/channels/\d+/messages")) == posts  # not tried

        world.fake.closed_dms.clear()
        clock.moment += DM_RETRY_AFTER
        sent = await messenger.send_direct(member, Message.text("a week later"))
        assert world.fake.messages[sent.id]["content"] == "a week later"


async def test_a_scheduled_send_carries_a_nonce_from_its_occurrence(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        at = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
        occurrence = Occurrence("meeting.reminder", 1, "7", at, at)
        message = Message.text("The meeting starts in an hour.")
        keyed_message = Message(message.blocks, delivery_key=occurrence.delivery_key)
        await world.adapter.messenger.send(_channel(world), keyed_message)
        await world.adapter.messenger.send(_channel(world), message)

        keyed, plain = world.fake.calls_to("POST", rf"/channels/{world.fake.channel_id}/messages")
        assert keyed.json["nonce"] == nonce(occurrence.delivery_key, 0)
        assert len(keyed.json["nonce"]) <= 25
        assert keyed.json["enforce_nonce"] is True
        assert plain.json.get("nonce") != keyed.json["nonce"]  # discord.py's own, different each time
        again = Occurrence("meeting.reminder", 1, "7", at, at)
        assert nonce(again.delivery_key, 0) == keyed.json["nonce"]
        assert nonce(Occurrence("meeting.reminder", 1, "8", at, at).delivery_key, 0) != keyed.json["nonce"]


async def test_a_reply_goes_into_the_thread_or_answers_the_message(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        fake = world.fake
        channel = _channel(world)
        thread_id = fake.snowflake()
        fake.channels[thread_id] = {
            "id": thread_id, "type": 11, "guild_id": fake.guild_id, "parent_id": fake.channel_id, "name": "agenda",
            "thread_metadata": {"archived": False, "locked": False, "auto_archive_duration": 1440,
                                "archive_timestamp": "2026-11-22T10:00:00+00:00"},
            "flags": 0, "owner_id": fake.owner_id, "message_count": 0, "member_count": 1, "rate_limit_per_user": 0,
            "last_message_id": None,
        }
        in_thread = await world.adapter.messenger.send(
            channel, Message(Message.text("in the thread").blocks, thread=MessageRef(channel, thread_id)))
        as_reply = await world.adapter.messenger.send(
            channel, Message(Message.text("as a reply").blocks, thread=MessageRef(channel, "12345")))

        assert in_thread.channel.id == thread_id
        [reply] = fake.calls_to("POST", rf"/channels/{fake.channel_id}/messages")
        assert str(reply.json["message_reference"]["message_id"]) == "12345"
        assert reply.json["message_reference"]["fail_if_not_exists"] is False
        assert as_reply.channel.id == fake.channel_id


async def test_a_click_that_only_updates_its_message_is_acknowledged(sqlite_url: str) -> None:
    async def bump(ctx: EventContext, ref: ActionRef) -> None:
        message = ctx.clicked_message(ref)
        assert message is not None
        await ctx.messenger.update(message, Message.text(f"count {ref.payload[0] + 1}"))

    def customize(hearth: Hearth) -> None:
        hearth.catalog.interactions.on_action("test.bump", bump, kind="tb")

    async with discord_world(sqlite_url, customize=customize) as world:
        community = await _community(world)
        sent = await world.adapter.messenger.send(_channel(world), Message(
            (*Message.text("count 0").blocks,
             Actions((Button("+1", "test.bump", reference(world.hearth, community, "tb", 1, 0)),))),
        ))
        stored = world.fake.messages[sent.id]
        click = await world.click(stored, stored["components"][0]["components"][0]["custom_id"])
        answer = await world.answer(click)

        assert answer["type"] == 6  # acknowledged without a new message
        [edit] = world.fake.calls_to("PATCH", rf"/channels/{world.fake.channel_id}/messages/{sent.id}")
        assert edit.json["content"] == "count 1"


async def test_clicks_reach_hearth_once_and_discord_py_keeps_nothing_per_message(sqlite_url: str) -> None:
    clicks: list[int] = []

    async def count(ctx: EventContext, ref: ActionRef) -> None:
        clicks.append(ref.payload[0])

    def customize(hearth: Hearth) -> None:
        hearth.catalog.interactions.on_action("test.count", count, kind="tc")

    async with discord_world(sqlite_url, customize=customize) as world:
        community = await _community(world)
        one, two = (reference(world.hearth, community, "tc", 1, n) for n in (1, 2))
        sent = await world.adapter.messenger.send(_channel(world), Message(
            (*Message.text("count").blocks, Actions((Button("+1", "test.count", one), Button("+2", "test.count", two))),
             )))
        stored = world.fake.messages[sent.id]
        for button in stored["components"][0]["components"]:
            await world.answer(await world.click(stored, button["custom_id"]))

        assert clicks == [1, 2]
        assert world.client.persistent_views == []


async def test_a_click_with_a_custom_id_hearth_cannot_have_made_is_answered_as_a_stale_button(
        sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        sent = await world.adapter.messenger.send(_channel(world), Message.text("hello"))
        foreign = {"type": 2, "style": 2, "label": "x", "custom_id": "x" * 101}
        message = {**world.fake.messages[sent.id], "components": [{"type": 1, "components": [foreign]}]}
        click = await world.click(message, foreign["custom_id"])

        answer = await world.answer(click)
        assert answer["type"] == 4 and answer["data"]["flags"] & 64  # privately
        assert "no longer does anything" in answer["data"]["content"]


async def test_time_zones_and_languages_are_suggested_while_typing(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        payload = world.fake.interaction_payload(interaction_type=4, data={
            "id": "1", "name": "hearth", "type": 1,
            "options": [{"name": "me", "type": 1, "options": [
                {"name": "tz", "type": 3, "value": "brus", "focused": True}]}],
        })
        await world.fake.dispatch("INTERACTION_CREATE", payload)
        answer = await world.answer(payload)

        assert answer["type"] == 8
        assert answer["data"]["choices"][0] == {"name": "Europe/Brussels", "value": "Europe/Brussels"}
        languages = world.fake.interaction_payload(interaction_type=4, data={
            "id": "1", "name": "hearth", "type": 1,
            "options": [{"name": "me", "type": 1, "options": [
                {"name": "lang", "type": 3, "value": "", "focused": True}]}],
        })
        await world.fake.dispatch("INTERACTION_CREATE", languages)
        assert [c["value"] for c in (await world.answer(languages))["data"]["choices"]] == ["en", "nl"]


async def test_commands_are_synced_at_start_only_when_they_changed(sqlite_url: str) -> None:
    async with FakeDiscord() as fake:
        async with discord_world(sqlite_url, fake=fake) as world:
            definitions = world.adapter.definitions
        async with discord_world(sqlite_url, fake=fake):
            pass
        [first] = fake.calls_to("PUT", rf"/applications/{fake.application_id}/commands")
        assert first.json == definitions

        def change(hearth: Hearth) -> None:
            from commands.spec import CommandSpec

            async def nothing(ctx: Any, args: Any) -> None:
                """Only listed."""

            from bot.i18n import Msg

            hearth.catalog.registry.add(CommandSpec(("extra",), Msg("An extra command"), nothing))

        async with discord_world(sqlite_url, fake=fake, customize=change):
            pass
        assert len(fake.calls_to("PUT", rf"/applications/{fake.application_id}/commands")) == 2


async def test_commands_go_to_the_development_server_when_one_is_set(sqlite_url: str) -> None:
    async with FakeDiscord() as fake:
        async with discord_world(sqlite_url, fake=fake, env={"DISCORD_GUILD_ID": fake.guild_id}):
            pass
        assert fake.calls_to("PUT", rf"/applications/{fake.application_id}/guilds/{fake.guild_id}/commands")
        assert not fake.calls_to("PUT", rf"/applications/{fake.application_id}/commands")


async def test_leaving_a_server_schedules_its_erasure_and_coming_back_cancels_it(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        fake = world.fake
        await world.hearth.scheduler.start()
        await world.answer(await world.command("hearth", subcommand("setup", option("goal", "keep me"))))
        await fake.dispatch("GUILD_DELETE", {"id": fake.guild_id})
        await _until_removed(world, removed=True)

        joined = fake.guild_payload()
        del joined["unavailable"]  # a guild Hearth joins, not one coming back from an outage
        await fake.dispatch("GUILD_CREATE", joined)
        await _until_removed(world, removed=False)
        async with world.hearth.uow() as uow:
            workspace = await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, fake.guild_id))
            assert workspace is not None
            [community] = await uow.communities.list(workspace.id)
        assert community.goal == "keep me"


async def test_an_outage_is_not_a_removal(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        fake = world.fake
        await world.answer(await world.command("hearth", subcommand("setup")))
        await fake.dispatch("GUILD_DELETE", {"id": fake.guild_id, "unavailable": True})
        await fake.dispatch("GUILD_CREATE", fake.guild_payload())
        await world.answer(await world.command("hearth", subcommand("help")))
        async with world.hearth.uow() as uow:
            assert await uow.workspaces.removed() == []


async def test_hearth_run_starts_slack_and_discord_together(sqlite_url: str) -> None:
    port = free_port()
    async with FakeSlack() as slack, FakeDiscord() as fake:
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_APP_TOKEN": "xapp-1-run",
            "SLACK_API_URL": slack.base_url, "HEARTH_HTTP_PORT": str(port),
            "DISCORD_TOKEN": "MTA.fake.token", "DISCORD_API_URL": fake.base_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        })
        running = await start(settings, discord_options={"identify_delay": 0, "guild_ready_timeout": 0.2})
        try:
            await fake.wait_until_ready()
            assert running.discord is not None and running.slack is not None
            await asyncio.wait_for(running.discord.client.wait_until_ready(), 5)
            payload = fake.interaction_payload("hearth", options=[{"name": "help", "type": 1, "options": []}])
            await fake.dispatch("INTERACTION_CREATE", payload)
            [call] = await fake.wait_for("POST", rf"/interactions/{payload['id']}/[^/]+/callback")
            assert "/hearth" in json.dumps(call.json)
            # A Slack workspace's message still goes to Slack through the same core.
            await running.hearth.core.messenger.send(
                ChannelRef(WorkspaceRef(Platform.SLACK, slack.team_id), "C1"), Message.text("to Slack"))
            await slack.wait_for("chat.postMessage")
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/calendar/{'a' * 43}.ics") as unknown:
                    assert unknown.status == 404  # the calendar feeds are served, and a wrong address refused
                async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                    assert health.status == 200
        finally:
            await running.stop()
        assert running.gateway is not None and running.gateway.done()


async def _until_removed(world: DiscordWorld, *, removed: bool) -> None:
    async with asyncio.timeout(5):
        while True:
            async with world.hearth.uow() as uow:
                workspace = await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, world.fake.guild_id))
            if workspace is not None and (workspace.removed_at is not None) == removed:
                return
            await asyncio.sleep(0.01)


async def test_a_select_choice_reaches_its_action_with_the_chosen_value(sqlite_url: str) -> None:
    chosen: list[int] = []

    async def pick(ctx: EventContext, ref: ActionRef) -> None:
        chosen.append(ref.payload[0])
        await ctx.reply(Message.text(f"you chose {ref.payload[0]}", ephemeral=True))

    def customize(hearth: Hearth) -> None:
        hearth.catalog.interactions.on_action("test.pick", pick, kind="tp")

    async with discord_world(sqlite_url, customize=customize) as world:
        community = await _community(world)
        tuesday, thursday = (reference(world.hearth, community, "tp", 1, day) for day in (2, 4))
        sent = await world.adapter.messenger.send(_channel(world), Message((
            *Message.text("Which day?").blocks,
            Actions((Select("test.pick", "Pick a day", (Option("Tuesday", tuesday), Option("Thursday", thursday))),)),
        )))
        stored = world.fake.messages[sent.id]
        [row] = stored["components"]
        click = await world.click(stored, row["components"][0]["custom_id"], values=[thursday])
        answer = await world.answer(click)

        assert chosen == [4]
        assert answer["type"] == 4 and answer["data"]["content"] == "you chose 4"


async def test_a_command_discord_still_offers_after_it_was_removed_gets_a_private_answer(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        answer = await world.answer(await world.command("hearth", subcommand("retired")))

        assert answer["type"] == 4
        assert answer["data"]["flags"] & 64
        assert "/hearth" in json.dumps(answer["data"])


async def test_a_long_rate_limit_makes_a_send_fail_for_now_instead_of_waiting(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        world.fake.fail_next("POST", rf"/channels/{world.fake.channel_id}/messages", status=429, retry_after=600)

        with pytest.raises(TransientDeliveryError):
            await world.adapter.messenger.send(_channel(world), Message.text("the digest"))


async def test_at_start_servers_left_or_rejoined_while_offline_are_caught_up(sqlite_url: str) -> None:
    async with FakeDiscord() as fake:
        async with discord_world(sqlite_url, fake=fake) as world:
            await world.answer(await world.command("hearth", subcommand("setup")))
            gone = WorkspaceRef(Platform.DISCORD, "81384788765712384")
            async with world.hearth.uow() as uow:
                await uow.workspaces.add(gone, "Left while offline", world.hearth.clock.now())
                here = await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, fake.guild_id))
                assert here is not None
                await uow.workspaces.set_removed(here.id, world.hearth.clock.now())
                await uow.commit()

        async with discord_world(sqlite_url, fake=fake) as world:
            await world.adapter.close()  # the catching up finished
            async with world.hearth.uow() as uow:
                removed = {w.ref.id for w in await uow.workspaces.removed()}
        assert removed == {"81384788765712384"}


async def test_a_refused_command_sync_at_start_leaves_hearth_running(sqlite_url: str) -> None:
    async with FakeDiscord() as fake:
        fake.fail_next("PUT", r"/applications/\d+/guilds/\d+/commands", status=403,
                       json={"code": 50001, "message": "Missing Access"})
        async with discord_world(sqlite_url, fake=fake, env={"DISCORD_GUILD_ID": "41771983423143937"}) as world:
            body = await world.answer(await world.command("hearth", subcommand("help")))
            assert body["type"] == 4


async def test_a_missing_members_intent_stops_hearth_run_with_what_to_do(sqlite_url: str) -> None:
    async with FakeDiscord() as fake:
        fake.privileged_intents = False
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "HEARTH_HTTP_PORT": str(free_port()), "DISCORD_TOKEN": "MTA.fake.token",
            "DISCORD_API_URL": fake.base_url, "DISCORD_GATEWAY_URL": fake.gateway_url,
        })
        with pytest.raises(SettingsError, match=r"Server Members Intent.*DISCORD_MEMBER_EVENTS=off"):
            await run_until_stopped(settings, discord_options={"identify_delay": 0})

        allowed = Settings.from_env({
            "DATABASE_URL": sqlite_url, "HEARTH_HTTP_PORT": str(free_port()), "DISCORD_TOKEN": "MTA.fake.token",
            "DISCORD_API_URL": fake.base_url, "DISCORD_GATEWAY_URL": fake.gateway_url,
            "DISCORD_MEMBER_EVENTS": "off",
        })
        running = await start(allowed, discord_options={"identify_delay": 0})
        await running.stop()


async def test_a_left_server_is_erased_after_the_grace_period(database_url: str) -> None:
    clock = SimulatedClock(datetime.now(UTC).replace(microsecond=0))
    async with discord_world(database_url, clock=clock, env={"HEARTH_DATA_GRACE_DAYS": "7"}) as world:
        await world.hearth.scheduler.start()
        await world.answer(await world.command("hearth", subcommand("setup")))
        await world.fake.dispatch("GUILD_DELETE", {"id": world.fake.guild_id})
        await _until_removed(world, removed=True)

        await world.hearth.scheduler.advance_to(clock.now() + timedelta(days=6), clock.set)
        async with world.hearth.uow() as uow:
            assert await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, world.fake.guild_id)) is not None
        await world.hearth.scheduler.advance_to(clock.now() + timedelta(days=2), clock.set)
        async with world.hearth.uow() as uow:
            assert await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, world.fake.guild_id)) is None


async def test_a_message_in_a_thread_counts_for_its_channel(sqlite_url: str) -> None:
    recorder = Recorder((MessagePosted,))

    def customize(hearth: Hearth) -> None:
        hearth.core.handlers.append(recorder)

    async with discord_world(sqlite_url, customize=customize) as world:
        await world.answer(await world.command("hearth", subcommand("setup")))  # messages count in a community
        fake = world.fake
        thread_id = fake.snowflake()
        await fake.dispatch("THREAD_CREATE", {
            "id": thread_id, "type": 11, "guild_id": fake.guild_id, "parent_id": fake.channel_id, "name": "agenda",
            "owner_id": fake.owner_id, "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
            "last_message_id": None, "newly_created": True,
            "thread_metadata": {"archived": False, "locked": False, "auto_archive_duration": 1440,
                                "archive_timestamp": "2026-11-22T10:00:00+00:00"},
        })
        await fake.dispatch("MESSAGE_CREATE", fake.message_payload(
            "Any thoughts on https://example.org/a ?", channel_id=thread_id, author=fake.user_payload("4242", "ada")))
        while not recorder.seen:  # noqa: ASYNC110 - the recorder fills from the client's task
            await asyncio.sleep(0)

        [posted] = recorder.seen
        assert isinstance(posted, MessagePosted)
        assert posted.channel.id == fake.channel_id
        assert posted.thread is not None and posted.thread.id == thread_id
        assert posted.message.channel.id == thread_id
        assert posted.is_question and posted.links == ("https://example.org/a",)


async def test_files_travel_with_the_message(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        message = Message(Message.text("The calendar").blocks,
                          files=(Attachment("cop-sync.ics", "text/calendar", b"BEGIN:VCALENDAR"),))
        await world.adapter.messenger.send(_channel(world), message)

        [call] = world.fake.calls_to("POST", rf"/channels/{world.fake.channel_id}/messages")
        assert call.files == (("cop-sync.ics", b"BEGIN:VCALENDAR"),)
        assert call.json["content"] == "The calendar"


async def test_a_dutch_meeting_card_keeps_native_dates_and_names_its_field_in_dutch(sqlite_url: str) -> None:
    start = datetime(2026, 3, 31, 13, 0, tzinfo=UTC)
    catalogs = Catalogs.load()
    day = render(catalogs, "nl", _("{start} (cancelled)", start=Timestamp(start, TimestampStyle.DATE)))
    when = render(catalogs, "nl", _("Moved from {original}.", original=Timestamp(start)))
    async with discord_world(sqlite_url) as world:
        sent = await world.adapter.messenger.send(_channel(world), Message(
            (Paragraph(when), Fields((Field(day, Text.of(Timestamp(start, language="nl"))),)))))
        stored = world.fake.messages[sent.id]
    assert "<t:1774962000:F>" in stored["content"]
    [embed] = stored["embeds"]
    [field] = embed["fields"]
    assert field["name"] == "di 31 mrt 2026 (gaat niet door)"
    assert field["value"] == "<t:1774962000:F>"
