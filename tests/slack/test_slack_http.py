"""The Slack adapter end to end over Slack's real protocol: signed HTTP requests in, Web API calls out."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.events import MessagePosted
from tests.slack.slack_harness import TEAM, Recorder, SlackWorld, sign, slack_world


@pytest.fixture
async def world(sqlite_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(sqlite_url) as running:
        yield running


def said(call: Any) -> str:
    """Everything a Web API call would show, as one string to search."""
    return json.dumps(call.params, ensure_ascii=False)


async def test_a_slash_command_end_to_end(world: SlackWorld) -> None:
    started = time.monotonic()
    response = await world.command("help")
    assert response.status == 200
    assert time.monotonic() - started < 3  # acknowledged well within Slack's window
    (call,) = await world.fake.wait_for("chat.postEphemeral")
    assert call.params["channel"] == "C0DATA" and call.params["user"] == "U0ANA"
    assert "What Hearth can do" in said(call)


async def test_setup_posts_in_the_channel_and_whispers_to_the_first_facilitator(world: SlackWorld) -> None:
    await world.command('setup --name "Data CoP" --goal "Learn together"')
    (post,) = await world.fake.wait_for("chat.postMessage")
    assert post.params["channel"] == "C0DATA"
    assert "*Data CoP*" in said(post) and "Europe/Brussels" in said(post)  # ana's zone from users.info
    assert "hearth.settings.edit" in said(post)
    (whisper,) = await world.fake.wait_for("chat.postEphemeral")
    assert "first facilitator" in said(whisper)


@pytest.mark.parametrize("tamper", ["forged", "stale", "unsigned", "altered"])
async def test_requests_not_from_slack_are_refused_with_no_side_effect(world: SlackWorld, tamper: str) -> None:
    body = "team_id=T0HEARTH&channel_id=C0DATA&user_id=U0ANA&command=%2Fhearth&text=setup&trigger_id=1"
    headers = sign(body)
    if tamper == "forged":
        headers = sign(body, secret="not-the-secret")
    elif tamper == "stale":
        headers = sign(body, timestamp=int(time.time()) - 6 * 60)
    elif tamper == "unsigned":
        headers = {}
    elif tamper == "altered":
        body = body.replace("setup", "setup+--name+Evil")
    response = await world.post(body, headers, "application/x-www-form-urlencoded")
    assert response.status == 401
    assert [call.method for call in world.fake.calls if call.method != "auth.test"] == []
    async with world.hearth.uow() as uow:
        from bot.refs import Platform, WorkspaceRef

        assert await uow.workspaces.get(WorkspaceRef(Platform.SLACK, TEAM)) is None


async def test_a_redelivered_event_is_handled_once(world: SlackWorld) -> None:
    await world.command('setup --name "Data CoP"')  # members' messages reach handlers in a community's channel
    await world.drain()
    recorder = Recorder((MessagePosted,))
    world.hearth.core.handlers.append(recorder)
    message = {"type": "message", "channel": "C0DATA", "user": "U0BEN", "text": "Has anyone tried dbt? <https://getdbt.com|dbt>",
               "ts": "1774598400.000100", "channel_type": "channel"}
    first = await world.event(message, "Ev0001")
    again = await world.event(message, "Ev0001")
    other = await world.event({**message, "ts": "1774598460.000200"}, "Ev0002")
    assert (first.status, again.status, other.status) == (200, 200, 200)
    await world.fake.wait_for("users.info")
    await world.drain()
    # Worked on concurrently after their acks: the order is not Slack's, the count is what matters.
    assert sorted(event.message.id for event in recorder.seen if isinstance(event, MessagePosted)) == [
        "1774598400.000100", "1774598460.000200",
    ]
    posted = next(e for e in recorder.seen if isinstance(e, MessagePosted) and e.message.id.endswith("0100"))
    assert isinstance(posted, MessagePosted)
    assert posted.is_question and posted.links == ("https://getdbt.com",)
    assert not hasattr(posted, "text")


async def test_edits_bots_and_ourselves_never_reach_the_core(world: SlackWorld) -> None:
    recorder = Recorder((MessagePosted,))
    world.hearth.core.handlers.append(recorder)
    base = {"type": "message", "channel": "C0DATA", "ts": "1774598400.000100", "text": "x"}
    await world.event({**base, "user": "U0BEN", "subtype": "message_changed"}, "Ev1")
    await world.event({**base, "bot_id": "B0OTHER", "user": "U0BOT"}, "Ev2")
    await world.event({**base, "user": "U0HEARTHBOT", "bot_id": "B0HEARTH"}, "Ev3")
    await world.drain()
    assert recorder.seen == []


async def test_a_429_is_retried_after_its_retry_after(world: SlackWorld) -> None:
    world.fake.fail_next("chat.postEphemeral", status=429, retry_after=1)
    await world.command("help")
    calls = await world.fake.wait_for("chat.postEphemeral", count=2, timeout=10)
    assert calls[1].at - calls[0].at >= 1.0
    assert "What Hearth can do" in said(calls[1])


async def test_a_button_click_opens_a_modal_and_its_submission_is_saved(world: SlackWorld) -> None:
    await world.command("setup --name Data")
    (post,) = await world.fake.wait_for("chat.postMessage")
    button = next(
        element for block in post.params["blocks"] if block["type"] == "actions" for element in block["elements"]
    )
    await world.interaction({
        "type": "block_actions", "team": {"id": TEAM, "domain": "hearth-test"},
        "user": {"id": "U0ANA", "team_id": TEAM}, "channel": {"id": "C0DATA", "name": "data-cop"},
        "container": {"type": "message", "message_ts": "1774598400.000100", "channel_id": "C0DATA"},
        "trigger_id": "2337.42.def", "message": {"ts": "1774598400.000100"},
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                     "value": button.get("value", "")}],
    })
    (opened,) = await world.fake.wait_for("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"] == "2337.42.def" and view["callback_id"] == "hearth.settings"
    values = {
        block["block_id"]: {block["element"]["action_id"]: {"type": "plain_text_input", "value": value}}
        for block, value in (
            (next(b for b in view["blocks"] if b.get("block_id") == name), value)
            for name, value in (("name", "Data CoP"), ("goal", "Share one lesson a week"), ("tz", "Europe/Amsterdam"))
        )
    }
    values["lang"] = {"lang": {"type": "static_select", "selected_option": {"value": "en"}}}
    await world.interaction({
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0ANA", "team_id": TEAM},
        "trigger_id": "3337.42.ghi",
        "view": {**view, "id": "V0001", "state": {"values": values}},
    })
    whispers = await world.fake.wait_for("chat.postEphemeral", count=2)
    assert "Settings of Data CoP saved" in said(whispers[-1])
    assert "Europe/Amsterdam" in said(whispers[-1])


async def test_user_text_is_posted_escaped(world: SlackWorld) -> None:
    # As Slack sends it: what the member typed literally arrives escaped; a real broadcast arrives as a token.
    await world.command(
        'setup --name "&lt;!channel&gt; team <!here>" --goal "see <https://evil.example|docs> &amp; more"'
    )
    (post,) = await world.fake.wait_for("chat.postMessage")
    text = said(post)
    assert "<!channel>" not in text and "<!here>" not in text
    assert "&lt;!channel&gt; team" in text  # shown as typed, never a broadcast
    assert "<https://evil.example|docs>" not in text  # no disguised link: the address itself is shown
    assert "https://evil.example &amp; more" in text


async def test_the_health_check(world: SlackWorld) -> None:
    async with world.http.get(str(world.server.make_url("/healthz"))) as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_a_busy_hearth_says_so_in_the_acknowledgement(world: SlackWorld) -> None:
    world.adapter.in_flight.limit = 0  # as if hundreds of commands were still being worked on
    body = "team_id=T0HEARTH&channel_id=C0DATA&user_id=U0ANA&command=%2Fhearth&text=help&trigger_id=1"
    async with world.http.post(world.url, data=body.encode(),
                               headers={**sign(body), "Content-Type": "application/x-www-form-urlencoded"}) as response:
        assert response.status == 200
        assert "Hearth is very busy right now" in await response.text()
    await world.drain()
    assert world.fake.calls_to("chat.postEphemeral") == []
