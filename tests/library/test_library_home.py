"""The libraries in Slack's App Home, over the fake Slack: the newest items of the workspace's communities and the
member's own saves, each with its channel."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.clock import SimulatedClock
from tests.slack.slack_harness import slack_world

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


async def test_the_home_shows_new_items_and_the_members_own_saves(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.command('setup --name "Data CoP" --tz Europe/Brussels')
        await world.drain()
        await world.event({"type": "app_home_opened", "user": "U0BEN", "channel": "D0BEN", "tab": "home"}, "EvL0")
        await world.drain()
        empty = json.dumps(world.fake.calls_to("views.publish")[-1].params["view"], ensure_ascii=False)
        assert "New in the library" not in empty  # nothing saved: no section
        await world.command("add https://example.com/contracts Data contracts #dbt", command="/library")
        await world.command('idea "Pair <b>review</b> of dashboards"', user="U0BEN", command="/library")
        await world.drain()
        await world.event({"type": "app_home_opened", "user": "U0BEN", "channel": "D0BEN", "tab": "home"}, "EvL1")
        await world.drain()
        home = json.dumps(world.fake.calls_to("views.publish")[-1].params["view"], ensure_ascii=False)
        assert "New in the library" in home and "Data contracts" in home and "<#C0DATA>" in home
        mine = home[home.index("Your saves"):]
        assert "Pair &lt;b&gt;review&lt;/b&gt; of dashboards" in mine and "Data contracts" not in mine
