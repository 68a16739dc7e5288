"""Inbound events as JSON and back: what an adapter records of a command, click, form or shortcut so that it can
do the work again after a restart (`bot.acknowledgements`).

Only the four events a member answers to are encoded: `CommandInvoked`, `ActionInvoked`, `FormSubmitted` and
`ShortcutInvoked`. `encode` gives a dict of JSON values (strings, numbers, booleans, lists, dicts, None);
`decode(encode(event)) == event`. References are lists of their ids, datetimes ISO 8601 with their offset, tuples
lists, and option values keep their kind (a member or a channel is tagged). `encode` raises `TypeError` for any
other event or value and `ValueError` for a datetime without a zone; `decode` raises `ValueError` for anything it
did not make.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.events import ActionInvoked, Actor, CommandInvoked, FormSubmitted, OptionValue, ShortcutInvoked
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef

__all__ = ["ReplayableEvent", "decode", "encode"]

ReplayableEvent = CommandInvoked | ActionInvoked | FormSubmitted | ShortcutInvoked
JSONDict = dict[str, Any]


def encode(event: ReplayableEvent) -> JSONDict:
    """`event` as a dict of JSON values; `TypeError` for an event of another kind."""
    if not isinstance(event, (CommandInvoked, ActionInvoked, FormSubmitted, ShortcutInvoked)):
        raise TypeError(f"{type(event).__name__} is not an event Hearth replays")
    common: JSONDict = {"actor": _actor(event.actor), "channel": _channel(event.channel), "at": _moment(event.at)}
    if isinstance(event, CommandInvoked):
        return {"kind": "command", **common, "command": event.command, "text": event.text, "path": list(event.path),
                "options": None if event.options is None else {name: _option(value)
                                                               for name, value in event.options.items()},
                "workspace_name": event.workspace_name, "channel_name": event.channel_name}
    if isinstance(event, ActionInvoked):
        return {"kind": "action", **common, "action_id": event.action_id, "value": event.value,
                "message": None if event.message is None else _message(event.message),
                "message_values": list(event.message_values)}
    if isinstance(event, FormSubmitted):
        return {"kind": "form", **common, "form_id": event.form_id, "values": dict(event.values),
                "state": event.state}
    return {"kind": "shortcut", **common, "shortcut_id": event.shortcut_id, "message": _message(event.message),
            "text": event.text}


def decode(data: Mapping[str, Any]) -> ReplayableEvent:
    """The event `encode` made `data` from; `ValueError` when `data` is not one."""
    reader = _Reader(data, "event")
    kind = reader.text("kind")
    actor = _read_actor(reader.mapping("actor"))
    channel = _read_channel(reader.value("channel"))
    at = _read_moment(reader.text("at"))
    if kind == "command":
        options = reader.value("options")
        return CommandInvoked(
            actor=actor, channel=channel, at=at, command=reader.text("command"), text=reader.text("text"),
            path=tuple(reader.texts("path")),
            options=None if options is None else {str(name): _read_option(value)
                                                  for name, value in _Reader(options, "options").items()},
            workspace_name=reader.text("workspace_name"), channel_name=reader.text("channel_name"))
    if kind == "action":
        message = reader.value("message")
        return ActionInvoked(
            actor=actor, channel=channel, at=at, action_id=reader.text("action_id"), value=reader.text("value"),
            message=None if message is None else _read_message(message),
            message_values=tuple(reader.texts("message_values")))
    if kind == "form":
        values = _Reader(reader.mapping("values"), "values")
        return FormSubmitted(actor=actor, channel=channel, at=at, form_id=reader.text("form_id"),
                             values={name: values.text(name) for name in values.names()}, state=reader.text("state"))
    if kind == "shortcut":
        return ShortcutInvoked(actor=actor, channel=channel, at=at, shortcut_id=reader.text("shortcut_id"),
                               message=_read_message(reader.value("message")), text=reader.text("text"))
    raise ValueError(f"unknown event kind {kind!r}")


# --- encoding --------------------------------------------------------------------------------------------------


def _actor(actor: Actor) -> JSONDict:
    return {"member": _member(actor.member), "display_name": actor.display_name, "is_bot": actor.is_bot,
            "is_admin": actor.is_admin, "timezone": actor.timezone, "locale": actor.locale}


def _workspace(ref: WorkspaceRef) -> list[str]:
    return [ref.platform.value, ref.id]


def _channel(ref: ChannelRef) -> list[str]:
    return [*_workspace(ref.workspace), ref.id]


def _member(ref: MemberRef) -> list[str]:
    return [*_workspace(ref.workspace), ref.id]


def _message(ref: MessageRef) -> list[str]:
    return [*_channel(ref.channel), ref.id]


def _moment(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an event's time must carry its zone")
    return moment.isoformat()


def _option(value: OptionValue) -> JSONDict:
    # bool before int: a bool is an int to Python, and JSON keeps them apart only if the tag does.
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, MemberRef):
        return {"member": _member(value)}
    if isinstance(value, ChannelRef):
        return {"channel": _channel(value)}
    raise TypeError(f"an option value cannot be a {type(value).__name__}")


# --- decoding --------------------------------------------------------------------------------------------------


class _Reader:
    """Typed reads of one JSON object, each raising `ValueError` that names the field."""

    def __init__(self, data: object, what: str) -> None:
        if not isinstance(data, Mapping):
            raise ValueError(f"{what} must be an object")
        self._data: Mapping[str, Any] = data
        self._what = what

    def names(self) -> list[str]:
        return [str(key) for key in self._data]

    def items(self) -> list[tuple[str, Any]]:
        return [(str(key), value) for key, value in self._data.items()]

    def value(self, name: str) -> Any:
        if name not in self._data:
            raise ValueError(f"{self._what} has no {name}")
        return self._data[name]

    def text(self, name: str) -> str:
        value = self.value(name)
        if not isinstance(value, str):
            raise ValueError(f"{self._what}.{name} must be a string")
        return value

    def optional_text(self, name: str) -> str | None:
        value = self.value(name)
        return None if value is None else self.text(name)

    def flag(self, name: str) -> bool:
        value = self.value(name)
        if not isinstance(value, bool):
            raise ValueError(f"{self._what}.{name} must be true or false")
        return value

    def mapping(self, name: str) -> Mapping[str, Any]:
        value = self.value(name)
        if not isinstance(value, Mapping):
            raise ValueError(f"{self._what}.{name} must be an object")
        return value

    def texts(self, name: str) -> list[str]:
        value = self.value(name)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"{self._what}.{name} must be a list of strings")
        return value


def _ids(value: object, count: int, what: str) -> list[str]:
    if not isinstance(value, list) or len(value) != count or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{what} must be a list of {count} strings")
    return value


def _read_workspace(platform: str, workspace_id: str) -> WorkspaceRef:
    try:
        return WorkspaceRef(Platform(platform), workspace_id)
    except ValueError:
        raise ValueError(f"unknown platform {platform!r}") from None


def _read_channel(value: object) -> ChannelRef:
    platform, workspace_id, channel_id = _ids(value, 3, "a channel")
    return ChannelRef(_read_workspace(platform, workspace_id), channel_id)


def _read_member(value: object) -> MemberRef:
    platform, workspace_id, member_id = _ids(value, 3, "a member")
    return MemberRef(_read_workspace(platform, workspace_id), member_id)


def _read_message(value: object) -> MessageRef:
    platform, workspace_id, channel_id, message_id = _ids(value, 4, "a message")
    return MessageRef(ChannelRef(_read_workspace(platform, workspace_id), channel_id), message_id)


def _read_moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("an event's time must carry its zone")
    return moment


def _read_actor(data: Mapping[str, Any]) -> Actor:
    reader = _Reader(data, "actor")
    return Actor(_read_member(reader.value("member")), display_name=reader.text("display_name"),
                 is_bot=reader.flag("is_bot"), is_admin=reader.flag("is_admin"),
                 timezone=reader.optional_text("timezone"), locale=reader.optional_text("locale"))


def _read_option(value: object) -> OptionValue:
    reader = _Reader(value, "an option")
    if len(reader.names()) != 1:
        raise ValueError("an option must have exactly one kind")
    [tag] = reader.names()
    raw = reader.value(tag)
    if tag == "bool" and isinstance(raw, bool):
        return raw
    if tag == "int" and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if tag == "str" and isinstance(raw, str):
        return raw
    if tag == "member":
        return _read_member(raw)
    if tag == "channel":
        return _read_channel(raw)
    raise ValueError(f"an option of kind {tag!r} cannot be {raw!r}")
