"""Slack payloads in, Hearth's events out: pure translation, no I/O.

Only what the core needs crosses: ids, names, times and metadata. A message's text is read here to tell whether
it asks a question and which links it holds, and goes no further.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict

from adapters.message_metadata import looks_like_question
from adapters.slack.incoming_text import LinkPiece, neutral, slack_pieces
from bot.events import (
    ActionInvoked,
    Actor,
    CommandInvoked,
    FormSubmitted,
    MemberJoined,
    MessagePosted,
    ReactionAdded,
    ShortcutInvoked,
)
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef


class CommandPayload(TypedDict):
    team_id: str
    channel_id: str
    user_id: str
    command: str
    text: str
    channel_name: NotRequired[str]
    user_name: NotRequired[str]
    team_domain: NotRequired[str]
    trigger_id: NotRequired[str]


class MessageEventPayload(TypedDict):
    type: str
    channel: str
    ts: str
    user: NotRequired[str]
    text: NotRequired[str]
    thread_ts: NotRequired[str]
    subtype: NotRequired[str]
    bot_id: NotRequired[str]


# Edits, deletions and joins are not someone posting.
IGNORED_SUBTYPES = frozenset({
    "message_changed", "message_deleted", "channel_join", "channel_leave", "bot_message", "channel_topic",
    "channel_purpose", "channel_name", "pinned_item", "unpinned_item", "tombstone", "message_replied",
})


def workspace(team_id: str) -> WorkspaceRef:
    return WorkspaceRef(Platform.SLACK, team_id)


def slack_time(ts: str) -> datetime:
    """A Slack `ts` ("1700000000.000100") as an aware UTC datetime."""
    return datetime.fromtimestamp(float(ts), tz=UTC)


def neutral_text(text: str) -> str:
    """Slack's escaped text in Hearth's neutral form: `<@ID>`, `<#ID>`, links as their address, entities as the
    characters they stand for (see `adapters.slack.incoming_text`)."""
    return neutral(slack_pieces(text))


def links_in(text: str) -> tuple[str, ...]:
    """The addresses of the links in Slack's escaped `text`, each once, in order."""
    return tuple(dict.fromkeys(piece.url for piece in slack_pieces(text) if isinstance(piece, LinkPiece)))


def command_event(payload: CommandPayload, actor: Actor, at: datetime) -> CommandInvoked:
    ws = workspace(payload["team_id"])
    return CommandInvoked(
        actor=actor,
        channel=ChannelRef(ws, payload["channel_id"]),
        at=at,
        command=payload["command"].lstrip("/").lower(),
        text=neutral_text(payload.get("text", "")),
        workspace_name=payload.get("team_domain", ""),
        channel_name=payload.get("channel_name", ""),
    )


def message_event(team_id: str, event: MessageEventPayload, actor: Actor) -> MessagePosted | None:
    """Metadata of a member's message, or None for edits, deletions, bots and other non-posts."""
    if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id") or "user" not in event:
        return None
    channel = ChannelRef(workspace(team_id), event["channel"])
    thread = event.get("thread_ts")
    text = event.get("text", "")
    plain = neutral_text(text)
    return MessagePosted(
        actor=actor,
        channel=channel,
        at=slack_time(event["ts"]),
        message=MessageRef(channel, event["ts"]),
        thread=MessageRef(channel, thread) if thread and thread != event["ts"] else None,
        is_question=looks_like_question(plain),
        links=links_in(text),
    )


def reaction_event(team_id: str, event: Mapping[str, Any], actor: Actor) -> ReactionAdded | None:
    item = event.get("item", {})
    if item.get("type") != "message":
        return None
    channel = ChannelRef(workspace(team_id), item["channel"])
    return ReactionAdded(
        actor=actor, channel=channel, at=slack_time(event.get("event_ts", item["ts"])),
        message=MessageRef(channel, item["ts"]), emoji=event["reaction"],
    )


