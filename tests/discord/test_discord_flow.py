"""The Discord adapter end to end: a real discord.py client against the fake Discord, a real Hearth on SQLite.

Every test goes through Discord's protocol: the fake sends gateway dispatches, the client turns them into
interactions and events, the adapter hands them to the core, and the answers come back as REST calls.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from adapters.wiring import Hearth
from bot.context import EventContext
from bot.events import MemberJoined, MemberLeft, MessagePosted, ReactionAdded, ShortcutInvoked
from bot.i18n import Msg
from bot.messages import Attachment, Message, Paragraph, Text, UserText
from bot.refs import Platform, WorkspaceRef
from bot.tenancy import POLL_ASKERS, Role
from commands.router import Shortcut
from commands.spec import CommandSpec
from tests.discord.discord_harness import DiscordWorld, discord_world, group, option, subcommand
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord
from tests.slack.slack_harness import Recorder

USER, CHANNEL = 6, 7


async def _setup(world: DiscordWorld, *extra: dict[str, Any]) -> dict[str, Any]:
    answer = await world.answer(await world.command("hearth", subcommand("setup", *extra)))
    assert answer["type"] == 4
    return answer


async def test_a_slash_command_with_typed_options_is_answered_privately(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        await _setup(world)
        body = await world.answer(await world.command("hearth", subcommand("me", option("tz", "Europe/Brussels"))))

        assert body["type"] == 4
        assert body["data"]["flags"] & EPHEMERAL
        assert "Europe/Brussels" in str(body["data"]["embeds"])
        workspace = await _workspace(world)
        async with world.hearth.uow() as uow:
            members = await uow.members.with_role(workspace, Role.FACILITATOR)
        assert [member.ref.id for member in members] == [world.fake.owner_id]


async def test_a_user_option_arrives_as_a_member(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        await _setup(world)
        payload = await world.command(
            "hearth", group("facilitators", subcommand("add", option("member", "4242", USER))),
        )
        body = await world.answer(payload)

        assert body["type"] == 4
        workspace = await _workspace(world)
        async with world.hearth.uow() as uow:
            facilitators = await uow.members.with_role(workspace, Role.FACILITATOR)
        assert "4242" in [member.ref.id for member in facilitators]
        assert "<@4242>" in str(body["data"])
        assert body["data"]["allowed_mentions"]["parse"] == []


async def test_a_button_sent_before_a_restart_opens_the_form_and_the_form_saves(sqlite_url: str) -> None:
    async with FakeDiscord() as fake:
        async with discord_world(sqlite_url, fake=fake) as world:
            announcement = await _setup(world)
            [row] = announcement["data"]["components"]
            [button] = row["components"]
            message = fake.interaction_responses[next(iter(fake.interaction_responses))]

        async with discord_world(sqlite_url, fake=fake) as world:  # a new process: nothing in memory
            click = await world.click(message, button["custom_id"])
            modal = await world.answer(click)
            assert modal["type"] == 9
            form = modal["data"]
            assert [row["components"][0]["custom_id"] for row in form["components"]] == ["name", "goal", "tz", "lang",
                                                                                        "polls"]

            submitted = fake.interaction_payload(interaction_type=5, data={
                "custom_id": form["custom_id"],
                "components": [
                    {"type": 1, "components": [{"type": 4, "custom_id": "name", "value": "Data CoP"}]},
                    {"type": 1, "components": [{"type": 4, "custom_id": "goal", "value": "Learn together"}]},
                    {"type": 1, "components": [{"type": 4, "custom_id": "tz", "value": "Europe/Brussels"}]},
                    {"type": 1, "components": [{"type": 4, "custom_id": "lang", "value": "English"}]},
                    {"type": 1, "components": [{"type": 4, "custom_id": "polls", "value": "facilitators ONLY"}]},
                ],
            })
            await fake.dispatch("INTERACTION_CREATE", submitted)
            saved = await world.answer(submitted)

            assert saved["type"] == 4
            assert "Data CoP" in str(saved["data"])
            workspace = await _workspace(world)
            async with world.hearth.uow() as uow:
                [community] = await uow.communities.list(workspace)
            assert (community.name, community.goal, community.timezone) == ("Data CoP", "Learn together",
                                                                             "Europe/Brussels")
            assert POLL_ASKERS.of(community) == "facilitators"  # the option's label, typed, names its choice


async def test_everyone_in_member_text_mentions_nobody(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        answer = await _setup(world, option("goal", "@everyone come to <@&1> and @here"))

        data = answer["data"]
        shown = json.dumps([data["content"], data["embeds"]], ensure_ascii=False)
        assert "@everyone" not in shown and "@here" not in shown
        assert "@\u200beveryone" in shown
        assert "<@&1>" not in shown
        assert data["allowed_mentions"]["parse"] == []


async def test_the_message_command_hands_the_chosen_message_to_the_shortcut(sqlite_url: str) -> None:
    saved: list[ShortcutInvoked] = []

    async def save(ctx: EventContext, event: ShortcutInvoked) -> None:
        saved.append(event)
        await ctx.reply(Message((Paragraph(Text.of(UserText(event.text))),), ephemeral=True))

    def customize(hearth: Hearth) -> None:
        hearth.catalog.interactions.on_shortcut(Shortcut("test.echo", Msg("Echo the message"), save))

    async with discord_world(sqlite_url, customize=customize) as world:
        await _setup(world)
        command = next(c for c in world.fake.commands[None] if c["type"] == 3 and c["name"] == "Echo the message")
        target = world.fake.message_payload(
            "Read https://example.org/paper @everyone", author=world.fake.user_payload("99", "bo"))
        payload = world.fake.interaction_payload(data={
            "id": command["id"], "name": "Echo the message", "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        })
        await world.fake.dispatch("INTERACTION_CREATE", payload)
        body = await world.answer(payload)

        [event] = saved
        assert event.shortcut_id == "test.echo"
        assert event.text == "Read https://example.org/paper @everyone"
        assert event.message.id == target["id"]
        assert body["data"]["flags"] & EPHEMERAL
        assert "@\u200beveryone" in body["data"]["content"]


async def test_a_slow_command_is_deferred_then_its_answer_replaces_the_thinking_message(sqlite_url: str) -> None:
    release = asyncio.Event()

    async def slow(ctx: EventContext, args: dict[str, Any]) -> None:
        await release.wait()
        await ctx.reply(Message.text("done at last", ephemeral=True))

    def customize(hearth: Hearth) -> None:
        hearth.catalog.registry.add(CommandSpec(("slowly",), Msg("A slow command"), slow))

    async with discord_world(sqlite_url, customize=customize, defer_after=0.01) as world:
        payload = await world.command("slowly")
        deferred = await world.answer(payload)
        assert deferred["type"] == 5
        assert deferred["data"]["flags"] & EPHEMERAL
        release.set()

        [edit] = await world.fake.wait_for("PATCH", rf"/webhooks/{world.fake.application_id}/[^/]+/messages/@original")
        assert edit.json["content"] == "done at last"


async def test_a_rate_limited_answer_is_retried(sqlite_url: str) -> None:
    async with discord_world(sqlite_url) as world:
        world.fake.fail_next("POST", r"/interactions/\d+/[^/]+/callback", status=429, retry_after=0.05)
        payload = await world.command("hearth", subcommand("help"))
        calls = await world.fake.wait_for("POST", rf"/interactions/{payload['id']}/[^/]+/callback", count=2)

        assert calls[1].at - calls[0].at >= 0.05
        assert calls[1].json["type"] == 4


async def test_two_shards_each_serve_their_guild(sqlite_url: str) -> None:
    async with discord_world(sqlite_url, env={"DISCORD_SHARDS": "2"}, connections=2) as world:
        shards = sorted(tuple(identify["shard"]) for identify in world.fake.identifies)
        assert shards == [(0, 2), (1, 2)]
        body = await world.answer(await world.command("hearth", subcommand("help")))
        assert body["type"] == 4


async def test_activity_reactions_joins_and_leaves_reach_the_core_as_metadata(sqlite_url: str) -> None:
    recorder = Recorder((MessagePosted, ReactionAdded, MemberJoined, MemberLeft))

    def customize(hearth: Hearth) -> None:
        hearth.core.handlers.append(recorder)

    async with discord_world(sqlite_url, customize=customize) as world:
        await _setup(world)  # members' messages and reactions reach handlers in a community's channel
        fake = world.fake
        ada = fake.user_payload("4242", "ada")
        await fake.dispatch("MESSAGE_CREATE", fake.message_payload("", author=ada))
        await fake.dispatch("MESSAGE_CREATE", fake.message_payload("", author=fake.user_payload("5", "bot", bot=True)))
        await fake.dispatch("MESSAGE_CREATE", fake.message_payload("", author=fake.bot_user()))
        await fake.dispatch("MESSAGE_REACTION_ADD", {
            "type": 0, "user_id": "4242", "channel_id": fake.channel_id, "message_id": "77", "guild_id": fake.guild_id,
            "member": fake.member_payload(ada), "emoji": {"id": None, "name": "👍"}, "burst": False,
        })
        await fake.dispatch("GUILD_MEMBER_ADD", {**fake.member_payload(fake.user_payload("31", "cy")),
                                                 "guild_id": fake.guild_id})
        await fake.dispatch("GUILD_MEMBER_REMOVE", {"guild_id": fake.guild_id, "user": fake.user_payload("31", "cy")})
        await _until(lambda: len(recorder.seen) >= 4)
        await world.adapter.close()  # every event handled

        by_kind = {type(event): event for event in recorder.seen}
        assert len(recorder.seen) == 4, recorder.seen  # the bot's and Hearth's own messages are not activity
        posted, reacted = by_kind[MessagePosted], by_kind[ReactionAdded]
        joined, left = by_kind[MemberJoined], by_kind[MemberLeft]
        assert isinstance(posted, MessagePosted) and posted.actor.member.id == "4242"
        assert posted.channel.id == fake.channel_id and not posted.is_question
        assert isinstance(reacted, ReactionAdded) and reacted.emoji == "👍" and reacted.message.id == "77"
        assert isinstance(joined, MemberJoined) and joined.actor.member.id == "31"
        assert isinstance(left, MemberLeft) and left.member.id == "31"


async def _until(condition: Any, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the condition is another task's list; yield until it fills
            await asyncio.sleep(0)


async def _workspace(world: DiscordWorld) -> int:
    async with world.hearth.uow() as uow:
        workspace = await uow.workspaces.get(WorkspaceRef(Platform.DISCORD, world.fake.guild_id))
    assert workspace is not None
    return workspace.id



async def test_a_deferred_private_answer_with_a_file_replaces_the_thinking_message(sqlite_url: str) -> None:
    release = asyncio.Event()

    async def export(ctx: EventContext, args: dict[str, Any]) -> None:
        await release.wait()
        await ctx.reply(Message(Message.text("Your export").blocks, ephemeral=True,
                                files=(Attachment("export.csv", "text/csv", b"a,b\n1,2\n"),)))

    def customize(hearth: Hearth) -> None:
        hearth.catalog.registry.add(CommandSpec(("exporting",), Msg("A slow export"), export))

    async with discord_world(sqlite_url, customize=customize, defer_after=0.01) as world:
        payload = await world.command("exporting")
        assert (await world.answer(payload))["type"] == 5
        release.set()

        [edit] = await world.fake.wait_for("PATCH", rf"/webhooks/{world.fake.application_id}/[^/]+/messages/@original")
        assert edit.json["content"] == "Your export"
        assert edit.files == (("export.csv", b"a,b\n1,2\n"),)
