"""What Slack's requests look like, as far as Bolt and Hearth's listeners read them.

Slack sends three kinds of body to `/slack/events`: a slash command (a form with `command`, `team_id`,
`user_id`, `channel_id`), an interaction (a form whose `payload` is a JSON object with a `type` and a `user`)
and an Events API envelope (a JSON object; an `event_callback` carries `team_id` and an `event` with its
`type`). Bolt reads ids out of every body before any listener runs, and the listeners index the fields they
need, so a body with those fields missing or of another type would fail inside them. `shape_problem` names the
first such field, and `SlackEdge` refuses the request. Fields Slack may leave out or set to null stay
optional; anything not named here is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

_TS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _ts(value: Any) -> bool:
    return isinstance(value, str) and _TS.fullmatch(value) is not None


def _has(fields: Mapping[str, Check], optional: Mapping[str, Check] | None = None) -> Check:
    """An object with `fields` (each passing its check) and, where present and not null, `optional`."""

    def check(value: Any) -> bool:
        return isinstance(value, dict) and _problem(value, fields, optional or {}) is None

    return check


def _either(*checks: Check) -> Check:
    return lambda value: any(check(value) for check in checks)


def _list_of(check: Check) -> Check:
    return lambda value: isinstance(value, list) and all(check(item) for item in value)


_ID_OBJECT = _has({"id": _text})
_NAMED = _either(_text, _ID_OBJECT)  # Slack writes a team, an enterprise or a channel either way

# Fields Bolt or a listener reads from any body that has them.
_ANYWHERE: Mapping[str, Check] = {
    "type": _text, "team": _NAMED, "enterprise": _NAMED, "channel": _NAMED,
    "user": _either(_text, _has({"id": _text}, {"team_id": _text})),
    "team_id": _text, "user_id": _text, "channel_id": _text, "enterprise_id": _text, "api_app_id": _text,
    "command": _text, "text": _text, "trigger_id": _text, "response_url": _text, "callback_id": _text,
    "event_id": _text, "authorizations": _list_of(_has({}, {"team_id": _text, "user_id": _text})),
    "event": _has({"type": _text}), "actions": _list_of(_has({}, {"action_id": _text, "block_id": _text})),
    "view": _has({}, {"id": _text, "type": _text, "callback_id": _text, "app_installed_team_id": _text,
                      "private_metadata": _text}),
    "message": _has({}, {"ts": _ts}), "container": _has({}, {"message_ts": _ts, "channel_id": _text}),
    "block_id": _text, "action_id": _text,
}

_COMMAND: Mapping[str, Check] = {"command": _text, "team_id": _text, "user_id": _text, "channel_id": _text}
_INTERACTION: Mapping[str, Check] = {"type": _text, "user": _has({"id": _text})}
_INTERACTIONS: Mapping[str, Mapping[str, Check]] = {
    "block_actions": {"actions": _list_of(_has({"action_id": _text}))},
    "view_submission": {"view": _has({"callback_id": _text})},
    "view_closed": {"view": _has({"callback_id": _text})},
    "shortcut": {"callback_id": _text},
    "message_action": {"callback_id": _text, "team": _ID_OBJECT, "channel": _ID_OBJECT},
}
_EVENT_CALLBACK: Mapping[str, Check] = {"team_id": _text, "event": _has({"type": _text})}
# What Hearth's listeners read of the events they listen to.
_EVENTS: Mapping[str, Mapping[str, Check]] = {
    "message": {"channel": _text, "ts": _ts},
    "reaction_added": {"user": _text, "reaction": _text, "item": _has({}, {"channel": _text, "ts": _ts})},
    "member_joined_channel": {"user": _text},
    "app_home_opened": {"user": _text},
    "tokens_revoked": {"tokens": _has({})},
}
_EVENT_OPTIONAL: Mapping[str, Mapping[str, Check]] = {
    "message": {"user": _text, "thread_ts": _ts, "subtype": _text, "bot_id": _text, "text": _text},
    "reaction_added": {"event_ts": _ts},
}


def shape_problem(body: Mapping[str, Any], *, interaction: bool) -> str | None:
    """Which field of `body` (as Bolt parsed it) is not what Slack sends, or None when none is.
    `interaction` says whether it came as a form's `payload`."""
    problem = _problem(body, {}, _ANYWHERE)
    if problem is not None:
        return problem
    if interaction:
        return _problem(body, {**_INTERACTION, **_INTERACTIONS.get(str(body.get("type")), {})}, {})
    if "command" in body:
        return _problem(body, _COMMAND, {})
    if body.get("type") == "event_callback":
        problem = _problem(body, _EVENT_CALLBACK, {})
        if problem is not None:
            return problem
        event = body["event"]
        found = _problem(event, _EVENTS.get(event["type"], {}), _EVENT_OPTIONAL.get(event["type"], {}))
        return None if found is None else f"event.{found}"
    return None


def _problem(value: Mapping[str, Any], fields: Mapping[str, Check], optional: Mapping[str, Check]) -> str | None:
    for name, check in fields.items():
        if name not in value or not check(value[name]):
            return name
    for name, check in optional.items():
        if value.get(name) is not None and not check(value[name]):
            return name
    return None