def joined_event(team_id: str, event: Mapping[str, Any], actor: Actor, at: datetime) -> MemberJoined:
    return MemberJoined(actor=actor, at=at)


def action_event(body: Mapping[str, Any], action: Mapping[str, Any], actor: Actor, at: datetime,
                 action_id: str) -> ActionInvoked:
    ws = workspace(_team_id(body))
    container, message = _mapping(body.get("container")), _mapping(body.get("message"))
    channel_id = _mapping(body.get("channel")).get("id") or container.get("channel_id", "")
    channel = ChannelRef(ws, str(channel_id))
    ts = container.get("message_ts") or message.get("ts")
    value = action.get("value")
    if value is None:
        value = _mapping(action.get("selected_option")).get("value", "")
    return ActionInvoked(
        actor=actor, channel=channel, at=at, action_id=action_id, value=str(value),
        message=MessageRef(channel, str(ts)) if ts else None,
        message_values=button_values(message.get("blocks")),
    )


def button_values(blocks: object) -> tuple[str, ...]:
    """The values of the buttons in a message's `blocks`, as Slack delivered the message with a click."""
    found: list[str] = []
    for block in _mappings(blocks):
        for element in _mappings(block.get("elements")) if block.get("type") == "actions" else ():
            value = element.get("value")
            if element.get("type") == "button" and isinstance(value, str) and value:
                found.append(value)
    return tuple(found)


def shortcut_event(body: Mapping[str, Any], actor: Actor, at: datetime) -> ShortcutInvoked:
    """A message shortcut: the member chose to act on this message, so its text comes along (unescaped)."""
    channel = ChannelRef(workspace(_team_id(body)), str((body.get("channel") or {}).get("id", "")))
    message = body.get("message") or {}
    ts = str(message.get("ts") or body.get("message_ts") or "")
    return ShortcutInvoked(
        actor=actor, channel=channel, at=at, shortcut_id=str(body["callback_id"]),
        message=MessageRef(channel, ts), text=neutral_text(str(message.get("text", ""))),
    )


def form_metadata(state: str, channel_id: str) -> str:
    """What Hearth keeps in a modal's private_metadata: its own state and the channel the form was opened in."""
    return json.dumps({"s": state, "c": channel_id}, separators=(",", ":"))


def read_form_metadata(raw: str) -> tuple[str, str]:
    """(state, channel id) from `form_metadata`; a view Hearth did not open gives ("", "")."""
    try:
        data = json.loads(raw)
    except ValueError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("s", "")), str(data.get("c", ""))


def form_event(body: Mapping[str, Any], form_id: str, values: Mapping[str, str], metadata: str, actor: Actor,
               at: datetime) -> FormSubmitted:
    state, channel_id = read_form_metadata(metadata)
    return FormSubmitted(
        actor=actor, channel=ChannelRef(workspace(_team_id(body)), channel_id), at=at, form_id=form_id,
        values=dict(values), state=state,
    )


def actor_from_user(team_id: str, user: Mapping[str, Any] | None, user_id: str) -> Actor:
    """An `Actor` from a `users.info` user (or just the id when Slack could not say more)."""
    member = MemberRef(workspace(team_id), user_id)
    if not user:
        return Actor(member, display_name=user_id)
    profile = user.get("profile") or {}
    name = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
    return Actor(
        member,
        display_name=str(name),
        is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT",
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        timezone=user.get("tz") or None,
        locale=(user.get("locale") or "").split("-")[0] or None,
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def acting_team(body: Mapping[str, Any]) -> str | None:
    """The workspace a request acts in, as the listeners read it: `team.id`, else `user.team_id`, else
    `team_id`; None when it names none (Slack's URL check)."""
    for candidate in (_mapping(body.get("team")).get("id"), _mapping(body.get("user")).get("team_id"),
                      body.get("team_id")):
        if candidate:
            return str(candidate)
    return None


def _team_id(body: Mapping[str, Any]) -> str:
    return str(acting_team(body))
