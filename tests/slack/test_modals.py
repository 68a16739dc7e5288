"""Forms as Slack modals, and view submissions read back by field name."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View

from adapters.slack.modals import read_submission, render_form
from bot.messages import FieldKind, Form, FormField, Option, Text, UserText

TOPICS = (Option("Data", "data"), Option("Design", "design"))


def community_form(**changes: Any) -> Form:
    values: dict[str, Any] = {
        "form_id": "community.settings",
        "title": "Community settings",
        "fields": (
            FormField("name", "Name", initial="Data CoP", max_length=80),
            FormField("goal", "Goal", FieldKind.LONG, required=False),
            FormField("topic", "Topic", FieldKind.CHOICE, initial="design", options=TOPICS),
        ),
        "submit_label": "Save",
        "state": "community=7",
        "hints": (Text.of("Members see the **name** of ", UserText("<!channel>")),),
    }
    values.update(changes)
    return Form(**values)


def test_form_becomes_a_modal_view() -> None:
    view = render_form(community_form())
    assert view["type"] == "modal"
    assert view["callback_id"] == "community.settings"
    assert view["title"] == {"type": "plain_text", "text": "Community settings", "emoji": True}
    assert view["submit"]["text"] == "Save"
    assert view["close"]["text"] == "Cancel"
    assert view["private_metadata"] == "community=7"
    View(**view).validate_json()


def test_hints_are_context_lines_above_the_fields() -> None:
    blocks = render_form(community_form())["blocks"]
    assert [b["type"] for b in blocks] == ["context", "input", "input", "input"]
    assert blocks[0]["elements"][0]["text"] == "Members see the *name* of &lt;!channel&gt;"


def test_each_field_is_an_input_named_after_it() -> None:
    name, goal, topic = render_form(community_form())["blocks"][1:]
    assert name == {
        "type": "input", "block_id": "name", "label": {"type": "plain_text", "text": "Name", "emoji": True},
        "optional": False,
        "element": {"type": "plain_text_input", "action_id": "name", "multiline": False, "max_length": 80,
                    "initial_value": "Data CoP"},
    }
    assert goal["optional"] is True
    assert goal["element"] == {"type": "plain_text_input", "action_id": "goal", "multiline": True,
                               "max_length": 2000}
    assert topic["element"]["type"] == "static_select"
    assert topic["element"]["action_id"] == "topic"
    assert [o["value"] for o in topic["element"]["options"]] == ["data", "design"]
    assert topic["element"]["initial_option"] == topic["element"]["options"][1]


def test_an_initial_choice_that_is_not_an_option_is_left_out() -> None:
    fields = (FormField("topic", "Topic", FieldKind.CHOICE, initial="gone", options=TOPICS),)
    assert "initial_option" not in render_form(community_form(fields=fields))["blocks"][1]["element"]


def test_choices_keep_100_options() -> None:
    options = tuple(Option(f"o{n}", str(n)) for n in range(130))
    fields = (FormField("pick", "Pick", FieldKind.CHOICE, options=options),)
    view = render_form(community_form(fields=fields, hints=()))
    assert len(view["blocks"][0]["element"]["options"]) == 100
    View(**view).validate_json()


def test_labels_and_lengths_are_cut_to_slacks_limits() -> None:
    fields = (FormField("body", "Body", FieldKind.LONG, initial="x" * 5000, max_length=9000),
              FormField("tiny", "Tiny", max_length=0))
    view = render_form(community_form(title="A very long title for a modal", submit_label="Save all of these now",
                                      fields=fields), close_label="Close this form without saving")
    assert [len(view[key]["text"]) for key in ("title", "submit", "close")] == [24, 21, 24]
    assert view["title"]["text"].endswith("…")
    body, tiny = (b["element"] for b in view["blocks"][1:])
    assert body["max_length"] == 3000
    assert len(body["initial_value"]) == 3000
    assert tiny["max_length"] == 1
    View(**view).validate_json()


@pytest.mark.parametrize(("changes", "complaint"), [
    ({"state": "s" * 3001}, "state"),
    ({"form_id": ""}, "form id"),
    ({"form_id": "f" * 256}, "form id"),
    ({"fields": (FormField("a", "A"), FormField("a", "B"))}, "repeats"),
    ({"fields": (FormField("", "A"),)}, "field name"),
    ({"fields": (FormField("c", "C", FieldKind.CHOICE),)}, "no options"),
    ({"fields": tuple(FormField(f"f{n}", "F") for n in range(100))}, "blocks"),
    ({"fields": (), "hints": ()}, "blocks"),
])
def test_a_form_slack_cannot_show_is_refused(changes: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        render_form(community_form(**changes))


def submitted_view(values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "V1", "type": "modal", "callback_id": "community.settings", "private_metadata": "community=7",
            "state": {"values": values}, **extra}


def test_submission_reads_values_by_field_name() -> None:
    view = submitted_view({
        "name": {"name": {"type": "plain_text_input", "value": "Data & AI"}},
        "goal": {"goal": {"type": "plain_text_input", "value": None}},
        "topic": {"topic": {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": "Design"}, "value": "design"}}},
        "other": {"other": {"type": "static_select", "selected_option": None}},
    })
    assert read_submission(view) == (
        "community.settings", {"name": "Data & AI", "goal": "", "topic": "design", "other": ""}, "community=7",
    )


def test_submission_tolerates_missing_parts() -> None:
    assert read_submission({"callback_id": "f"}) == ("f", {}, "")
    assert read_submission({"callback_id": "f", "state": {"values": {"a": {}, "b": {"x": {"value": "1"}}}}}) == (
        "f", {"a": "", "b": "1"}, "",
    )


@pytest.mark.parametrize("view", [{}, {"callback_id": ""}, {"callback_id": 3}])
def test_a_view_without_callback_id_is_refused(view: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="callback_id"):
        read_submission(view)


def test_what_is_rendered_reads_back() -> None:
    view = render_form(community_form())
    state = {
        block["block_id"]: {block["element"]["action_id"]: {"type": block["element"]["type"], "value": "v"}}
        for block in view["blocks"] if block["type"] == "input"
    }
    submitted = dict(view, state={"values": state})
    assert read_submission(submitted) == ("community.settings", {"name": "v", "goal": "v", "topic": "v"},
                                          "community=7")
