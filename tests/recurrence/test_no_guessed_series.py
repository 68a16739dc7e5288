"""A phrase that only names days could be one meeting as well as a series: it is refused, never guessed into a
long series, in either language; saying how often (or the days in the plural, a count, an end) makes it a series,
and one day of the year ("op 20 maart om 14u") is one meeting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserError
from bot.recurrence import parse_recurrence
from tests.console_harness import transcript

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
ZONE = "Europe/Brussels"


@pytest.mark.parametrize("phrase", [
    "zo", "on Tuesday at 15:00", "Sunday", "op dinsdag", "do 10:00", "on the 15th at 10:00", "op de laatste vrijdag",
])
def test_days_alone_are_refused(phrase: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_recurrence(phrase, timezone=ZONE, now=NOW)
    assert refused.value.message.msgid.endswith("it could also mean one meeting.")


@pytest.mark.parametrize(("phrase", "start"), [
    ("op 20 maart om 14u", datetime(2026, 3, 20, 14)), ("on 20 March", datetime(2026, 3, 20, 9)),
    ("on March 3", datetime(2027, 3, 3, 9)), ("elk jaar op 20 maart om 14:00 eenmalig", datetime(2026, 3, 20, 14)),
])
def test_one_day_of_the_year_is_one_meeting(phrase: str, start: datetime) -> None:
    single = parse_recurrence(phrase, timezone=ZONE, now=NOW)
    assert (single.rule, single.start, single.count) == ("FREQ=DAILY", start, 1)


@pytest.mark.parametrize("phrase", [
    "every year on 20 March at 14:00", "elk jaar op 20 maart om 14:00", "every Sunday at 09:00",
    "elke zondag om 09:00", "Mondays and Thursdays at 9", "maandagen om 9", "op werkdagen om 9:00",
    "on the first Monday of each quarter", "op de eerste maandag van elk kwartaal", "on Tuesday 10 times",
    "op dinsdag tot 2026-06-30", "RRULE:FREQ=WEEKLY;BYDAY=TU",
])
def test_saying_it_repeats_makes_a_series(phrase: str) -> None:
    assert parse_recurrence(phrase, timezone=ZONE, now=NOW).rule.startswith("FREQ=")


@pytest.mark.parametrize(("language", "line", "expected"), [
    ("", '/meeting schedule "Kickoff" on Tuesday at 14:00', "does not say how often it repeats"),
    (" --lang nl", '/meeting schedule "Aftrap" op dinsdag om 14u', "zegt niet hoe vaak het terugkomt"),
    (" --lang nl", '/meeting schedule "Zo" zo', "elke zondag om 09:00"),
])
async def test_a_facilitator_is_asked_to_say_how_often_and_nothing_is_scheduled(
        sqlite_url: str, language: str, line: str, expected: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(f"""
clock 2026-03-04T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"{language}
""")
        answer = await t.one(line)
        assert answer.kind == "ephemeral" and answer.to == "ana"
        assert expected in answer.text, answer.text
        listed = await t.one("/meeting list")
        assert all(title not in listed.text for title in ("Kickoff", "Aftrap", "Zo\n"))
