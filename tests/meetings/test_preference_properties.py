"""The readers of stored reminder preferences, by property: they never raise, and they accept exactly what the
writers write (a value read back is written again as the same text)."""

from __future__ import annotations

from datetime import time, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.meetings.preferences import (
    MAX_DM_LEAD_MINUTES,
    MAX_DM_LEADS,
    is_quiet_hours,
    read_dm_leads,
    read_quiet_hours,
    write_dm_leads,
    write_quiet_hours,
)
from commands.meeting.common import parse_quiet_hours

minutes_of_day = st.builds(time, st.integers(0, 23), st.integers(0, 59))
windows = st.tuples(minutes_of_day, minutes_of_day).filter(lambda window: window[0] != window[1])
stored_values = st.one_of(
    st.text(),
    st.text(alphabet="0123456789:-+TZ ,.\x00offn"),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.lists(st.text()),
)


@given(windows)
def test_quiet_hours_written_are_read_back(window: tuple[time, time]) -> None:
    assert read_quiet_hours(write_quiet_hours(window)) == window


@given(stored_values)
@example("22:00-07:00Z")
@example("22:00-07:00+05:00")
@example("T22:00-07:00")
@example("22:00-\x00")
@example("22:00:30-07:00")
@example("24:00-07:00")
@example("22:00-07:00\n")
@example("２２:００-07:00")
def test_the_quiet_hours_reader_never_raises_and_accepts_only_what_is_written(stored: object) -> None:
    window = read_quiet_hours(stored)
    if window is not None:
        assert is_quiet_hours(window)
        assert write_quiet_hours(window) == stored


@given(st.lists(st.integers(0, MAX_DM_LEAD_MINUTES), max_size=MAX_DM_LEADS, unique=True))
def test_dm_leads_written_are_read_back(minutes: list[int]) -> None:
    leads = tuple(timedelta(minutes=m) for m in minutes)
    assert read_dm_leads(write_dm_leads(leads)) == tuple(sorted(leads, reverse=True))


@given(stored_values)
@example("60,²")
@example("99999999999999999")
@example("-5")
@example("60,60")
@example("60,1440")
@example("060")
@example("")
def test_the_dm_leads_reader_never_raises_and_accepts_only_what_is_written(stored: object) -> None:
    leads = read_dm_leads(stored)
    if leads is not None:
        assert isinstance(stored, str)
        assert write_dm_leads(leads) == stored


@given(st.text())
@example("22:00-07:00Z")
@example("22:00-\x00")
def test_what_the_command_accepts_can_be_stored(typed: str) -> None:
    try:
        window = parse_quiet_hours(typed)
    except UserError:
        return
    assert is_quiet_hours(window)
    assert read_quiet_hours(write_quiet_hours(window)) == window
