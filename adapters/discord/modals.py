"""Hearth's forms as Discord modals, and their submissions read back.

`render_modal` gives the `discord.ui.Modal` of a MODAL interaction response (type 9); `read_modal` reads the
`custom_id` and `components` of the MODAL_SUBMIT interaction that comes back. A modal has no hidden field, so the
form's state travels in the modal's custom id as `form_id:state` (`adapters.discord.custom_ids`), which must fit
Discord's 100 characters: form ids must not contain `:`, and a form whose id and state do not fit raises ValueError
rather than lose its state.

Each field is one text input in its own action row, its custom id the field's name, so the values come back by
name. SHORT fields are single-line inputs and LONG fields paragraphs. A classic modal has no
choice component, so a CHOICE field is a short text input whose label lists the option labels (as much as fits
Discord's 45 characters) and whose placeholder lists them in full; the submitted text is matched against the
options by the form's handler (`bot.messages.option_value`: an option's label or value), and a member who typed
something else is told the choices. The modal's
hints have no place in a modal: the caller sends them with the message that opens it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import discord

from adapters.discord.custom_ids import MAX_CUSTOM_ID, STATE_SEPARATOR, form_custom_id, read_form_id
from adapters.text_pieces import ELLIPSIS, cut
from adapters.unique_ids import Unreadable
from bot.messages import FieldKind, Form, FormField

MAX_TITLE = 45
MAX_LABEL = 45
MAX_PLACEHOLDER = 100
MAX_INPUTS = 5
MAX_INPUT_LENGTH = 4000
# Discord forgets an unused modal after a while; so does discord.py's store of modals waiting for a submission.
MODAL_TIMEOUT = 15 * 60


def render_modal(form: Form) -> discord.ui.Modal:
    """`form` as the modal of a modal response; the title and labels are cut to 45 characters with "…".

    Raises ValueError when `form` cannot be a modal, all of them mistakes in Hearth's own code: an empty form id or
    one containing `:`, `form_id:state` longer than 100 characters, no fields or more than 5, an empty field name
    or one longer than 100 characters, two fields with the same name, or a choice without options.
    """
    _check(form)
    modal = discord.ui.Modal(title=_clip(form.title, MAX_TITLE), custom_id=form_custom_id(form.form_id, form.state),
                             timeout=MODAL_TIMEOUT)
    for field in form.fields:
        modal.add_item(_text_input(field))
    return modal


def _check(form: Form) -> None:
    if not form.form_id or STATE_SEPARATOR in form.form_id:
        raise ValueError(f"form id {form.form_id[:40]!r} must be non-empty and have no {STATE_SEPARATOR!r}")
    packed = len(form_custom_id(form.form_id, form.state))
    if packed > MAX_CUSTOM_ID:
        raise ValueError(f"form {form.form_id[:40]} with its state needs {packed} characters; Discord keeps 100")
    if not 1 <= len(form.fields) <= MAX_INPUTS:
        raise ValueError(f"form {form.form_id} has {len(form.fields)} fields; a modal holds 1 to {MAX_INPUTS}")
    for field in form.fields:
        if not 1 <= len(field.name) <= MAX_CUSTOM_ID:
            raise ValueError(f"field name {field.name[:40]!r} must have 1 to {MAX_CUSTOM_ID} characters")
        if field.kind is FieldKind.CHOICE and not field.options:
            raise ValueError(f"choice {field.name} of form {form.form_id} has no options")
    repeated = [name for name, uses in Counter(f.name for f in form.fields).items() if uses > 1]
    if repeated:
        raise ValueError(f"form {form.form_id} repeats fields {repeated}")


def _clip(text: str, limit: int) -> str:
    return cut(" ".join(text.split()) or ELLIPSIS, limit)


def _text_input(field: FormField) -> discord.ui.TextInput[discord.ui.Modal]:
    max_length = max(1, min(field.max_length, MAX_INPUT_LENGTH))
    label, placeholder = _clip(field.label, MAX_LABEL), None
    if field.kind is FieldKind.CHOICE:
        labels = ", ".join(" ".join(option.label.split()) for option in field.options)
        label = _clip(f"{field.label} ({labels})", MAX_LABEL)
        placeholder = _clip(labels, MAX_PLACEHOLDER)
    return discord.ui.TextInput(
        label=label, custom_id=field.name,
        style=discord.TextStyle.paragraph if field.kind is FieldKind.LONG else discord.TextStyle.short,
        required=field.required, max_length=max_length, placeholder=placeholder,
        default=field.initial[:max_length] or None,
    )


def read_modal(custom_id: object, components: object) -> tuple[str, dict[str, str], str]:
    """The form id, the values by field name and the state of a MODAL_SUBMIT interaction's `data`.

    `components` are the submitted action rows; a text input missing or left empty reads as "", and anything that
    is not a row or an input is passed over. Raises ValueError when `custom_id` is not one `render_modal` made.
    """
    read = read_form_id(custom_id)
    if isinstance(read, Unreadable):
        raise ValueError(f"not a modal of Hearth's (form_id:state): {read.why}")
    form_id, state = read
    values: dict[str, str] = {}
    for row in _mappings(components):
        for component in _mappings(row.get("components")):
            name, value = component.get("custom_id"), component.get("value")
            if isinstance(name, str) and name:
                values[name] = value if isinstance(value, str) else ""
    return form_id, values, state


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
