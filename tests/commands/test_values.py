"""Converters: durations, dates, times (with daylight-saving changes), numbers, choices, zones, mentions, tags."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.messages import UserText
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from commands.values import (
    MAX_DURATION,
    check_int_range,
    looks_like_date,
    parse_channel,
    parse_choice,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_int,
    parse_language,
    parse_member,
    parse_tag,
    parse_time,
    parse_timezone,
)

WORKSPACE = WorkspaceRef(Platform.SLACK, "T1")
BRUSSELS = "Europe/Brussels"
NEW_YORK = "America/New_York"
# Thursday 26 March 2026, 12:00 UTC (13:00 in Brussels, 08:00 in New York).
NOW = datetime(2026, 3, 26, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 26)


def error_of(call: object, *args: object, **kwargs: object) -> UserError:
    assert callable(call)
    with pytest.raises(UserError) as raised:
        call(*args, **kwargs)
    return raised.value


# Durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45s", timedelta(seconds=45)),
        ("90m", timedelta(minutes=90)),
        ("3d", timedelta(days=3)),
        ("2w", timedelta(weeks=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("3d4h", timedelta(days=3, hours=4)),
        ("1.5h", timedelta(minutes=90)),
        ("1,5uur", timedelta(minutes=90)),
        ("2 weeks", timedelta(weeks=2)),
        ("1h 30m", timedelta(minutes=90)),
        ("10MIN", timedelta(minutes=10)),
        ("3 dagen", timedelta(days=3)),
        ("2weken", timedelta(weeks=2)),
        ("20 minuten", timedelta(minutes=20)),
        ("1 day", timedelta(days=1)),
        ("5 hours", timedelta(hours=5)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("0m", "not longer than zero"),
        ("-3d", "not longer than zero"),
        ("−3d", "not longer than zero"),
        ("0.0000001s", "not longer than zero"),
        ("90", "needs a unit"),
        ("6y", "is not a duration"),
        ("3 months", "is not a duration"),
        ("soon", "is not a duration"),
        ("", "is not a duration"),
        ("1000w", "at most 5 years"),
        ("9" * 40 + "w", "at most 5 years"),
    ],
)
def test_bad_durations_say_what_to_write(text: str, phrase: str) -> None:
    error = error_of(parse_duration, text)
    assert phrase in error.message.msgid
    assert error.message.params["value"] == UserText(" ".join(text.split()))


def test_five_years_is_the_longest_duration() -> None:
    assert parse_duration(f"{MAX_DURATION.days}d") == MAX_DURATION
    error_of(parse_duration, f"{MAX_DURATION.days + 1}d")


# Dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-27", date(2026, 3, 27)),
        ("2026/3/7", date(2026, 3, 7)),
        ("27/03/2026", date(2026, 3, 27)),
        ("27-03-2026", date(2026, 3, 27)),
        ("1.4.2026", date(2026, 4, 1)),
        ("today", TODAY),
        ("Vandaag", TODAY),
        ("tomorrow", date(2026, 3, 27)),
        ("morgen", date(2026, 3, 27)),
        ("overmorgen", date(2026, 3, 28)),
        ("monday", date(2026, 3, 30)),
        ("maandag", date(2026, 3, 30)),
        ("Fri", date(2026, 3, 27)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


def test_a_weekday_is_the_next_one_never_today() -> None:
    # TODAY is a Thursday.
    assert parse_date("thursday", today=TODAY) == date(2026, 4, 2)
    assert parse_date("donderdag", today=TODAY) == date(2026, 4, 2)
    assert parse_date("wednesday", today=TODAY) == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("2026-02-30", "not a day in the calendar"),
        ("03/27/2026", "not a day in the calendar"),
        ("1850-01-01", "too far away"),
        ("someday", "is not a date"),
        ("27/03", "is not a date"),
        ("ma", "is not a date"),
    ],
)
def test_bad_dates_say_what_to_write(text: str, phrase: str) -> None:
    assert phrase in error_of(parse_date, text, today=TODAY).message.msgid


def test_looks_like_date() -> None:
    assert looks_like_date("Tomorrow")
    assert looks_like_date("2026-02-30")
    assert not looks_like_date("15:00")
    assert not looks_like_date("book")


# Times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15:00", time(15)),
        ("9:30", time(9, 30)),
        ("9.30", time(9, 30)),
        ("15:00:20", time(15, 0, 20)),
        ("15u", time(15)),
        ("15h30", time(15, 30)),
        ("9am", time(9)),
        ("3:30pm", time(15, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("0:00", time(0)),
    ],
)
def test_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "12:60", "13pm", "0am", "noon", "15"])
def test_bad_times(text: str) -> None:
    error_of(parse_time, text)


# Dates and times


def at(text: str, zone: str = BRUSSELS, now: datetime = NOW) -> datetime:
    return parse_datetime(text, now=now, timezone=zone)


def local(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("text", "wall"),
    [
        ("2026-03-27 15:00", datetime(2026, 3, 27, 15)),
        ("2026-03-27T15:00", datetime(2026, 3, 27, 15)),
        ("27/03/2026 15:00", datetime(2026, 3, 27, 15)),
        ("tomorrow 9:00", datetime(2026, 3, 27, 9)),
        ("morgen 9:00", datetime(2026, 3, 27, 9)),
        ("9:00 tomorrow", datetime(2026, 3, 27, 9)),
        ("monday 10:00", datetime(2026, 3, 30, 10)),
        ("Maandag 10u", datetime(2026, 3, 30, 10)),
        ("  tomorrow   3pm ", datetime(2026, 3, 27, 15)),
    ],
)
def test_datetimes_are_aware_and_in_the_zone(text: str, wall: datetime) -> None:
    result = at(text)
    assert result.tzinfo == ZoneInfo(BRUSSELS)
    assert result.replace(tzinfo=None) == wall


def test_a_time_alone_is_today_or_tomorrow_once_passed() -> None:
    # It is 13:00 in Brussels.
    assert at("15:00") == local(BRUSSELS, 2026, 3, 26, 15)
    assert at("13:00") == local(BRUSSELS, 2026, 3, 27, 13)
    assert at("11:00") == local(BRUSSELS, 2026, 3, 27, 11)
    # ...and 08:00 in New York.
    assert at("11:00", NEW_YORK) == local(NEW_YORK, 2026, 3, 26, 11)


@pytest.mark.parametrize(
    ("zone", "typed", "expected_wall", "expected_utc"),
    [
        # Spring forward: the clock jumps from 02:00 to 03:00, so 02:30 moves forward by the gap.
        (BRUSSELS, "2026-03-29 02:30", datetime(2026, 3, 29, 3, 30), datetime(2026, 3, 29, 1, 30)),
        (NEW_YORK, "2026-03-08 02:30", datetime(2026, 3, 8, 3, 30), datetime(2026, 3, 8, 7, 30)),
        # Lord Howe Island moves by half an hour.
        ("Australia/Lord_Howe", "2026-10-04 02:15", datetime(2026, 10, 4, 2, 45), datetime(2026, 10, 3, 15, 45)),
        # Fall back: 02:30 happens twice; the first one (still summer time) is meant.
        (BRUSSELS, "2026-10-25 02:30", datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30)),
        (NEW_YORK, "2026-11-01 01:30", datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 5, 30)),
    ],
)
def test_daylight_saving_gaps_move_forward_and_repeats_take_the_first(
    zone: str, typed: str, expected_wall: datetime, expected_utc: datetime
) -> None:
    result = at(typed, zone)
    assert result.tzinfo == ZoneInfo(zone)
    assert result.replace(tzinfo=None) == expected_wall
    assert result.astimezone(UTC).replace(tzinfo=None) == expected_utc
    assert result.fold == 0


def test_a_time_alone_in_tonights_gap_moves_forward_too() -> None:
    evening = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)  # 22:00 in Brussels, the night of the change
    result = at("2:30", BRUSSELS, evening)
    assert result.replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)
    assert result.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("tomorrow", "has no time of day"),
        ("2026-03-27", "has no time of day"),
        ("tomorrow 25:00", "not a time of day"),
        ("2026-03-27T9", "not a time of day"),
        ("2026-02-30 10:00", "not a day in the calendar"),
        ("someday 10:00", "not a date and time"),
        ("soon", "not a date and time"),
        ("tomorrow 9:00 sharp", "not a date and time"),
        ("", "not a date and time"),
    ],
)
def test_bad_datetimes_say_what_to_write(text: str, phrase: str) -> None:
    assert phrase in error_of(parse_datetime, text, now=NOW, timezone=BRUSSELS).message.msgid


# Numbers and choices


def test_whole_numbers() -> None:
    assert parse_int("42") == 42
    assert parse_int(" -3 ") == -3
    assert parse_int("+7") == 7
    assert parse_int("−2") == -2
    assert parse_int("5", min_value=1, max_value=5) == 5


@pytest.mark.parametrize(("text", "phrase"), [("3.5", "whole number"), ("three", "whole number"),
                                              ("٣", "whole number"), ("1" * 30, "too large")])
def test_not_whole_numbers(text: str, phrase: str) -> None:
    assert phrase in error_of(parse_int, text).message.msgid


def test_numbers_out_of_range_say_the_range() -> None:
    both = error_of(parse_int, "9", min_value=1, max_value=5).message
    assert both.params == {"low": 1, "high": 5, "value": 9}
    assert error_of(check_int_range, 0, min_value=1).message.params == {"low": 1, "value": 0}
    assert error_of(check_int_range, 6, max_value=5).message.params == {"high": 5, "value": 6}


def test_choices_are_case_insensitive_and_suggest() -> None:
    choices = ("weekly", "monthly")
    assert parse_choice("WEEKLY", choices) == "weekly"
    message = error_of(parse_choice, "weekyl", choices).message
    assert message.params["suggestion"] == "`weekly`"
    assert message.params["choices"] == "`weekly`, `monthly`"
    assert "suggestion" not in error_of(parse_choice, "zzz", choices).message.params


# Time zones and languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Europe/Brussels", "Europe/Brussels"), ("europe/brussels", "Europe/Brussels"),
     ("america/new york", "America/New_York"), ("UTC", "UTC")],
)
def test_time_zones(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


def test_unknown_time_zones_suggest_close_names() -> None:
    assert error_of(parse_timezone, "Brussels").message.params["suggestions"] == "`Europe/Brussels`"
    assert "`Europe/Brussels`" in str(error_of(parse_timezone, "Europe/Brusels").message.params["suggestions"])
    assert "`America/New_York`" in str(error_of(parse_timezone, "new york").message.params["suggestions"])
    mars = error_of(parse_timezone, "Mars/Olympus").message
    assert mars.params == {"value": UserText("Mars/Olympus")}


def test_time_zone_names_that_are_paths_are_refused() -> None:
    error_of(parse_timezone, "../../etc/passwd")
    error_of(parse_timezone, "")


@pytest.mark.parametrize(("text", "expected"), [("nl", "nl"), ("EN", "en"), ("en-GB", "en"), ("nl_BE", "nl"),
                                                ("Nederlands", "nl"), ("dutch", "nl"), ("English", "en")])
def test_languages(text: str, expected: str) -> None:
    assert parse_language(text, ("en", "nl")) == expected


def test_unknown_language_lists_the_choices() -> None:
    message = error_of(parse_language, "fr", ("en", "nl")).message
    assert message.params["languages"] == "`en`, `nl`"
    error_of(parse_language, "english", ("nl",))


# Mentions and tags


@pytest.mark.parametrize("text", ["<@U123>", "<@!123>", "<@U123|ana>", " <@U123> "])
def test_member_mentions(text: str) -> None:
    found = parse_member(text, WORKSPACE)
    assert found.workspace == WORKSPACE
    assert found.id in ("U123", "123")
    assert isinstance(found, MemberRef)


def test_a_typed_at_name_asks_for_a_real_mention() -> None:
    message = error_of(parse_member, "@ana", WORKSPACE).message
    assert "real mention" in message.msgid
    assert message.params["value"] == UserText("@ana")
    assert "not a member" in error_of(parse_member, "ana", WORKSPACE).message.msgid
    error_of(parse_member, "<@&999>", WORKSPACE)


def test_channel_links() -> None:
    assert parse_channel("<#C1>", WORKSPACE) == ChannelRef(WORKSPACE, "C1")
    assert parse_channel("<#C1|general>", WORKSPACE) == ChannelRef(WORKSPACE, "C1")
    assert "real link" in error_of(parse_channel, "#general", WORKSPACE).message.msgid
    assert "not a channel" in error_of(parse_channel, "general", WORKSPACE).message.msgid


@pytest.mark.parametrize(("text", "expected"), [("#Python", "python"), ("data-viz", "data-viz"),
                                                ("#snake_case", "snake_case"), ("#Café", "café"), ("#2026", "2026")])
def test_tags(text: str, expected: str) -> None:
    assert parse_tag(text) == expected


@pytest.mark.parametrize(("text", "phrase"), [("#", "is not a tag"), ("#a.b", "is not a tag"),
                                              ("##x", "is not a tag"), ("#" + "x" * 51, "too long")])
def test_bad_tags(text: str, phrase: str) -> None:
    assert phrase in error_of(parse_tag, text).message.msgid
