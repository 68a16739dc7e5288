"""Discord's custom ids: how a button's or select's action id and value, and a modal's form id and state, go out in
a `custom_id` and are read back from a click or a submission.

Components. Discord has no `value` on a button, so a button's custom id is `action_id|value` (just `action_id` when
the value is empty): action ids must not contain `|`. A custom id is unique per message (`adapters.unique_ids`): the
first use is sent as is, later uses get `#2`, `#3`… (an empty id, or one already ending in `#<digits>`, always gets
a suffix, so the mapping stays reversible); `split_custom_id` removes the suffix. A packed id longer than Discord's
100 characters is cut, with a warning: it would no longer route, which is a mistake in Hearth's code.

Modals. A modal has no hidden field, so a form's state travels in the modal's custom id as `form_id:state`: form ids
must not contain `:`.

`read_custom_id` and `read_form_id` raise nothing: what Hearth cannot have made reads as `Unreadable`.
"""

from __future__ import annotations

from typing import NamedTuple

from adapters.unique_ids import UniqueIds, Unreadable, original_id

MAX_CUSTOM_ID = 100
VALUE_SEPARATOR = "|"
STATE_SEPARATOR = ":"


class ComponentId(NamedTuple):
    """What a component's custom id carries."""

    action_id: str
    value: str


class FormId(NamedTuple):
    """What a modal's custom id carries."""

    form_id: str
    state: str


def custom_id(action_id: str, value: str = "") -> str:
    """The custom id carrying a button's `action_id` and `value`, before it is made unique."""
    return f"{action_id}{VALUE_SEPARATOR}{value}" if value else action_id


def message_custom_ids() -> UniqueIds:
    """The custom ids of one message's components: `claim` gives each one's, unique in the message."""
    return UniqueIds(limit=MAX_CUSTOM_ID, platform="Discord", suffix_empty=True)


def split_custom_id(raw: str) -> str:
    """The custom id as Hearth packed it: `raw` without the `#<n>` that kept it unique. Raises nothing."""
    return original_id(raw)


def read_custom_id(raw: object) -> ComponentId | Unreadable:
    """The action id and value of a clicked component's custom id; `Unreadable` for anything Discord would not send
    for a component (not a string, empty, longer than 100 characters). Raises nothing."""
    problem = _problem(raw)
    if problem is not None:
        return problem
    assert isinstance(raw, str)
    action_id, _, value = split_custom_id(raw).partition(VALUE_SEPARATOR)
    return ComponentId(action_id, value)


def form_custom_id(form_id: str, state: str) -> str:
    """The custom id of the modal of form `form_id` with its `state`."""
    return f"{form_id}{STATE_SEPARATOR}{state}"


def read_form_id(raw: object) -> FormId | Unreadable:
    """The form id and state of a submitted modal's custom id; `Unreadable` when it is not `form_id:state` with a
    form id, or not a custom id at all. Raises nothing."""
    problem = _problem(raw)
    if problem is not None:
        return problem
    assert isinstance(raw, str)
    form_id, separator, state = raw.partition(STATE_SEPARATOR)
    if not form_id or not separator:
        return Unreadable(f"modal custom id {raw[:40]!r} is not form_id:state")
    return FormId(form_id, state)


def _problem(raw: object) -> Unreadable | None:
    if not isinstance(raw, str):
        return Unreadable(f"the custom id is a {type(raw).__name__}, not a string")
    if not 1 <= len(raw) <= MAX_CUSTOM_ID:
        return Unreadable(f"the custom id has {len(raw)} characters, not 1 to {MAX_CUSTOM_ID}")
    return None
