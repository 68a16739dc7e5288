"""The fake Slack answers the real slack_sdk clients (Web API, file upload, Socket Mode) and a Bolt app like Slack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.say.async_say import AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack.fake_slack import FakeSlack, socket_envelope

APP_TOKEN = "xapp-1-A0HEARTH-1-test"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(base_url=slack.base_url, token=slack.bot_token)


def slash_command(text: str) -> dict[str, str]:
    """A slash command payload as Slack sends it over Socket Mode."""
    return {
        "token": "legacy", "team_id": FakeSlack.team_id, "team_domain": "hearth-test", "channel_id": "C0FIRES",
        "channel_name": "data-cop", "user_id": "U0ANA", "user_name": "ana", "command": "/hearth", "text": text,
        "api_app_id": FakeSlack.app_id, "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.com/commands/T0HEARTH/1/x", "trigger_id": "1.2.3",
    }


# --- Web API -------------------------------------------------------------------------------------------------


async def test_auth_test_names_the_bot(slack: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.auth_test()
    assert response["user_id"] == slack.bot_user_id
    assert (response["team_id"], response["bot_id"]) == (slack.team_id, slack.bot_id)
    assert response["is_enterprise_install"] is False
    assert response["url"].startswith("https://")
    [call] = slack.calls_to("auth.test")
    assert call.token == slack.bot_token


async def test_post_message_records_params_and_answers_growing_timestamps(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Welcome"}}]
    first = await client.chat_postMessage(channel="C0FIRES", text="Welcome", blocks=blocks, thread_ts="1.2")
    second = await client.chat_postMessage(channel="C0FIRES", text="Again")
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C0FIRES"
    assert first["message"]["bot_id"] == slack.bot_id
    call = slack.calls_to("chat.postMessage")[0]
    assert call.params["channel"] == "C0FIRES"
    assert call.json("blocks") == blocks
    assert call.headers["content-type"].startswith("application/json")
    assert slack.messages[("C0FIRES", first["ts"])]["thread_ts"] == "1.2"


async def test_form_and_query_params_are_recorded(slack: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0FIRES", text="bye")
    await client.api_call("chat.delete", data={"channel": "C0FIRES", "ts": posted["ts"]})  # form-encoded
    await client.users_info(user="U0ANA", include_locale=True)  # a GET with a query string
    [deleted] = slack.calls_to("chat.delete")
    assert deleted.params == {"channel": "C0FIRES", "ts": posted["ts"]}
    assert deleted.headers["content-type"] == "application/x-www-form-urlencoded"
    assert slack.calls_to("users.info")[0].flag("include_locale")


async def test_rate_limit_is_answered_with_retry_after(slack: FakeSlack, client: AsyncWebClient) -> None:
    client.retry_handlers.clear()
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0FIRES", text="hi")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert raised.value.response["error"] == "ratelimited"
    assert (await client.chat_postMessage(channel="C0FIRES", text="hi"))["ok"]


async def test_rate_limit_handler_waits_retry_after_then_succeeds(slack: FakeSlack) -> None:
    client = AsyncWebClient(
        base_url=slack.base_url, token=slack.bot_token,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    response = await client.chat_postMessage(channel="C0FIRES", text="hi")
    assert response["ok"]
    refused, accepted = slack.calls_to("chat.postMessage")
    assert accepted.at - refused.at >= 1.0


async def test_scripted_errors_are_used_up(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.fail_next("chat.postMessage", error="channel_not_found", times=2)
    for _attempt in range(2):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C0GONE", text="hi")
        assert raised.value.response.status_code == 200
        assert raised.value.response["error"] == "channel_not_found"
    assert (await client.chat_postMessage(channel="C0GONE", text="hi"))["ok"]


async def test_slack_errors_for_tokens_methods_and_channels(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.channels["C0CLOSED"] = {"is_member": False}
    cases: list[tuple[Any, str]] = [
        (client.api_call("no.such.method"), "unknown_method"),
        (AsyncWebClient(base_url=slack.base_url).auth_test(), "not_authed"),
        (client.apps_connections_open(app_token=slack.bot_token), "not_allowed_token_type"),
        (client.chat_postMessage(channel="C0CLOSED", text="hi"), "not_in_channel"),
        (client.chat_update(channel="C0FIRES", ts="1.1", text="hi"), "message_not_found"),
    ]
    for request, error in cases:
        with pytest.raises(SlackApiError) as raised:
            await request
        assert raised.value.response["error"] == error


async def test_update_and_delete_a_posted_message(slack: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0FIRES", text="Poll: open")
    updated = await client.chat_update(channel="C0FIRES", ts=posted["ts"], text="Poll: closed")
    assert updated["ts"] == posted["ts"]
    assert slack.messages[("C0FIRES", posted["ts"])]["text"] == "Poll: closed"
    await client.chat_delete(channel="C0FIRES", ts=posted["ts"])
    assert ("C0FIRES", posted["ts"]) not in slack.messages


async def test_direct_messages_and_ephemeral_replies(slack: FakeSlack, client: AsyncWebClient) -> None:
    opened = await client.conversations_open(users="U0ANA")
    again = await client.conversations_open(users="U0ANA")
    assert opened["channel"]["id"] == again["channel"]["id"] == "D0ANA"
    assert again["already_open"] is True
    posted = await client.chat_postMessage(channel="U0ANA", text="A nudge")
    assert posted["channel"] == "D0ANA"
    ephemeral = await client.chat_postEphemeral(channel="C0FIRES", user="U0ANA", text="Only you")
    assert ephemeral["message_ts"]
    assert slack.ephemeral[0]["user_to"] == "U0ANA"


async def test_views_open_and_publish(slack: FakeSlack, client: AsyncWebClient) -> None:
    modal = {"type": "modal", "callback_id": "settings", "title": {"type": "plain_text", "text": "Settings"},
             "blocks": [], "private_metadata": "state"}
    opened = await client.views_open(trigger_id="1.2.3", view=modal)
    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["private_metadata"] == "state"
    home = {"type": "home", "blocks": []}
    first = await client.views_publish(user_id="U0ANA", view=home)
    second = await client.views_publish(user_id="U0ANA", view=home)
    assert first["view"]["id"] == second["view"]["id"]
    with pytest.raises(SlackApiError):
        await client.views_open(trigger_id="", view=modal)


async def test_users_info_comes_from_the_table(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.users["U0ANA"] = {"real_name": "Ana Peeters", "display_name": "ana", "tz": "America/New_York",
                            "locale": "nl-NL", "is_admin": True}
    user = (await client.users_info(user="U0ANA", include_locale=True))["user"]
    assert (user["id"], user["real_name"], user["profile"]["display_name"]) == ("U0ANA", "Ana Peeters", "ana")
    assert (user["tz"], user["locale"], user["is_admin"], user["is_bot"]) == ("America/New_York", "nl-NL", True,
                                                                              False)
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    without_locale = (await client.users_info(user="U0ANA"))["user"]
    assert "locale" not in without_locale
    stranger = (await client.users_info(user="U0BO"))["user"]
    assert stranger["is_bot"] is False and stranger["tz"]
    assert (await client.users_info(user=slack.bot_user_id))["user"]["is_bot"] is True


async def test_conversations_info(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.channels["G0PRIVATE"] = {"name": "secret-cop"}
    channel = (await client.conversations_info(channel="G0PRIVATE"))["channel"]
    assert (channel["id"], channel["name"], channel["is_private"]) == ("G0PRIVATE", "secret-cop", True)
    assert (await client.conversations_info(channel="C0FIRES"))["channel"]["is_channel"] is True


async def test_files_upload_v2_end_to_end(slack: FakeSlack, client: AsyncWebClient) -> None:
    calendar = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    response = await client.files_upload_v2(
        channel="C0FIRES", content=calendar, filename="meetup.ics", title="Meetup", initial_comment="See you!"
    )
    file_id = response["file"]["id"]
    uploaded = slack.files[file_id]
    assert uploaded.content == calendar
    assert (uploaded.filename, uploaded.title, uploaded.channel_id) == ("meetup.ics", "Meetup", "C0FIRES")
    assert uploaded.initial_comment == "See you!"
    assert response["file"]["size"] == len(calendar)
    [announced] = slack.calls_to("files.getUploadURLExternal")
    assert announced.params["length"] == str(len(calendar))


async def test_oauth_exchanges_a_code_for_the_workspace_bot_token(slack: FakeSlack, client: AsyncWebClient) -> None:
    other = slack.add_workspace("T0OTHER", name="Other CoP", code="code-1")
    installed = await client.oauth_v2_access(client_id="111.222", client_secret="secret", code="code-1")
    assert installed["access_token"] == other.bot_token
    assert installed["team"] == {"id": "T0OTHER", "name": "Other CoP"}
    assert "commands" in installed["scope"].split(",")
    identity = await client.auth_test(token=installed["access_token"])
    assert (identity["team_id"], identity["bot_id"]) == ("T0OTHER", other.bot_id)
    with pytest.raises(SlackApiError) as raised:
        await client.oauth_v2_access(client_id="111.222", client_secret="secret", code="stale")
    assert raised.value.response["error"] == "invalid_code"


async def test_wait_for_sleeps_until_the_call_arrives(slack: FakeSlack, client: AsyncWebClient) -> None:
    waiting = asyncio.create_task(slack.wait_for("chat.postMessage", count=2))
    await client.chat_postMessage(channel="C0FIRES", text="one")
    assert not waiting.done()
    await client.chat_postMessage(channel="C0FIRES", text="two")
    calls = await waiting
    assert [call.params["text"] for call in calls] == ["one", "two"]
    with pytest.raises(TimeoutError, match=r"views\.open"):
        await slack.wait_for("views.open", timeout=0.05)


# --- Socket Mode ---------------------------------------------------------------------------------------------


async def test_socket_mode_client_receives_an_envelope_and_acks_it(slack: FakeSlack) -> None:
    received: list[SocketModeRequest] = []

    async def acknowledge(socket: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        await socket.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    socket = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=slack.base_url))
    socket.socket_mode_request_listeners.append(acknowledge)  # type: ignore[arg-type]
    try:
        await socket.connect()  # type: ignore[no-untyped-call]
        await slack.wait_for_socket()
        envelope = socket_envelope("slash_commands", slash_command("help"))
        envelope_id = await slack.socket_send(envelope)
        ack = await slack.wait_for_ack(envelope_id)
    finally:
        await socket.close()  # type: ignore[no-untyped-call]
    assert ack == {"envelope_id": envelope_id}
    assert [(r.type, r.payload["text"]) for r in received] == [("slash_commands", "help")]
    assert slack.calls_to("apps.connections.open")[0].token == APP_TOKEN


async def test_a_disconnect_request_makes_the_client_reconnect(slack: FakeSlack) -> None:
    socket = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=slack.base_url))
    try:
        await socket.connect()  # type: ignore[no-untyped-call]
        await slack.wait_for_socket()
        await slack.socket_disconnect()
        await slack.wait_for_socket(count=2)
    finally:
        await socket.close()  # type: ignore[no-untyped-call]
    assert len(slack.calls_to("apps.connections.open")) == 2


async def test_a_bolt_app_answers_a_slash_command_through_the_fake(slack: FakeSlack) -> None:
    app = AsyncApp(client=AsyncWebClient(base_url=slack.base_url, token=slack.bot_token))

    @app.command("/hearth")
    async def answer(ack: AsyncAck, say: AsyncSay, command: dict[str, Any]) -> None:
        await ack()
        await say(f"You typed {command['text']}")

    handler = AsyncSocketModeHandler(app, APP_TOKEN)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        envelope_id = await slack.socket_send(socket_envelope("slash_commands", slash_command("me")))
        ack = await slack.wait_for_ack(envelope_id)
        [posted] = await slack.wait_for("chat.postMessage")
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
    assert ack["envelope_id"] == envelope_id
    assert (posted.params["channel"], posted.params["text"]) == ("C0FIRES", "You typed me")
    assert slack.calls_to("auth.test"), "Bolt checks its token before the first request"
