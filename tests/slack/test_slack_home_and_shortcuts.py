"""App Home and message shortcuts over Slack's protocol."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.context import EventContext
from bot.events import ShortcutInvoked
from bot.i18n import _
from commands.router import Shortcut
from tests.slack.slack_harness import TEAM, SlackWorld, slack_world


@pytest.fixture
async def world(sqlite_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(sqlite_url) as running:
        yield running


async def test_the_home_tab_shows_communities_and_the_members_settings(world: SlackWorld) -> None:
    await world.command('setup --name "Data CoP" --goal "Learn <together>"')
    await world.drain()
    await world.command("me --lang nl", user="U0BEN")
    await world.drain()
    await world.event({"type": "app_home_opened", "user": "U0BEN", "channel": "D0BEN", "tab": "home"}, "EvHome1")
    await world.drain()
    (published,) = world.fake.calls_to("views.publish")
    view = published.params["view"]
    assert published.params["user_id"] == "U0BEN" and view["type"] == "home"
    text = json.dumps(view, ensure_ascii=False)
    assert "Community's" in text and "*Data CoP*" in text and "<#C0DATA>" in text
    assert "Learn &lt;together&gt;" in text
    assert "Je instellingen" in text and "Nederlands" in text
    assert len(view["blocks"]) <= 100


async def test_the_messages_tab_does_not_publish_a_home(world: SlackWorld) -> None:
    await world.event({"type": "app_home_opened", "user": "U0ANA", "channel": "D0ANA", "tab": "messages"}, "EvHome2")
    await world.drain()
    assert world.fake.calls_to("views.publish") == []


async def test_a_routed_message_shortcut_reaches_its_feature(world: SlackWorld) -> None:
    seen: list[ShortcutInvoked] = []

    async def save(ctx: EventContext, event: ShortcutInvoked) -> None:
        seen.append(event)
        await ctx.whisper(_("Saved."))

    world.hearth.catalog.interactions.on_shortcut(Shortcut("hearth.library.save", _("Save to library"), save))
    await world.interaction({
        "type": "message_action", "callback_id": "hearth.library.save", "trigger_id": "4.5.6",
        "team": {"id": TEAM, "domain": "hearth-test"}, "user": {"id": "U0ANA", "team_id": TEAM},
        "channel": {"id": "C0DATA", "name": "data-cop"}, "message_ts": "1774598400.000100",
        "message": {"type": "message", "ts": "1774598400.000100", "user": "U0BEN",
                    "text": "Great read: <https://example.org/cop|CoP guide> &amp; more"},
    })
    await world.drain()
    (event,) = seen
    assert event.message.id == "1774598400.000100" and event.channel.id == "C0DATA"
    assert event.text == "Great read: https://example.org/cop & more"
    (whisper,) = world.fake.calls_to("chat.postEphemeral")
    assert "Saved." in json.dumps(whisper.params)
