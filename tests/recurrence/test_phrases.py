"""Reading schedules written in words, in English and Dutch, and RFC 5545 rules; what a bad phrase is told."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.catalogs import Catalogs
from bot.errors import UserError
from bot.i18n import Msg, render
from bot.messages import UserText
from bot.recurrence import EXAMPLES, Recurrence, describe, parse_recurrence

BRUSSELS = "Europe/Brussels"
ZONE = ZoneInfo(BRUSSELS)
NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Brussels


def parse(text: str, language: str | None = None, now: datetime = NOW) -> Recurrence:
    return parse_recurrence(text, timezone=BRUSSELS, now=now, language=language)


def first(recurrence: Recurrence, count: int) -> list[datetime]:
    """The first occurrences from NOW on, as Brussels wall times."""
    return [moment.astimezone(ZONE).replace(tzinfo=None) for moment in recurrence.preview(NOW, count)]


def plain(message: Msg | None, language: str) -> str:
    assert message is not None
    return "".join(
        part.value if isinstance(part, UserText) else str(part) for part in render(Catalogs.load(), language, message)
    )


def d(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute)


DAILY_9 = ("FREQ=DAILY", [d(3, 26), d(3, 27)])
WEEKDAYS_830 = ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", [d(3, 26, 8, 30), d(3, 27, 8, 30), d(3, 30, 8, 30)])
MONDAY_THURSDAY = ("FREQ=WEEKLY;BYDAY=MO,TH", [d(3, 26, 12), d(3, 30, 12), d(4, 2, 12)])
FORTNIGHTLY = ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", [d(3, 31, 15), d(4, 14, 15), d(4, 28, 15)])
SIX_WEEKLY = ("FREQ=WEEKLY;INTERVAL=6;BYDAY=WE", [d(3, 25, 19, 30), d(5, 6, 19, 30)])
FIRST_THURSDAY = ("FREQ=MONTHLY;BYDAY=+1TH", [d(4, 2, 10), d(5, 7, 10)])
LAST_FRIDAY = ("FREQ=MONTHLY;BYDAY=-1FR", [d(3, 27, 16), d(4, 24, 16)])
FIFTEENTH = ("FREQ=MONTHLY;BYMONTHDAY=15", [d(4, 15), d(5, 15)])
QUARTERLY = (
    "FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=+1MO", [d(4, 6, 10), d(7, 6, 10), d(10, 5, 10), d(1, 4, 10, year=2027)]
)
FIRST_OF_MARCH = ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1", [d(3, 1, year=2027), d(3, 1, year=2028)])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every day at 9:00", DAILY_9),
        ("daily at 9", DAILY_9),
        ("Every  Day,  AT 9am", DAILY_9),
        ("every day", DAILY_9),  # 09:00 when no time is named
        ("on weekdays at 8:30", WEEKDAYS_830),
        ("every weekday at 8:30", WEEKDAYS_830),
        ("every week on Monday and Thursday at 12:00", MONDAY_THURSDAY),
        ("every week on Mondays and Thursdays at 12:00", MONDAY_THURSDAY),
        ("Mondays and Thursdays at 12:00", MONDAY_THURSDAY),
        ("every week on Mon, Thu at 12:00", MONDAY_THURSDAY),
        ("every Monday & Thursday at 12pm", MONDAY_THURSDAY),
        ("every 2 weeks on Tuesday at 15:00", FORTNIGHTLY),
        ("every other week on Tuesday at 15:00", FORTNIGHTLY),
        ("every other Tuesday at 3pm", FORTNIGHTLY),
        ("fortnightly on Tue at 3:00 pm", FORTNIGHTLY),
        ("every 6 weeks on Wednesday at 19:30", SIX_WEEKLY),
        ("every month on the first Thursday at 10:00", FIRST_THURSDAY),
        ("every month on the 1st Thursday at 10", FIRST_THURSDAY),
        ("the first Thursday of the month at 10:00", FIRST_THURSDAY),
        ("every first Thursday of each month at 10:00", FIRST_THURSDAY),
        ("every month on the last Friday at 16:00", LAST_FRIDAY),
        ("monthly on the last Fri at 4pm", LAST_FRIDAY),
        ("every month on the 15th", FIFTEENTH),
        ("every month on day 15", FIFTEENTH),
        ("every quarter on the first Monday at 10:00", QUARTERLY),
        ("quarterly on the first Monday at 10:00", QUARTERLY),
        ("the first Monday of each quarter at 10:00", QUARTERLY),
        ("every year on 1 March", FIRST_OF_MARCH),
        ("every year on March 1", FIRST_OF_MARCH),
        ("annually on March 1st", FIRST_OF_MARCH),
        ("every year on the 1st of March at 9:00", FIRST_OF_MARCH),
    ],
)
def test_english_phrases(text: str, expected: tuple[str, list[datetime]]) -> None:
    rule, occurrences = expected
    recurrence = parse(text, "en")
    assert recurrence.rule == rule
    assert recurrence.timezone == BRUSSELS
    assert first(recurrence, len(occurrences)) == occurrences
    assert parse(text) == recurrence  # without a language, English is tried first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("elke dag om 9:00", DAILY_9),
        ("dagelijks om 9 uur", DAILY_9),
        ("op werkdagen om 8:30", WEEKDAYS_830),
        ("elke werkdag om 8.30", WEEKDAYS_830),
        ("elke week op maandag en donderdag om 12:00", MONDAY_THURSDAY),
        ("elke week op ma, do om 12u", MONDAY_THURSDAY),
        ("elke 2 weken op dinsdag om 15:00", FORTNIGHTLY),
        ("om de week op dinsdag om 15:00", FORTNIGHTLY),
        ("elke 6 weken op woensdag om 19:30", SIX_WEEKLY),
        ("elke maand op de eerste donderdag om 10:00", FIRST_THURSDAY),
        ("elke eerste donderdag van de maand om 10:00", FIRST_THURSDAY),
        ("elke maand op de laatste vrijdag om 16:00", LAST_FRIDAY),
        ("elke maand op de 15e", FIFTEENTH),
        ("maandelijks op dag 15", FIFTEENTH),
        ("elk kwartaal op de eerste maandag om 10:00", QUARTERLY),
        ("elk jaar op 1 maart", FIRST_OF_MARCH),
    ],
)
def test_dutch_phrases(text: str, expected: tuple[str, list[datetime]]) -> None:
    rule, occurrences = expected
    recurrence = parse(text, "nl")
    assert recurrence.rule == rule
    assert first(recurrence, len(occurrences)) == occurrences
    assert parse(text) == recurrence  # without a language, Dutch is tried after English


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("every 2 weeks on Tuesday at 15:00 from 2026-04-01 until 2026-06-30", "en"),
        ("every 2 weeks on Tuesday at 15:00 starting 1/4/2026 till 30-06-2026", "en"),
        ("elke 2 weken op dinsdag om 15:00 vanaf 2026-04-01 tot 2026-06-30", "nl"),
        ("elke 2 weken op dinsdag om 15:00 vanaf 01.04.2026 tot en met 30/06/2026", "nl"),
    ],
)
def test_from_and_until(text: str, language: str) -> None:
    recurrence = parse(text, language)
    # From a Wednesday: the first Tuesday after it, then every other week; until includes its whole day.
    assert recurrence.start == d(4, 7, 15)
    assert recurrence.until == datetime(2026, 6, 30, 23, 59, 59)
    assert first(recurrence, 10) == [d(4, 7, 15), d(4, 21, 15), d(5, 5, 15), d(5, 19, 15), d(6, 2, 15), d(6, 16, 15),
                                     d(6, 30, 15)]


def test_from_a_past_day_keeps_that_rhythm() -> None:
    recurrence = parse("every 2 weeks on Tuesday at 15:00 from 2026-01-06")
    assert recurrence.start == d(1, 6, 15)
    assert first(recurrence, 2) == [d(3, 31, 15), d(4, 14, 15)]


@pytest.mark.parametrize(
    ("text", "language"),
    [("every day at 19:30 for 10 times", "en"), ("daily at 19:30 10 times", "en"), ("elke dag om 19:30 10 keer", "nl")],
)
def test_count(text: str, language: str) -> None:
    recurrence = parse(text, language)
    assert recurrence.count == 10
    assert recurrence.start == d(3, 25, 19, 30)  # later today
    assert len(recurrence.preview(NOW, 20)) == 10


def test_a_longer_reading_gives_way_when_the_rest_does_not_read() -> None:
    # "every day 15" could be the 15th of the month; only "every day" + "15 times" reads to the end.
    recurrence = parse("every day 15 times")
    assert (recurrence.rule, recurrence.count) == ("FREQ=DAILY", 15)


def test_except() -> None:
    english = parse("every week on Tuesday at 15:00 except 2026-04-07 and 2026-04-14")
    dutch = parse("elke week op dinsdag om 15:00 behalve 2026-04-07 en 2026-04-14", "nl")
    assert english == dutch
    assert english.exdates == (d(4, 7, 15), d(4, 14, 15))
    assert first(english, 2) == [d(3, 31, 15), d(4, 21, 15)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 15:00", time(15, 0)), ("at 3pm", time(15, 0)), ("at 9", time(9, 0)), ("at 19:30", time(19, 30)),
        ("at 3:30 pm", time(15, 30)), ("at 12am", time(0, 0)), ("at 19.30", time(19, 30)), ("at 15h30", time(15, 30)),
        ("at 7 a.m.", time(7, 0)), ("7:45", time(7, 45)),
    ],
)
def test_times_of_day(text: str, expected: time) -> None:
    assert parse(f"every day {text}").start.time() == expected


@pytest.mark.parametrize(("text", "expected"), [("om 15u", time(15, 0)), ("om 9 uur", time(9, 0)),
                                                ("om 14.45", time(14, 45))])
def test_dutch_times_of_day(text: str, expected: time) -> None:
    assert parse(f"elke dag {text}", "nl").start.time() == expected


def test_the_start_is_the_first_instance_at_or_after_now() -> None:
    assert parse("every day at 11:30").start == d(3, 25, 11, 30)  # still to come today
    assert parse("every day at 11:00").start == d(3, 25, 11, 0)  # exactly now
    assert parse("every day at 10:59").start == d(3, 26, 10, 59)


def test_quarters_are_calendar_quarters_whenever_they_are_set_up() -> None:
    in_february = parse("every quarter on the first Monday", now=datetime(2026, 2, 10, tzinfo=UTC))
    in_may = parse("every quarter on the first Monday", now=datetime(2026, 5, 10, tzinfo=UTC))
    assert in_february.rule == in_may.rule == "FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=+1MO"
    assert in_february.start == d(4, 6)
    assert in_may.start == d(7, 6)


def test_days_left_out_come_from_the_start() -> None:
    assert parse("every week at 10:00").rule == "FREQ=WEEKLY;BYDAY=WE"  # today is a Wednesday
    assert parse("every month from 2026-04-20").rule == "FREQ=MONTHLY;BYMONTHDAY=20"
    assert parse("every month on the last day at 18:00").rule == "FREQ=MONTHLY;BYMONTHDAY=-1"
    assert parse("every month on the 1st and 15th").rule == "FREQ=MONTHLY;BYMONTHDAY=1,15"


def test_examples_read_in_their_own_language_and_describe_back_the_same() -> None:
    for language, examples in EXAMPLES.items():
        assert len(examples) == 2
        for example in examples:
            recurrence = parse(example, language)
            assert describe(recurrence, language).startswith(example)


# RFC 5545 rules


def test_a_bare_rule_starts_like_a_phrase() -> None:
    recurrence = parse("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    assert (recurrence.rule, recurrence.start, recurrence.timezone) == (FORTNIGHTLY[0], d(3, 31), BRUSSELS)
    assert parse("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU") == recurrence


def test_a_rule_with_dtstart_is_taken_as_given() -> None:
    recurrence = parse("DTSTART;TZID=America/New_York:20260331T150000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=5")
    assert recurrence == Recurrence(FORTNIGHTLY[0], d(3, 31, 15), "America/New_York", count=5)
    floating = parse("DTSTART:20260331T150000 RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231T235959")
    end_of_year = datetime(2026, 12, 31, 23, 59, 59)
    assert floating == Recurrence("FREQ=WEEKLY;BYDAY=TU", d(3, 31, 15), BRUSSELS, until=end_of_year)


def test_rfc5545_text_reads_back() -> None:
    recurrence = Recurrence("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", d(1, 30, 17), BRUSSELS,
                            exdates=(d(4, 30, 17),))
    assert parse(recurrence.to_rfc5545()) == recurrence


@pytest.mark.parametrize(
    "text",
    [
        "RRULE:FREQ=SECONDLY",
        "RRULE:FREQ=WEEKLY;BYDAY=XX",
        "RRULE:",
        "RRULE:FREQ=DAILY;COUNT=0",
        "DTSTART;TZID=Nowhere/Special:20260331T150000\nRRULE:FREQ=DAILY",
        "DTSTART:20260331T150030\nRRULE:FREQ=DAILY",
        "DTSTART:20260331T150000\nRRULE:FREQ=DAILY\nATTENDEE:ann@example.org",
    ],
)
def test_an_invalid_rule_is_a_user_error(text: str) -> None:
    with pytest.raises(UserError) as raised:
        parse(text)
    assert "is not a recurrence rule Hearth can use" in plain(raised.value.message, "en")
    assert EXAMPLES["en"][0] in plain(raised.value.hint, "en")


# What a phrase that does not read is told


def test_the_message_says_what_was_understood() -> None:
    with pytest.raises(UserError) as raised:
        parse("every 2 weeks on Tusday at 15:00")
    assert plain(raised.value.message, "en") == "I understood 'every 2 weeks' but not 'on Tusday'."
    assert raised.value.message.params["understood"] == UserText("every 2 weeks")
    assert raised.value.message.params["rest"] == UserText("on Tusday")
    hint = plain(raised.value.hint, "en")
    assert EXAMPLES["en"][0] in hint and EXAMPLES["en"][1] in hint


def test_a_dutch_phrase_gets_dutch_examples() -> None:
    with pytest.raises(UserError) as raised:
        parse("elke 2 weken op dinsdgg om 15:00")
    assert plain(raised.value.message, "nl") == "Ik begreep 'elke 2 weken', maar niet 'op dinsdgg'."
    hint = plain(raised.value.hint, "nl")
    assert EXAMPLES["nl"][0] in hint and EXAMPLES["nl"][1] in hint
    assert hint.startswith("Schrijf")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("blah", "'blah' is not a schedule I can read."),
        ("", "'' is not a schedule I can read."),
        ("at 9:00", "I understood 'at 9:00' but not how often it repeats."),
        ("every day at 25:00", "I understood 'every day' but not 'at 25:00'."),
        ("every month on Tuesday", "I understood 'every month' but not 'on Tuesday'."),
        ("every day at 9:00 and then some", "I understood 'every day at 9:00' but not 'and then some'."),
        ("every year on 30 February", "'every year on 30 February' never happens: no day in the calendar matches it."),
        ("every day until 2020-01-01", "This schedule ends on 2020-01-01, before it starts on 2026-03-26."),
        ("every day 20000 times", "A schedule can repeat at most 10000 times."),
    ],
)
def test_bad_phrases(text: str, message: str) -> None:
    with pytest.raises(UserError) as raised:
        parse(text, "en")
    assert plain(raised.value.message, "en") == message


def test_language_is_respected() -> None:
    with pytest.raises(UserError):
        parse("every day at 9:00", "nl")
    with pytest.raises(UserError):
        parse("elke dag om 9:00", "en")


def test_long_input_is_shown_shortened() -> None:
    with pytest.raises(UserError) as raised:
        parse("every day " + "blah" * 100)
    rest = raised.value.message.params["rest"]
    assert isinstance(rest, UserText) and len(rest.value) <= 80 and rest.value.endswith("…")


def test_programming_errors_are_not_user_errors() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_recurrence("every day", timezone=BRUSSELS, now=datetime(2026, 3, 25))
    with pytest.raises(ValueError, match="IANA"):
        parse_recurrence("every day", timezone="Nowhere/Special", now=NOW)
