"""discord.py's objects in, Hearth's events out: pure translation, no I/O.

Only what the core needs crosses: ids, names, times and metadata. Without the privileged message-content intent
Discord sends a member's message without its text, so activity is metadata by construction; the one exception is
a message command ("Save to library"), where the member chose the message and Discord hands its text over.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import discord

from adapters.discord.commands import typed_options
from adapters.discord.custom_ids import read_custom_id
from adapters.discord.modals import read_modal
from adapters.message_metadata import LINK, looks_like_question
from adapters.unique_ids import Unreadable
from bot.events import (
    ActionInvoked,
    Actor,
    CommandInvoked,
    FormSubmitted,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
    ShortcutInvoked,
)
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef

log = logging.getLogger("hearth.discord")


def workspace(guild_id: int | str) -> WorkspaceRef:
    return WorkspaceRef(Platform.DISCORD, str(guild_id))


def language(locale: discord.Locale | str | None) -> str | None:
    """Hearth's language code for a Discord locale ("en-US" → "en", "nl" → "nl")."""
    if locale is None:
        return None
    value = locale.value if isinstance(locale, discord.Locale) else str(locale)
    return value.split("-")[0].lower() or None


def actor(guild_id: int | str, user: discord.abc.User, *, locale: discord.Locale | str | None = None,
          permissions: discord.Permissions | None = None) -> Actor:
    """An `Actor` for `user` in the guild. A member who may manage the server counts as a platform admin."""
    if permissions is None and isinstance(user, discord.Member):
        permissions = user.guild_permissions
    return Actor(
        MemberRef(workspace(guild_id), str(user.id)),
        display_name=user.display_name,
        is_bot=user.bot or user.system,
        is_admin=bool(permissions and (permissions.manage_guild or permissions.administrator)),
        locale=language(locale),
    )


def interaction_actor(interaction: discord.Interaction[Any]) -> Actor:
    assert interaction.guild_id is not None
    return actor(interaction.guild_id, interaction.user, locale=interaction.locale,
                 permissions=interaction.permissions)


def place(channel: object, guild_id: int, channel_id: int) -> tuple[ChannelRef, MessageRef | None]:
    """The community channel of a Discord channel and, inside a thread, the thread as Hearth sees it: a reply
    thread under the message that started it (a thread's id is its starter message's id)."""
    ws = workspace(guild_id)
    if isinstance(channel, discord.Thread) and channel.parent_id is not None:
        parent = ChannelRef(ws, str(channel.parent_id))
        return parent, MessageRef(parent, str(channel.id))
    return ChannelRef(ws, str(channel_id)), None


def message_event(message: discord.Message, at: datetime) -> MessagePosted | None:
    """Metadata of a member's message; None for bots, system messages and anything outside a server.

    The content is empty without the message-content intent unless the message mentions Hearth; it is read for
    links and a question mark only, and goes no further.
    """
    if message.guild is None or message.author.bot or message.author.system or message.webhook_id is not None:
        return None
    if message.type not in (discord.MessageType.default, discord.MessageType.reply):
        return None
    channel, thread = place(message.channel, message.guild.id, message.channel.id)
    content = message.content or ""
    return MessagePosted(
        actor=actor(message.guild.id, message.author),
        channel=channel,
        at=at,
        message=MessageRef(ChannelRef(channel.workspace, str(message.channel.id)), str(message.id)),
        thread=thread,
        is_question=looks_like_question(content),
        links=tuple(dict.fromkeys(LINK.findall(content))),
    )


def reaction_event(event: discord.RawReactionActionEvent, channel: object, at: datetime) -> ReactionAdded | None:
    """A member's reaction in a server; None for bots and reactions outside a server."""
    if event.guild_id is None or event.member is None or event.member.bot:
        return None
    where, _thread = place(channel, event.guild_id, event.channel_id)
    message_channel = ChannelRef(where.workspace, str(event.channel_id))
    return ReactionAdded(
        actor=actor(event.guild_id, event.member), channel=where, at=at,
        message=MessageRef(message_channel, str(event.message_id)), emoji=event.emoji.name or str(event.emoji.id),
    )


def joined_event(member: discord.Member, at: datetime) -> MemberJoined:
    return MemberJoined(actor(member.guild.id, member), at)


