"""Hearth's `Messenger` and `Responder` for Slack: Block Kit out, paced, with permanent errors made explicit."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import files_to_upload, render_message
from adapters.slack.inbound import form_metadata, neutral_text
from adapters.slack.modals import render_form
from bot.messages import Form, Message
from bot.ports import ROSTER_MOST, ChatMessage, DeliveryError
from bot.refs import ChannelRef, MemberRef, MessageRef
from bot.responders import MessengerResponder
from bot.scheduling.model import TransientDeliveryError

log = logging.getLogger("hearth.slack")
MAX_PRIVATE_METADATA = 3000
ClientFor = Callable[[str], Awaitable[AsyncWebClient]]

# Errors that no retry can fix: the message is refused for good.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "msg_too_long", "no_text", "invalid_blocks",
    "user_not_found", "user_not_in_channel", "cant_update_message", "message_not_found", "account_inactive",
    "invalid_auth", "not_authed", "token_revoked", "missing_scope", "restricted_action", "team_access_not_granted",
    # A DM that cannot reach its member: deactivated (conversations.open), or the app's Messages tab is off.
    "user_disabled", "messages_tab_disabled",
})
# Slack's own trouble: worth trying again later.
TRANSIENT = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


class Pacer:
    """About one post per second per channel, as Slack asks of chat.postMessage; bursts wait their turn."""

    def __init__(
        self,
        *,
        interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: dict[tuple[str, str], float] = {}

    async def wait(self, channel: ChannelRef) -> None:
        key = (channel.workspace.id, channel.id)
        now = self._monotonic()
        slot = max(now, self._next.get(key, now))
        self._next[key] = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)


class SlackMessenger:
    """Posts through the Web API client of each message's workspace."""

    def __init__(self, client_for: ClientFor, pacer: Pacer | None = None) -> None:
        self._client_for = client_for
        self._pacer = pacer or Pacer()

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        client = await self._client_for(channel.workspace.id)
        thread = message.thread.id if message.thread is not None else None
        first: str | None = None
        for payload in render_message(message):
            await self._pacer.wait(channel)
            response = await _call(client.chat_postMessage(
                channel=channel.id, text=payload["text"], blocks=payload["blocks"], thread_ts=thread,
                unfurl_links=False, unfurl_media=False,
            ))
            first = first or str(response["ts"])
            channel = ChannelRef(channel.workspace, str(response.get("channel", channel.id)))
        await self._upload(client, channel, message, thread or first)
        assert first is not None
        return MessageRef(channel, first)

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        client = await self._client_for(member.workspace.id)
        opened = await _call(client.conversations_open(users=member.id))
        return await self.send(ChannelRef(member.workspace, str(opened["channel"]["id"])), message)

    async def channel_members(self, channel: ChannelRef) -> list[MemberRef]:
        """`conversations.members`, page by page (at most `ROSTER_MOST` members), without Hearth's own bot user."""
        client = await self._client_for(channel.workspace.id)
        me = str((await _call(client.auth_test())).get("user_id", ""))
        found: list[MemberRef] = []
        cursor: str | None = None
        while len(found) < ROSTER_MOST:
            page = await _call(client.conversations_members(channel=channel.id, limit=200, cursor=cursor))
            found += [MemberRef(channel.workspace, str(user)) for user in page.get("members", ()) if user != me]
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "") or None
            if cursor is None:
                break
        return found[:ROSTER_MOST]

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        client = await self._client_for(channel.workspace.id)
        thread = message.thread.id if message.thread is not None else None
        for payload in render_message(message):
            await _call(client.chat_postEphemeral(
                channel=channel.id, user=member.id, text=payload["text"], blocks=payload["blocks"], thread_ts=thread,
            ))

    async def read_message(self, message: MessageRef) -> ChatMessage | None:
        """`conversations.history` at the message's `ts` (a thread's reply through `conversations.replies`); None
        without a history scope for the channel (Slack's `missing_scope`), or when it is gone."""
        client = await self._client_for(message.channel.workspace.id)
        try:
            found = await _call(client.conversations_history(channel=message.channel.id, latest=message.id,
                                                             oldest=message.id, inclusive=True, limit=1))
            messages = [m for m in found.get("messages") or () if m.get("ts") == message.id]
            if not messages:  # a reply in a thread is not in the channel's history
                found = await _call(client.conversations_replies(channel=message.channel.id, ts=message.id,
                                                                 latest=message.id, oldest=message.id,
                                                                 inclusive=True, limit=1))
                messages = [m for m in found.get("messages") or () if m.get("ts") == message.id]
        except (DeliveryError, TransientDeliveryError, SlackApiError) as error:
            log.info("could not read message %s in %s: %s", message.id, message.channel.id, error)
            return None
        if not messages:
            return None
        return ChatMessage(neutral_text(str(messages[0].get("text", ""))), await self.permalink(message))

    async def permalink(self, message: MessageRef) -> str:
        """`chat.getPermalink` ("" when Slack will not say)."""
        client = await self._client_for(message.channel.workspace.id)
        try:
            found = await _call(client.chat_getPermalink(channel=message.channel.id, message_ts=message.id))
        except (DeliveryError, TransientDeliveryError, SlackApiError) as error:
            log.info("no permalink for message %s in %s: %s", message.id, message.channel.id, error)
            return ""
        link = str(found.get("permalink", ""))
        return link if link.startswith("https://") else ""

    async def update(self, ref: MessageRef, message: Message) -> None:
        client = await self._client_for(ref.channel.workspace.id)
        payloads = render_message(message)
        if len(payloads) > 1:
            log.warning("an update of %s is longer than one Slack message; the rest is left out", ref.id)
        await _call(client.chat_update(
            channel=ref.channel.id, ts=ref.id, text=payloads[0]["text"], blocks=payloads[0]["blocks"]
        ))

    async def _upload(self, client: AsyncWebClient, channel: ChannelRef, message: Message, thread: str | None) -> None:
        files = files_to_upload(message)  # attachments and the files behind Image blocks
        if not files:
            return
        await _call(client.files_upload_v2(
            channel=channel.id, thread_ts=thread,
            file_uploads=[{"content": f.data, "filename": f.name, "title": f.name} for f in files],
        ))


