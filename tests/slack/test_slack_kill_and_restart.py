"""`hearth run` killed with SIGKILL while its answers hang: the next start answers every command and click Slack
was told was received, exactly once, and does none of their writes twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.settings import Settings
from bot.refs import MemberRef, Platform, WorkspaceRef
from storage.database import create_engine_for
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_harness import SECRET, TEAM, command_body, fresh_trigger, sign
from tests.slack.test_slack_acknowledged import DONE_NOTE
from tests.slack.test_slack_run import free_port

ROOT = Path(__file__).resolve().parents[2]
FORM = "application/x-www-form-urlencoded"
SCHEDULE = '"CoP sync" every 2 weeks on Tuesday at 15:00 --for 60m'
WRITERS = ("U0KAY1", "U0KAY2", "U0KAY3")  # /hearth me --tz Asia/Tokyo
CLICKERS = ("U0KAY4", "U0KAY5")  # "Going" on the next meeting
ASKER = "U0KAY6"  # /hearth help: nothing written, so done again after the restart


@asynccontextmanager
async def hearth_run(env: dict[str, str], folder: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`hearth run` in a process of its own, once it says it is running; killed if the test leaves it running."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "run", cwd=folder, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await asyncio.wait_for(said(process, "Hearth is running"), 60)
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def said(process: asyncio.subprocess.Process, words: str) -> list[str]:
    """Read the process's output until a line holds `words`; the lines read."""
    assert process.stdout is not None
    lines: list[str] = []
    while True:
        line = (await process.stdout.readline()).decode()
        if not line:
            raise AssertionError(f"hearth ended before saying {words!r}: {''.join(lines)}")
        lines.append(line)
        if words in line:
            return lines


def click(user: str, button: dict[str, Any]) -> dict[str, str]:
    return {"payload": json.dumps({
        "type": "block_actions", "trigger_id": fresh_trigger(), "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM}, "channel": {"id": "C0DATA"},
        "container": {"type": "message", "channel_id": "C0DATA", "is_ephemeral": True},
        "actions": [{"action_id": button["action_id"], "value": button["value"], "type": "button"}],
    })}


async def members_state(database_url: str) -> dict[str, str | None]:
    engine = create_engine_for(database_url)
    try:
        async with SqlUnitOfWorkFactory(engine)() as uow:
            workspace = await uow.workspaces.get(WorkspaceRef(Platform.SLACK, TEAM))
            assert workspace is not None
            found = await uow.members.get_many(workspace.id, [MemberRef(WorkspaceRef(Platform.SLACK, TEAM), user)
                                                              for user in WRITERS])
            return {ref.id: member.timezone for ref, member in found.items()}
    finally:
        await engine.dispose()


async def test_every_acknowledged_request_is_answered_once_after_a_kill(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    async with FakeSlack() as fake:
        env = {
            "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
            "HEARTH_DATA_DIR": str(tmp_path), "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url, "HEARTH_HTTP_PORT": str(port),
            "HEARTH_TAKEOVER_SECONDS": "3", "HEARTH_STOP_SECONDS": "1",
        }
        Settings.from_env(env)  # what the processes read is valid
        url = f"http://127.0.0.1:{port}/slack/events"
        async with aiohttp.ClientSession() as http:

            async def send(fields: dict[str, str]) -> int:
                body = urlencode(fields)
                async with http.post(url, data=body.encode(), headers={**sign(body), "Content-Type": FORM}) as r:
                    await r.read()
                    return r.status

            async with hearth_run(env, tmp_path) as first:
                assert await send(command_body(fake, "setup --name Data --tz Europe/Brussels", user="U0FAC")) == 200
                await fake.wait_for("chat.postEphemeral", timeout=20)
                assert await send(command_body(fake, f"schedule {SCHEDULE}", user="U0FAC", command="/meeting")) == 200
                await fake.wait_for("chat.postMessage", count=2, timeout=20)  # the setup's post, then the schedule's
                assert await send(command_body(fake, "next", user="U0FAC", command="/meeting")) == 200
                (*_, shown) = await fake.wait_for("chat.postEphemeral", count=2, timeout=20)
                going = next(element for block in shown.json("blocks") if block["type"] == "actions"
                             for element in block["elements"])

                fake.hold("chat.postEphemeral")
                statuses = [await send(command_body(fake, "me --tz Asia/Tokyo", user=user)) for user in WRITERS]
                statuses += [await send(click(user, going)) for user in CLICKERS]
                statuses.append(await send(command_body(fake, "help", user=ASKER)))
                assert statuses == [200] * 6  # Slack was told each was received
                await fake.wait_for_held("chat.postEphemeral", count=6, timeout=20)
                first.send_signal(signal.SIGKILL)
                assert await first.wait() == -signal.SIGKILL

            fake.release("chat.postEphemeral", drop_held=True)  # what the killed process waited for never ran
            fake.calls.clear()
            async with hearth_run(env, tmp_path) as second:
                # Taken over once the killed process's records are no longer renewed (HEARTH_TAKEOVER_SECONDS).
                await fake.wait_for("chat.postEphemeral", count=6, timeout=30)
                second.send_signal(signal.SIGINT)
                output = "".join(await asyncio.wait_for(said(second, "left for the next start."), 30))
                assert await second.wait() == 0
                assert "Stopped; 0 answers are left for the next start." in output
                assert "Traceback" not in output

    answers: dict[str, list[str]] = {}
    for call in fake.calls_to("chat.postEphemeral"):
        answers.setdefault(call.text("user"), []).append(json.dumps(call.params, ensure_ascii=False))
    assert sorted(answers) == sorted([*WRITERS, *CLICKERS, ASKER])
    for user in (*WRITERS, *CLICKERS):
        (note,) = answers[user]  # done before the kill: told so, not done again
        assert DONE_NOTE in note
    (helped,) = answers[ASKER]
    assert "What Hearth can do" in helped
    assert await members_state(database_url) == dict.fromkeys(WRITERS, "Asia/Tokyo")
