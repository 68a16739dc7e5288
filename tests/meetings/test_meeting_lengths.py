"""The length of each meeting said in the rhythm itself, in English and Dutch, as --for says it; and the mistakes:
a range that ends before it starts, two different lengths. Through the console, as a facilitator types them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.recurrence import read_rhythm
from tests.console_harness import transcript

SETUP = """
clock 2026-03-20T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"{language}
"""
NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)

LENGTHS = [
    ("every week on Tuesday at 15:00 for 60m", timedelta(minutes=60)),
    ("every week on Tuesday at 15:00 for an hour", timedelta(hours=1)),
    ("every week on Tuesday at 15:00 for 90 minutes", timedelta(minutes=90)),
    ("every Tuesday at 3pm for 1h30m", timedelta(minutes=90)),
    ("every Tuesday at 15:00 for 1.5 hours", timedelta(minutes=90)),
    ("every week on Tuesday 14:00-15:30", timedelta(minutes=90)),
    ("every week on Tuesday from 14:00 to 15:30", timedelta(minutes=90)),
    ("every week on Tuesday between 14:00 and 15:30", timedelta(minutes=90)),
    ("elke week op dinsdag om 15:00 gedurende 60 minuten", timedelta(minutes=60)),
    ("elke dinsdag om 15u voor een uur", timedelta(hours=1)),
    ("elke dinsdag om 15:00 gedurende anderhalf uur", timedelta(minutes=90)),
    ("elke dinsdag om 15:00 gedurende een half uur", timedelta(minutes=30)),
    ("every Tuesday at 15:00 for half an hour", timedelta(minutes=30)),
    ("elke week op dinsdag van 14:00 tot 15:30", timedelta(minutes=90)),
    ("elke week op dinsdag 14:00-15:30", timedelta(minutes=90)),
    ("elke week op dinsdag tussen 14:00 en 15:30", timedelta(minutes=90)),
    ("elke dinsdag om 14u-15u30", timedelta(minutes=90)),
]


@pytest.mark.parametrize(("phrase", "length"), LENGTHS)
def test_the_length_in_the_phrase(phrase: str, length: timedelta) -> None:
    rhythm = read_rhythm(phrase, timezone="Europe/Brussels", now=NOW)
    assert rhythm.length == length
    assert rhythm.recurrence.rule.endswith("BYDAY=TU")


def test_a_phrase_without_a_length_leaves_it_to_the_option() -> None:
    assert read_rhythm("every 2 weeks on Tuesday at 15:00", timezone="Europe/Brussels", now=NOW).length is None
    assert read_rhythm("elke maand voor 10 keer", timezone="Europe/Brussels", now=NOW).length is None


@pytest.mark.parametrize("phrase", ["every week on Tuesday 15:30-14:00", "elke dinsdag van 15:30 tot 14:00",
                                    "every Tuesday from 14:00 to 14:00"])
def test_a_range_that_ends_before_it_starts_is_refused(phrase: str) -> None:
    with pytest.raises(UserError):
        read_rhythm(phrase, timezone="Europe/Brussels", now=NOW)


@pytest.mark.parametrize(("language", "phrase", "end"), [
    ("", "every week on Tuesday at 15:00 for an hour", "16:00"),
    ("", "every week on Tuesday 14:00-15:30", "15:30"),
    (" --lang nl", "elke week op dinsdag van 14:00 tot 15:30", "15:30"),
    (" --lang nl", "elke dinsdag om 15:00 gedurende 60 minuten", "16:00"),
])
async def test_each_meeting_lasts_as_the_rhythm_says(sqlite_url: str, language: str, phrase: str, end: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(SETUP.format(language=language))
        scheduled = await t.one(f'/meeting schedule "CoP sync" {phrase}')
        assert scheduled.kind == "post", scheduled.text
        shown = await t.one("/meeting next")
        assert end in shown.text


@pytest.mark.parametrize(("language", "line", "expected"), [
    ("", '/meeting schedule "Bad" every Tuesday 15:30-14:00', "would end before it starts"),
    ("", '/meeting schedule "Bad" every Tuesday 14:00-15:30 --for 2h', "two different lengths"),
    (" --lang nl", '/meeting schedule "Fout" elke dinsdag van 15:30 tot 14:00', "zou eindigen voordat ze begint"),
    (" --lang nl", '/meeting schedule "Fout" elke dinsdag om 14:00 gedurende 1 uur --for 2h', "een andere duur"),
])
async def test_mistakes_in_the_length_are_private_and_change_nothing(sqlite_url: str, language: str, line: str,
                                                                   expected: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(SETUP.format(language=language))
        answer = await t.one(line)
        assert answer.kind == "ephemeral" and answer.to == "ana"
        assert expected in answer.text, answer.text
        listed = await t.one("/meeting list")
        assert "Bad" not in listed.text and "Fout" not in listed.text


async def test_the_same_length_twice_is_accepted(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(SETUP.format(language=""))
        scheduled = await t.one('/meeting schedule "CoP sync" every Tuesday 14:00-15:30 --for 90m')
        assert scheduled.kind == "post"
        assert "15:30" in (await t.one("/meeting next")).text


@given(start=st.integers(0, 23 * 60 + 58), minutes=st.integers(1, 24 * 60), language=st.sampled_from(["en", "nl"]),
       form=st.integers(0, 2))
def test_any_range_reads_as_its_length_or_is_refused(start: int, minutes: int, language: str, form: int) -> None:
    begins, ends = divmod(start, 60), divmod(start + minutes, 60)
    clock = f"{begins[0]:02d}:{begins[1]:02d}"
    end = f"{ends[0] % 24:02d}:{ends[1]:02d}"
    head = "every Tuesday" if language == "en" else "elke dinsdag"
    written = [f"{clock}-{end}", f"from {clock} to {end}" if language == "en" else f"van {clock} tot {end}",
               f"between {clock} and {end}" if language == "en" else f"tussen {clock} en {end}"][form]
    if start + minutes < 24 * 60:
        assert read_rhythm(f"{head} {written}", timezone="Europe/Brussels", now=NOW).length == timedelta(
            minutes=minutes)
    else:  # past midnight: the end is before the start on the clock
        with pytest.raises(UserError):
            read_rhythm(f"{head} {written}", timezone="Europe/Brussels", now=NOW)