def left_event(event: discord.RawMemberRemoveEvent, at: datetime) -> MemberLeft:
    return MemberLeft(MemberRef(workspace(event.guild_id), str(event.user.id)), at)


def command_event(interaction: discord.Interaction[Any], at: datetime) -> CommandInvoked:
    """A slash command with its typed options (members and channels as references)."""
    data: Mapping[str, Any] = interaction.data or {}
    ws_actor = interaction_actor(interaction)
    channel, _thread = place(interaction.channel, interaction.guild_id or 0, interaction.channel_id or 0)
    path, options = typed_options(data, ws_actor.member.workspace)
    guild = interaction.guild
    return CommandInvoked(
        actor=ws_actor, channel=channel, at=at, command=str(data.get("name", "")), path=path, options=options,
        workspace_name=guild.name if guild is not None else "",
        channel_name=getattr(interaction.channel, "name", "") or "",
    )


def component_event(interaction: discord.Interaction[Any], at: datetime) -> ActionInvoked:
    """A button click or a select choice on one of Hearth's messages, with the values of the buttons on that message.
    A custom id Hearth cannot have made arrives with no action id, which the core answers as a stale button (logged
    at INFO without the id). Raises nothing."""
    data: Mapping[str, Any] = interaction.data or {}
    read = read_custom_id(data.get("custom_id"))
    if isinstance(read, Unreadable):
        log.info("a component Hearth cannot read was used: %s", read.why)
        action_id, value = "", ""
    else:
        action_id, value = read
    values = data.get("values")
    if isinstance(values, list) and values:
        value = str(values[0])
    ws_actor = interaction_actor(interaction)
    channel, _thread = place(interaction.channel, interaction.guild_id or 0, interaction.channel_id or 0)
    message = interaction.message
    return ActionInvoked(
        actor=ws_actor, channel=channel, at=at, action_id=action_id, value=value,
        message=MessageRef(ChannelRef(channel.workspace, str(message.channel.id)), str(message.id))
        if message is not None else None,
        message_values=component_values(message) if message is not None else (),
    )


def component_values(message: discord.Message) -> tuple[str, ...]:
    """The values Hearth's buttons on `message` carry (from their custom ids), as Discord delivered the message."""
    found: list[str] = []
    for row in message.components:
        for child in getattr(row, "children", ()):
            read = read_custom_id(getattr(child, "custom_id", None))
            if not isinstance(read, Unreadable) and read.value:
                found.append(read.value)
    return tuple(found)


def form_event(interaction: discord.Interaction[Any], at: datetime) -> FormSubmitted:
    """A submitted modal. One Hearth did not open arrives with no form id, which the core answers as a stale form.
    Raises nothing."""
    data: Mapping[str, Any] = interaction.data or {}
    try:
        form_id, values, state = read_modal(data.get("custom_id"), data.get("components"))
    except ValueError as error:
        log.info("a modal Hearth did not open was submitted: %s", error)
        form_id, values, state = "", {}, ""
    channel, _thread = place(interaction.channel, interaction.guild_id or 0, interaction.channel_id or 0)
    return FormSubmitted(actor=interaction_actor(interaction), channel=channel, at=at, form_id=form_id,
                         values=values, state=state)


def shortcut_event(interaction: discord.Interaction[Any], shortcut_id: str, at: datetime) -> ShortcutInvoked:
    """A message command: the member chose the message, so its text comes along (in Hearth's neutral form:
    `<@ID>` for a member; renderers make any `@everyone` in it inert)."""
    data: Mapping[str, Any] = interaction.data or {}
    target = str(data.get("target_id", ""))
    resolved = ((data.get("resolved") or {}).get("messages") or {}).get(target) or {}
    channel, _thread = place(interaction.channel, interaction.guild_id or 0, interaction.channel_id or 0)
    text = str(resolved.get("content", "")).replace("<@!", "<@")
    message_channel = ChannelRef(channel.workspace, str(resolved.get("channel_id") or interaction.channel_id))
    return ShortcutInvoked(actor=interaction_actor(interaction), channel=channel, at=at, shortcut_id=shortcut_id,
                           message=MessageRef(message_channel, target), text=text)
