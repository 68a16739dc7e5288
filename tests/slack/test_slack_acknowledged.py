"""What Hearth acknowledged on Slack is never lost: recorded before the acknowledgement, handled once per trigger
id, done again or answered at the next start, dropped once Slack no longer takes an answer, and a stop bounded by
HEARTH_STOP_SECONDS that leaves the rest for the next start."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.run import start
from adapters.settings import Settings
from bot.acknowledgements import Delivery
from bot.clock import SimulatedClock
from bot.refs import MemberRef, Platform, WorkspaceRef
from storage.acknowledged import SqlAcknowledgementLog, mark_handled
from storage.tables import AcknowledgedRow
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_harness import SECRET, TEAM, SlackWorld, command_body, sign, slack_world
from tests.slack.test_slack_run import free_port

FORM = "application/x-www-form-urlencoded"
DONE_NOTE = "Hearth restarted before it could answer you, but what you asked for was done."
DUTCH_NOTE = "Hearth is opnieuw gestart voordat het je kon antwoorden, maar wat je vroeg is gedaan."
table = AcknowledgedRow.__table__  # type: ignore[attr-defined]


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SlackWorld]:
    clock = SimulatedClock(datetime.now(UTC).replace(microsecond=0))
    async with slack_world(database_url, clock=clock) as running:
        await running.command('setup --name "Data CoP"')
        await running.drain()
        running.fake.calls.clear()
        yield running


async def recorded(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def zone_of(world: SlackWorld, user: str) -> str | None:
    async with world.hearth.uow() as uow:
        workspace = await uow.workspaces.get(WorkspaceRef(Platform.SLACK, TEAM))
        assert workspace is not None
        member = await uow.members.get(workspace.id, MemberRef(workspace.ref, user))
        return None if member is None else member.timezone


def answers_to(fake: FakeSlack, user: str) -> list[str]:
    return [json.dumps(call.params, ensure_ascii=False) for call in fake.calls_to("chat.postEphemeral")
            if call.params.get("user") == user]


async def left_by_an_earlier_run(world: SlackWorld, kind: str, body: dict[str, Any], *, minutes_ago: float = 1,
                                 handled: bool = False) -> Delivery:
    """A record as a process that stopped (or was killed) leaves it: acknowledged, unfinished, its lease passed."""
    earlier = SqlAcknowledgementLog(world.hearth.database, owner="an-earlier-run")
    at = world.hearth.clock.now() - timedelta(minutes=minutes_ago)
    delivery = Delivery("slack", body["trigger_id"])
    assert await earlier.record(delivery, {"kind": kind, "body": body}, at=at,
                                answer_until=at + timedelta(minutes=30))
    if handled:  # the work's own transaction committed, and marked it so
        async with world.hearth.database.begin() as connection:
            await connection.execute(mark_handled([delivery]))
    return delivery


async def test_a_repeated_trigger_id_is_acknowledged_and_handled_once(world: SlackWorld) -> None:
    body = urlencode(command_body(world.fake, "me --tz Asia/Tokyo"))
    first = await world.post(body, world.sign(body), FORM)
    again = await world.post(body, world.sign(body), FORM)
    await world.drain()
    assert (first.status, again.status) == (200, 200)
    (answer,) = answers_to(world.fake, "U0ANA")
    assert "Asia/Tokyo" in answer
    assert await recorded(world.hearth.database) == 0  # finished once answered


async def test_a_click_is_recorded_until_its_work_is_done(world: SlackWorld) -> None:
    world.fake.hold("chat.postEphemeral")
    payload = {"type": "block_actions", "trigger_id": "77.42.click", "team": {"id": TEAM},
               "user": {"id": "U0ANA", "team_id": TEAM}, "channel": {"id": "C0DATA"},
               "container": {"type": "message", "channel_id": "C0DATA", "is_ephemeral": True},
               "actions": [{"action_id": "meeting.rsvp", "value": "not-a-reference", "type": "button"}]}
    assert (await world.interaction(payload)).status == 200
    await world.fake.wait_for_held("chat.postEphemeral")
    assert await recorded(world.hearth.database) == 1  # acknowledged, answer not yet sent
    world.fake.release("chat.postEphemeral")
    await world.drain()
    assert len(answers_to(world.fake, "U0ANA")) == 1
    assert await recorded(world.hearth.database) == 0


async def test_a_request_that_never_committed_is_done_again_at_the_next_start_and_answered_once(
        world: SlackWorld, caplog: pytest.LogCaptureFixture) -> None:
    body = command_body(world.fake, "me --tz America/New_York")
    await left_by_an_earlier_run(world, "command", body)
    caplog.set_level(logging.INFO, "hearth.slack")
    await world.adapter.replay()
    await world.drain()
    await world.adapter.replay()  # claimed once: nothing more
    await world.drain()
    (answer,) = answers_to(world.fake, "U0ANA")
    assert "America/New_York" in answer
    assert await zone_of(world, "U0ANA") == "America/New_York"
    assert await recorded(world.hearth.database) == 0
    assert "1 done again, 0 done already" in caplog.text


async def test_a_request_whose_work_committed_gets_the_note_once_in_the_members_language(world: SlackWorld) -> None:
    await world.command("me --lang nl", user="U0BEN")
    await world.drain()
    world.fake.calls.clear()
    await left_by_an_earlier_run(world, "command", command_body(world.fake, "me --tz Asia/Tokyo", user="U0BEN"),
                                 handled=True)
    await left_by_an_earlier_run(world, "command", command_body(world.fake, "me --tz Asia/Tokyo"), handled=True)
    await world.adapter.replay()
    await world.drain()
    await world.adapter.replay()
    await world.drain()
    (dutch,) = answers_to(world.fake, "U0BEN")
    (english,) = answers_to(world.fake, "U0ANA")
    assert DUTCH_NOTE in dutch and DONE_NOTE in english
    assert await zone_of(world, "U0ANA") is None  # not done a second time: only the note
    assert await recorded(world.hearth.database) == 0


async def test_a_request_slack_no_longer_takes_an_answer_for_is_dropped(
        world: SlackWorld, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "hearth.storage")
    await left_by_an_earlier_run(world, "command", command_body(world.fake, "me --tz Asia/Tokyo"), minutes_ago=31)
    await world.adapter.replay()
    await world.drain()
    assert world.fake.calls_to("chat.postEphemeral") == []
    assert await zone_of(world, "U0ANA") is None
    assert await recorded(world.hearth.database) == 0
    assert "1 acknowledged slack deliveries could no longer be answered and were dropped" in caplog.text


async def test_a_stop_while_answers_hang_is_bounded_and_the_next_start_answers_each_once(
        sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    async with FakeSlack() as fake:
        settings = Settings.from_env({
            "DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url, "HEARTH_HTTP_PORT": str(port), "HEARTH_STOP_SECONDS": "1",
        })
        url = f"http://127.0.0.1:{port}/slack/events"
        running = await start(settings)
        users = [f"U0M{n}" for n in range(4)]
        async with aiohttp.ClientSession() as http:

            async def send(fields: dict[str, str]) -> int:
                body = urlencode(fields)
                async with http.post(url, data=body.encode(), headers={**sign(body), "Content-Type": FORM}) as r:
                    return r.status

            assert await send(command_body(fake, "setup --name Data", user="U0FAC")) == 200
            await fake.wait_for("chat.postEphemeral")
            fake.hold("chat.postEphemeral")
            statuses = [await send(command_body(fake, "me --tz Asia/Tokyo", user=user)) for user in users]
            statuses.append(await send(command_body(fake, "help", user="U0HELP")))
            assert statuses == [200] * 5
            await fake.wait_for_held("chat.postEphemeral", count=5)
            began = asyncio.get_running_loop().time()
            assert await running.stop() == 5
            assert asyncio.get_running_loop().time() - began < 3  # the bound is 1 s, plus closing
        assert "Stopped; 5 answers are left for the next start." in capsys.readouterr().out

        fake.release("chat.postEphemeral")
        fake.calls.clear()
        running = await start(settings)
        try:
            await fake.wait_for("chat.postEphemeral", count=5)
            assert running.slack is not None
            await running.slack.in_flight.wait_idle()
        finally:
            assert await running.stop() == 0
    answers: dict[str, list[str]] = {}
    for call in fake.calls_to("chat.postEphemeral"):
        answers.setdefault(call.text("user"), []).append(json.dumps(call.params))
    assert sorted(answers) == sorted([*users, "U0HELP"])
    for user in users:
        (note,) = answers[user]  # the write was done before the stop: told so, not done again
        assert DONE_NOTE in note
    (help_answer,) = answers["U0HELP"]  # nothing was written: done again, answered as usual
    assert "What Hearth can do" in help_answer
