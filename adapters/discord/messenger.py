"""Hearth's `Messenger` for Discord: rendered payloads sent through discord.py, errors made explicit.

Buttons and selects are sent as components discord.py keeps nothing of (`adapters.discord.render`); a click on any
Hearth message, however old and across restarts, reaches the adapter through the DynamicItem it registers.

discord.py retries rate limits (429) and server errors itself. What is left is sorted here: an error no retry can
fix (no access, unknown channel, DMs closed) raises `DeliveryError`; a server error that outlasted the retries raises
`TransientDeliveryError`, so a scheduled delivery is tried again later.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any

import discord

from adapters.discord.render import DiscordPayload, render_message
from bot.messages import Message
from bot.ports import ROSTER_MOST, ChatMessage, Clock, DeliveryError
from bot.refs import ChannelRef, MemberRef, MessageRef
from bot.scheduling.model import TransientDeliveryError

log = logging.getLogger("hearth.discord")

# Discord's JSON error code for a member whose DMs are closed to Hearth.
CANNOT_DM = 50007
NONCE_LENGTH = 25
# How long a member whose DMs are closed is left alone before Hearth tries again (they may open them).
DM_RETRY_AFTER = timedelta(days=7)


def send_arguments(payload: DiscordPayload) -> dict[str, Any]:
    """The keyword arguments of discord.py's `send`/`send_message`/`followup.send` for one payload."""
    arguments: dict[str, Any] = {
        "content": payload.content or None,
        "embeds": payload.embeds,
        "allowed_mentions": payload.allowed_mentions,
    }
    if payload.files:
        arguments["files"] = payload.files
    if payload.view is not None:
        arguments["view"] = payload.view
    return arguments


def edit_arguments(payload: DiscordPayload) -> dict[str, Any]:
    """The keyword arguments of an edit (a message's or an interaction's original response): like
    `send_arguments`, replacing the components (none removes them); new files replace the old attachments,
    no files leave them as they are."""
    arguments = send_arguments(payload)
    files = arguments.pop("files", None)
    if files:
        arguments["attachments"] = files
    arguments.setdefault("view", None)
    return arguments




def nonce(delivery_key: str, index: int) -> str:
    """Discord's `nonce` for the `index`-th payload of a scheduled delivery: at most 25 characters, the same
    for every attempt, so Discord drops a repeated post (`enforce_nonce`)."""
    digest = hashlib.blake2b(f"{delivery_key}#{index}".encode(), digest_size=12).hexdigest()
    return digest[:NONCE_LENGTH]


