"""Hearth's forms as Slack modals, and their submissions read back.

`render_form` gives the `view` for `views.open`; `read_submission` reads the `view` of the `view_submission` payload
that comes back. Each field is one input block whose `block_id` and element `action_id` are both the field's name,
so the values come back by name. The form's hints are context lines above the fields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from adapters.slack.action_ids import MAX_ACTION_ID
from adapters.slack.blocks import (
    MAX_OPTIONS,
    SlackBlock,
    context_block,
    option_object,
    plain_text_object,
)
from bot.messages import FieldKind, Form, FormField

MAX_MODAL_LABEL = 24
MAX_PRIVATE_METADATA = 3000
MAX_MODAL_BLOCKS = 100
MAX_INPUT_LENGTH = 3000
MAX_INPUT_LABEL = 2000


def render_form(form: Form, *, close_label: str = "Cancel") -> dict[str, Any]:
    """`form` as a modal view for `views.open`; title, submit and close labels cut to 24 characters.

    Raises ValueError when `form` cannot be a modal, all of them mistakes in Hearth's own code: a state longer than
    3000 characters, no blocks or more than 100, an empty form id or field name or one longer than 255 characters, two
    fields with the same name, or a choice without options.
    """
    _check(form)
    hints = [block for hint in form.hints if (block := context_block(hint)) is not None]
    blocks = hints + [_input(field) for field in form.fields]
    if not 1 <= len(blocks) <= MAX_MODAL_BLOCKS:
        raise ValueError(f"form {form.form_id} has {len(blocks)} blocks; a modal holds 1 to {MAX_MODAL_BLOCKS}")
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "title": plain_text_object(form.title, MAX_MODAL_LABEL),
        "submit": plain_text_object(form.submit_label, MAX_MODAL_LABEL),
        "close": plain_text_object(close_label, MAX_MODAL_LABEL),
        "private_metadata": form.state,
        "blocks": blocks,
    }


def _check(form: Form) -> None:
    _check_id("form id", form.form_id)
    if len(form.state) > MAX_PRIVATE_METADATA:
        raise ValueError(f"form {form.form_id} carries {len(form.state)} characters of state; Slack keeps 3000")
    for field in form.fields:
        _check_id("field name", field.name)
        if field.kind is FieldKind.CHOICE and not field.options:
            raise ValueError(f"choice {field.name} of form {form.form_id} has no options")
    repeated = [name for name, uses in Counter(f.name for f in form.fields).items() if uses > 1]
    if repeated:
        raise ValueError(f"form {form.form_id} repeats fields {repeated}")


def _check_id(what: str, value: str) -> None:
    if not value or len(value) > MAX_ACTION_ID:
        raise ValueError(f"{what} {value[:40]!r} must have 1 to {MAX_ACTION_ID} characters")


def _input(field: FormField) -> SlackBlock:
    return {
        "type": "input",
        "block_id": field.name,
        "label": plain_text_object(field.label, MAX_INPUT_LABEL),
        "optional": not field.required,
        "element": _choice(field) if field.kind is FieldKind.CHOICE else _text_input(field),
    }


def _text_input(field: FormField) -> dict[str, Any]:
    max_length = max(1, min(field.max_length, MAX_INPUT_LENGTH))
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": field.name,
        "multiline": field.kind is FieldKind.LONG,
        "max_length": max_length,
    }
    if field.initial:
        element["initial_value"] = field.initial[:max_length]
    return element


def _choice(field: FormField) -> dict[str, Any]:
    options = [option_object(option) for option in field.options[:MAX_OPTIONS]]
    element: dict[str, Any] = {"type": "static_select", "action_id": field.name, "options": options}
    # Slack refuses an initial option that is not one of the options, so an unknown initial value is left out.
    initial = next((option for option in options if field.initial and option["value"] == field.initial), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def read_submission(view: Mapping[str, Any]) -> tuple[str, dict[str, str], str]:
    """The callback id, the values by field name and the private metadata of a `view_submission` payload's `view`.

    A field left empty, or missing from the state, reads as "". Raises ValueError when `view` has no callback id.
    """
    callback_id = view.get("callback_id")
    if not isinstance(callback_id, str) or not callback_id:
        raise ValueError("the submitted view has no callback_id")
    state = _mapping(view.get("state"))
    values = {str(block_id): _submitted(block_id, _mapping(inputs))
              for block_id, inputs in _mapping(state.get("values")).items()}
    metadata = view.get("private_metadata")
    return callback_id, values, metadata if isinstance(metadata, str) else ""


def _submitted(block_id: str, inputs: Mapping[str, Any]) -> str:
    element = _mapping(inputs.get(block_id) or next(iter(inputs.values()), None))
    value = element.get("value")
    if isinstance(value, str):
        return value
    selected = _mapping(element.get("selected_option")).get("value")
    return selected if isinstance(selected, str) else ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
