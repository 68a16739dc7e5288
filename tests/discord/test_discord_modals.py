"""Discord modals: a form rendered within Discord's limits, and its submission read back by field name."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord.modals import read_modal, render_modal
from bot.messages import FieldKind, Form, FormField, Option, option_value

TOPIC = FormField("topic", "Topic", initial="Gardens")
NOTES = FormField("notes", "Notes", FieldKind.LONG, required=False, max_length=9000)
SIZE = FormField("size", "Size", FieldKind.CHOICE, options=(Option("Small", "s"), Option("Large group", "l")))


def modal_data(form: Form) -> dict[str, Any]:
    """The modal of `form` as Discord receives it."""
    return render_modal(form).to_dict()


def form(*fields: FormField, form_id: str = "meeting.new", state: str = "series=7", title: str = "New meeting") -> Form:
    return Form(form_id, title, fields, "Save", state)


def test_a_form_becomes_a_modal_with_one_row_per_field() -> None:
    modal = modal_data(form(TOPIC, NOTES))
    assert modal["custom_id"] == "meeting.new:series=7"
    assert modal["title"] == "New meeting"
    assert modal["components"] == [
        {"type": 1, "components": [{"type": 4, "custom_id": "topic", "style": 1, "label": "Topic", "required": True,
                                    "max_length": 2000, "value": "Gardens"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "notes", "style": 2, "label": "Notes", "required": False,
                                    "max_length": 4000}]},
    ]


def test_a_choice_is_a_short_input_listing_its_options() -> None:
    [row] = modal_data(form(SIZE))["components"]
    [component] = row["components"]
    assert component["style"] == 1
    assert component["label"] == "Size (Small, Large group)"
    assert component["placeholder"] == "Small, Large group"


def test_a_typed_choice_matches_labels_and_values() -> None:
    assert option_value(SIZE.options, "  large   GROUP ") == "l"
    assert option_value(SIZE.options, "S") == "s"
    assert option_value(SIZE.options, "medium") is None


def test_long_titles_and_labels_are_cut_to_45() -> None:
    modal = modal_data(form(FormField("a", "L" * 100), title="T" * 100))
    assert len(modal["title"]) == 45
    assert modal["title"].endswith("…")
    assert len(modal["components"][0]["components"][0]["label"]) == 45


def test_initial_values_fit_the_max_length() -> None:
    modal = modal_data(form(FormField("a", "A", initial="x" * 20, max_length=5)))
    assert modal["components"][0]["components"][0]["value"] == "xxxxx"


@pytest.mark.parametrize(
    "bad",
    [
        form(TOPIC, state="s" * 90),
        form(TOPIC, form_id=""),
        form(TOPIC, form_id="a:b"),
        form(),
        form(TOPIC, NOTES, SIZE, FormField("d", "D"), FormField("e", "E"), FormField("f", "F")),
        form(TOPIC, TOPIC),
        form(FormField("", "Empty")),
        form(FormField("x" * 101, "Long")),
        form(FormField("c", "Choice", FieldKind.CHOICE)),
    ],
)
def test_forms_that_cannot_be_modals_raise(bad: Form) -> None:
    with pytest.raises(ValueError, match=r"."):
        render_modal(bad)


def test_state_may_fill_the_custom_id_exactly() -> None:
    state = "s" * (100 - len("meeting.new:"))
    assert len(modal_data(form(TOPIC, state=state))["custom_id"]) == 100


def test_a_submission_reads_back_by_field_name() -> None:
    modal = modal_data(form(TOPIC, NOTES, SIZE, state="a:b"))
    submitted: list[dict[str, Any]] = [
        {"type": 1, "components": [{"type": 4, "custom_id": "topic", "value": "Soil"}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "notes", "value": ""}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "size", "value": None}, "junk"]},
        {"type": 1},
    ]
    assert read_modal(modal["custom_id"], submitted) == ("meeting.new", {"topic": "Soil", "notes": "", "size": ""},
                                                         "a:b")


@pytest.mark.parametrize("custom_id", ["", "no-separator", ":state"])
def test_a_foreign_custom_id_raises(custom_id: str) -> None:
    with pytest.raises(ValueError, match="form_id:state"):
        read_modal(custom_id, [])