class DiscordMessenger:
    """Posts, DMs and edits through the client's REST connection; remembers members whose DMs are closed."""

    def __init__(self, client: discord.Client, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self._dm_channels: dict[str, int] = {}
        self._closed_dms: dict[tuple[str, str], datetime] = {}

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        target = self._client.get_partial_messageable(int(channel.id), guild_id=_guild(channel))
        reference: discord.MessageReference | None = None
        if message.thread is not None:
            target, reference = await self._thread_target(channel, message.thread)
        first: discord.Message | None = None
        for index, payload in enumerate(render_message(message)):
            arguments = send_arguments(payload)
            if message.delivery_key:
                arguments["nonce"] = nonce(message.delivery_key, index)
            if reference is not None and first is None:
                arguments["reference"] = reference
                arguments["mention_author"] = False
            sent = await call_discord(target.send(**arguments))
            first = first or sent
        assert first is not None
        return MessageRef(ChannelRef(channel.workspace, str(first.channel.id)), str(first.id))

    async def channel_members(self, channel: ChannelRef) -> list[MemberRef]:
        """The people who can read `channel`: the server's members listed page by page over REST (Hearth keeps no
        member cache; listing needs the Server Members intent, `DISCORD_MEMBER_EVENTS`), at most `ROSTER_MOST`,
        bots left out, each checked against the channel's permissions. `DeliveryError` when Discord refuses."""
        found = self._client.get_channel(int(channel.id)) if channel.id.isdigit() else None
        if not isinstance(found, discord.abc.GuildChannel):
            raise DeliveryError("the channel is not one of a server this process serves")
        members = [member async for member in found.guild.fetch_members(limit=ROSTER_MOST)]
        return [MemberRef(channel.workspace, str(member.id)) for member in members
                if not member.bot and found.permissions_for(member).read_messages]

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        key = (member.workspace.id, member.id)
        closed = self._closed_dms.get(key)
        if closed is not None and self._clock.now() - closed < DM_RETRY_AFTER:
            raise DeliveryError("the member does not accept direct messages from Hearth")
        channel_id = self._dm_channels.get(member.id)
        if channel_id is None:
            dm = await call_discord(self._client.create_dm(discord.Object(int(member.id))))
            channel_id = self._dm_channels[member.id] = dm.id
        try:
            return await self.send(ChannelRef(member.workspace, str(channel_id)), message)
        except DeliveryError as error:
            if isinstance(error.__cause__, discord.Forbidden) and error.__cause__.code == CANNOT_DM:
                self._closed_dms[key] = self._clock.now()
                log.info("member %s does not accept DMs; not trying again before %s", member.id,
                         self._clock.now() + DM_RETRY_AFTER)
            raise

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        # Discord shows a message to one member only in answer to their interaction; anywhere else the private
        # answer goes to their DMs.
        await self.send_direct(member, message)

    async def read_message(self, message: MessageRef) -> ChatMessage | None:
        """The message over REST (`GET /channels/{id}/messages/{id}`). Its text needs the privileged Message Content
        intent (`DISCORD_MESSAGE_CONTENT`); without it Discord sends the message without text, and this is None
        like a message that is gone or unreadable."""
        if not (message.channel.id.isdigit() and message.id.isdigit()):
            return None
        channel = self._client.get_partial_messageable(int(message.channel.id), guild_id=_guild(message.channel))
        try:
            found = await call_discord(channel.fetch_message(int(message.id)))
        except (DeliveryError, TransientDeliveryError) as error:
            log.info("could not read message %s in %s: %s", message.id, message.channel.id, error)
            return None
        text = str(found.content or "").replace("<@!", "<@")
        return ChatMessage(text, await self.permalink(message)) if text.strip() else None

    async def permalink(self, message: MessageRef) -> str:
        """Discord's link to a message of a server's channel (or a thread): made from the ids, no call."""
        guild, channel = message.channel.workspace.id, message.channel.id
        if not (guild.isdigit() and channel.isdigit() and message.id.isdigit()):
            return ""
        return f"https://discord.com/channels/{guild}/{channel}/{message.id}"

    async def update(self, ref: MessageRef, message: Message) -> None:
        payloads = render_message(message)
        if len(payloads) > 1:
            log.warning("an update of %s is longer than one Discord message; the rest is left out", ref.id)
        channel = self._client.get_partial_messageable(int(ref.channel.id), guild_id=_guild(ref.channel))
        await call_discord(channel.get_partial_message(int(ref.id)).edit(**edit_arguments(payloads[0])))

    async def _thread_target(self, channel: ChannelRef, thread: MessageRef) -> tuple[
            discord.PartialMessageable, discord.MessageReference | None]:
        """Inside the thread started from `thread` when there is one (a thread's id is its starter message's),
        otherwise a reply to that message in its channel."""
        try:
            found = self._client.get_channel(int(thread.id)) or await self._client.fetch_channel(int(thread.id))
        except discord.NotFound:
            found = None
        except discord.HTTPException as error:
            raise _delivery_error(error) from error
        if isinstance(found, discord.Thread):
            return self._client.get_partial_messageable(found.id, guild_id=_guild(channel)), None
        target = self._client.get_partial_messageable(int(thread.channel.id), guild_id=_guild(channel))
        reference = discord.MessageReference(message_id=int(thread.id), channel_id=int(thread.channel.id),
                                             fail_if_not_exists=False)
        return target, reference


def _guild(channel: ChannelRef) -> int | None:
    return int(channel.workspace.id) if channel.workspace.id.isdigit() else None


async def call_discord(request: Awaitable[Any]) -> Any:
    """Await a REST call; errors no retry can fix become `DeliveryError`, server errors `TransientDeliveryError`."""
    try:
        return await request
    except discord.RateLimited as error:
        raise TransientDeliveryError(f"Discord asks to wait {error.retry_after:.0f}s; tried again later") from error
    except discord.HTTPException as error:
        raise _delivery_error(error) from error


def _delivery_error(error: discord.HTTPException) -> Exception:
    if isinstance(error, discord.DiscordServerError) or error.status == 429:
        return TransientDeliveryError(f"Discord answered {error.status}: {error.text[:200]}")
    return DeliveryError(f"Discord refused ({error.status}, code {error.code}): {error.text[:200]}")