class SlackResponder(MessengerResponder):
    """Answers one interaction like any responder, and opens forms with the interaction's trigger."""

    def __init__(self, messenger: SlackMessenger, client: AsyncWebClient, channel: ChannelRef, member: MemberRef,
                 trigger_id: str | None) -> None:
        # A form submission from a view opened outside a channel has no channel: answer by DM.
        super().__init__(messenger, channel if channel.id else None, member)
        self._client = client
        self._channel_id = channel.id
        self._trigger_id = trigger_id

    async def open_form(self, form: Form) -> None:
        if self._trigger_id is None:
            raise DeliveryError(f"form {form.form_id} needs an interaction's trigger_id")
        view = render_form(form)
        metadata = form_metadata(form.state, self._channel_id)
        if len(metadata) > MAX_PRIVATE_METADATA:
            raise ValueError(f"form {form.form_id} carries more state than a Slack modal holds")
        view["private_metadata"] = metadata
        await _call(self._client.views_open(trigger_id=self._trigger_id, view=view))


async def _call(request: Awaitable[Any]) -> Any:
    """Await a Web API call; errors no retry can fix become `DeliveryError`, and Slack's own trouble that outlasted
    the client's retries (a 5xx, a 429, `internal_error`…) `TransientDeliveryError`, so a scheduled delivery is
    tried again later."""
    try:
        return await request
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code in PERMANENT:
            raise DeliveryError(code) from error
        if code in TRANSIENT or error.response.status_code == 429 or error.response.status_code >= 500:
            raise TransientDeliveryError(f"Slack answered {error.response.status_code} {code}".strip()) from error
        raise


MAX_HOME_BLOCKS = 100


class HomeResponder:
    """Publishes a member's home (their App Home tab) instead of posting a message."""

    def __init__(self, client: AsyncWebClient, user_id: str) -> None:
        self._client = client
        self._user_id = user_id

    async def respond(self, message: Message) -> MessageRef | None:
        blocks = [block for payload in render_message(message) for block in payload["blocks"]]
        if len(blocks) > MAX_HOME_BLOCKS:
            log.warning("the home of %s has %d blocks; Slack shows the first %d", self._user_id, len(blocks),
                        MAX_HOME_BLOCKS)
        await _call(self._client.views_publish(
            user_id=self._user_id, view={"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
        ))
        return None

    async def open_form(self, form: Form) -> None:
        raise DeliveryError("the home tab opens forms through its buttons, not by itself")
