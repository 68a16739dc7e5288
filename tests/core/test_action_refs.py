"""Action references: what Hearth mints reads back exactly, within Discord's budget; anything else reads as None."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.action_refs import MAX_NUMBER, MAX_PAYLOAD, MAX_REFERENCE, ActionRef, ActionRefs, new_key

REFS = ActionRefs("a test key that is long enough to sign with")
RSVP = ActionRef(workspace_id=3, community_id=7, kind="ms", subject_id=12, payload=(1_774_360_800, 0))

numbers = st.integers(min_value=0, max_value=MAX_NUMBER)
references = st.builds(
    ActionRef,
    workspace_id=st.integers(min_value=1, max_value=2**31),
    community_id=st.integers(min_value=0, max_value=2**40),
    kind=st.from_regex(r"[a-z]{1,3}", fullmatch=True),
    subject_id=st.integers(min_value=0, max_value=2**40),
    payload=st.lists(st.integers(min_value=0, max_value=2**40), max_size=2).map(tuple),
)


@given(references)
def test_what_is_minted_reads_back_exactly_and_fits_beside_the_longest_action_id(ref: ActionRef) -> None:
    text = REFS.mint(ref)
    assert REFS.read(text, ref.workspace_id, ref.kind) == ref
    assert len(text) <= MAX_REFERENCE
    assert len(f"meeting.agenda.vote|{text}") <= 100 - 8  # Discord's custom id, less the repeat suffix's room


@given(st.one_of(st.text(), st.text(alphabet="0123456789abcxyz.-_ABC²١", max_size=90), st.binary(), st.integers(),
                 st.none(), st.lists(st.text(max_size=3))))
def test_reading_anything_raises_nothing(raw: object) -> None:
    assert REFS.read(raw, 3) is None
    assert REFS.made_for([raw] if isinstance(raw, str) else [], RSVP) in (True, False)


@given(references, st.integers(min_value=0, max_value=MAX_REFERENCE - 1), st.characters())
def test_a_changed_character_never_reads_as_another_reference(ref: ActionRef, index: int, char: str) -> None:
    text = REFS.mint(ref)
    changed = text[:index] + char + text[index + 1:]
    read = REFS.read(changed, ref.workspace_id)
    assert read is None or changed == text


@pytest.mark.parametrize("raw", [
    "²", "1" * 5000, "99999999999999999999", "1:99999999999999:going", "12:1774360800:going", "42", "",
    "ms.7.c.ten2ig.0.", "ms.7.c.ten2ig.0.AAAAAAAAAAAAAAAA", "MS.7.C.TEN2IG.0.AAAAAAAAAAAAAAAA", "ms.7",
    "ms.٧.c.ten2ig.0.AAAAAAAAAAAAAAAA",
])
def test_garbled_old_and_forged_values_read_as_none(raw: str) -> None:
    assert REFS.read(raw, 3) is None


def test_a_flipped_signature_byte_another_workspace_another_kind_or_another_key_read_as_none() -> None:
    text = REFS.mint(RSVP)
    flipped = text[:-1] + ("A" if text[-1] != "A" else "B")
    assert REFS.read(flipped, 3) is None
    assert REFS.read(text, 4) is None  # minted for workspace 3
    assert REFS.read(text, 3, "mt") is None
    assert ActionRefs(new_key()).read(text, 3) is None
    assert REFS.read(text, 3, "ms") == RSVP


def test_numbers_past_bigint_read_as_none_even_when_signed() -> None:
    body = f"ms.7.{'z' * 13}"  # 36**13 - 1 is past 2**63 - 1
    forged = f"{body}.{REFS._sign(3, body)}"
    assert REFS.read(forged, 3) is None


def test_minting_refuses_what_cannot_be_sent() -> None:
    for bad in (ActionRef(1, 1, "Ms", 1), ActionRef(1, 1, "four", 1), ActionRef(1, -1, "ms", 1),
                ActionRef(1, 1, "ms", MAX_NUMBER + 1), ActionRef(1, 1, "ms", 1, (0,) * (MAX_PAYLOAD + 1)),
                ActionRef(1, MAX_NUMBER, "ms", MAX_NUMBER, (MAX_NUMBER, MAX_NUMBER))):
        with pytest.raises(ValueError, match="reference"):
            REFS.mint(bad)
    with pytest.raises(ValueError, match="at least"):
        ActionRefs("short")


def test_a_message_is_made_for_a_subject_its_buttons_name_in_the_same_community() -> None:
    maybe = REFS.mint(ActionRef(3, 7, "ms", 12, (1_774_360_800, 1)))
    other_series = REFS.mint(ActionRef(3, 7, "ms", 13, (1_774_360_800, 1)))
    other_community = REFS.mint(ActionRef(3, 8, "ms", 12, (1_774_360_800, 1)))
    assert REFS.made_for([maybe, "noise"], RSVP)
    assert not REFS.made_for([other_series], RSVP)
    assert not REFS.made_for([maybe, other_community], RSVP)
    assert not REFS.made_for([maybe, other_series], RSVP)  # a message about two series is made for neither
    assert not REFS.made_for([], RSVP)
    assert not REFS.made_for([REFS.mint(RSVP)], ActionRef(4, 7, "ms", 12))  # read for another workspace


def test_what_does_not_read_is_logged_at_info_without_the_value(caplog: pytest.LogCaptureFixture) -> None:
    secret_looking = "ms.7.c.ten2ig.0.SECRETSECRETSECR"
    with caplog.at_level(logging.DEBUG, logger="hearth.references"):
        assert REFS.read(secret_looking, 3) is None
    assert caplog.records and all(record.levelno <= logging.INFO for record in caplog.records)
    assert all(secret_looking not in record.getMessage() for record in caplog.records)
