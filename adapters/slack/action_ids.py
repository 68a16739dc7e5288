"""Slack's action ids: how a button's or select's routing id goes out in a message, and is read back from a click.

An element's `action_id` is the model's action id, made unique in the message (`adapters.unique_ids`): Slack
rejects a message in which two elements share one. The first use is sent as is, later uses get `#2`, `#3`… (an id
already ending in `#<digits>` always gets a suffix, so the mapping stays reversible). Slack refuses an empty action
id, so an element whose id is empty goes out without one and Slack makes one up. A button's value travels in its
own `value` field, so nothing else is packed into the id.
"""

from __future__ import annotations

from adapters.unique_ids import UniqueIds, Unreadable, original_id

MAX_ACTION_ID = 255


def message_action_ids() -> UniqueIds:
    """The action ids of one message: `claim` gives each element's, unique in the message."""
    return UniqueIds(limit=MAX_ACTION_ID, platform="Slack", suffix_empty=False)


def split_action_id(raw: str) -> str:
    """The model's action id of a rendered one: `raw` without the `#<n>` that kept it unique. Raises nothing."""
    return original_id(raw)


def read_action_id(raw: object) -> str | Unreadable:
    """The model's action id of the `action_id` a click brought back; `Unreadable` for anything Slack would not
    send for an element Hearth rendered (not a string, empty, longer than 255 characters). Raises nothing."""
    if not isinstance(raw, str):
        return Unreadable(f"the action id is a {type(raw).__name__}, not a string")
    if not 1 <= len(raw) <= MAX_ACTION_ID:
        return Unreadable(f"the action id has {len(raw)} characters, not 1 to {MAX_ACTION_ID}")
    return split_action_id(raw)
