"""Slack's action-id codec: every id Hearth renders reads back as its model's, and garbage reads as Unreadable."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.action_ids import MAX_ACTION_ID, message_action_ids, read_action_id, split_action_id
from adapters.unique_ids import Unreadable

quick = settings(max_examples=200, deadline=None, database=None)
action_ids = st.one_of(st.sampled_from(["vote", "poll#7", "x#2", "#1", "a|b"]), st.text(min_size=1, max_size=40))


@quick
@given(st.lists(action_ids, min_size=1, max_size=30))
def test_every_rendered_action_id_reads_back_as_the_models(models: list[str]) -> None:
    ids = message_action_ids()
    rendered = [ids.claim(model) for model in models]
    assert len(set(rendered)) == len(rendered)
    assert [read_action_id(raw) for raw in rendered] == models
    assert [split_action_id(raw) for raw in rendered] == models


@quick
@given(st.text(min_size=MAX_ACTION_ID - 8 + 1, max_size=400))
def test_a_long_action_id_is_cut_to_fit_and_still_reads(model: str) -> None:
    raw = message_action_ids().claim(model)
    assert len(raw) <= MAX_ACTION_ID
    assert isinstance(read_action_id(raw), str)


@quick
@given(st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.text()), st.dictionaries(st.text(), st.text()),
                 st.just(""), st.text(min_size=MAX_ACTION_ID + 1, max_size=600)))
def test_garbage_reads_as_unreadable(raw: object) -> None:
    read = read_action_id(raw)
    assert isinstance(read, Unreadable)
    assert read.why


@quick
@given(st.text(max_size=MAX_ACTION_ID))
def test_any_string_reads_without_error(raw: str) -> None:
    read = read_action_id(raw)
    assert isinstance(read, Unreadable) == (raw == "")
