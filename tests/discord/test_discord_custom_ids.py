"""Discord's custom-id codec: what Hearth packs reads back exactly, and garbage reads as Unreadable."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.custom_ids import (
    MAX_CUSTOM_ID,
    ComponentId,
    FormId,
    custom_id,
    form_custom_id,
    message_custom_ids,
    read_custom_id,
    read_form_id,
    split_custom_id,
)
from adapters.unique_ids import Unreadable

quick = settings(max_examples=200, deadline=None, database=None)
action_ids = st.one_of(st.sampled_from(["poll.vote", "rsvp", "", "x#2", "#1"]),
                       st.text(max_size=30).filter(lambda text: "|" not in text))
values = st.one_of(st.sampled_from(["", "yes", "a|b", "7#3", "#"]), st.text(max_size=30))
garbage = st.one_of(st.none(), st.integers(), st.floats(), st.booleans(), st.lists(st.text()),
                    st.dictionaries(st.text(), st.text()), st.just(""),
                    st.text(min_size=MAX_CUSTOM_ID + 1, max_size=400))


@quick
@given(st.lists(st.tuples(action_ids, values), min_size=1, max_size=25))
def test_every_packed_id_reads_back_as_its_action_and_value(pairs: list[tuple[str, str]]) -> None:
    ids = message_custom_ids()
    rendered = [ids.claim(custom_id(action_id, value)) for action_id, value in pairs]
    assert len(set(rendered)) == len(rendered)
    assert all(1 <= len(raw) <= MAX_CUSTOM_ID for raw in rendered)
    assert [split_custom_id(raw) for raw in rendered] == [custom_id(*pair) for pair in pairs]
    assert [read_custom_id(raw) for raw in rendered] == [ComponentId(*pair) for pair in pairs]


@quick
@given(st.text(min_size=1, max_size=MAX_CUSTOM_ID))
def test_any_custom_id_discord_could_send_reads_without_error(raw: str) -> None:
    assert isinstance(read_custom_id(raw), ComponentId)


@quick
@given(garbage)
def test_garbage_reads_as_unreadable(raw: object) -> None:
    for read in (read_custom_id(raw), read_form_id(raw)):
        assert isinstance(read, Unreadable)
        assert read.why


@quick
@given(st.text(min_size=1, max_size=20).filter(lambda text: ":" not in text), st.text(max_size=60))
def test_a_form_id_and_its_state_read_back(form_id: str, state: str) -> None:
    assert read_form_id(form_custom_id(form_id, state)) == FormId(form_id, state)


@quick
@given(st.text(max_size=MAX_CUSTOM_ID))
def test_a_modal_id_without_a_form_id_is_unreadable(raw: str) -> None:
    read = read_form_id(raw)
    form_id, separator, _state = raw.partition(":")
    assert isinstance(read, Unreadable) == (not form_id or not separator)
