"""A Dutch community's meetings through the console: every date Hearth writes uses Dutch names."""

from __future__ import annotations

import re

from bot.vocabulary import month_abbreviations, month_names, weekday_abbreviations, weekday_names
from tests.console_harness import transcript, without_nudges

DUTCH_START = """
clock 2026-03-20T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP" --lang nl
/meeting schedule "CoP sync" every 2 weeks on Tuesday at 15:00 --for 60m
"""

ENGLISH_WORDS = {word.lower() for names in (weekday_names("en"), weekday_abbreviations("en"), month_names("en"),
                                             month_abbreviations("en")) for word in names}
# Dutch spells some abbreviations as English does ("mei" aside): only the words that differ tell them apart.
DUTCH_WORDS = {word.lower() for names in (weekday_names("nl"), weekday_abbreviations("nl"), month_names("nl"),
                                           month_abbreviations("nl")) for word in names}
ONLY_ENGLISH = ENGLISH_WORDS - DUTCH_WORDS


def english_names_in(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z]+", text.lower()) if word in ONLY_ENGLISH}


async def test_a_dutch_series_lists_its_dates_in_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        outputs = await t.run(DUTCH_START)
        scheduled = outputs[-1]
        assert "di 24 mrt 2026 15:00 CET, di 7 apr 2026 15:00 CEST, di 21 apr 2026 15:00 CEST" in scheduled.text
        ben_next = await t.one("as ben\n/meeting next")
        confirmed, _updated = await t.run(f"click {ben_next.id} {ben_next.buttons[0][0]}")
        assert "di 24 mrt 2026 15:00 CET" in confirmed.text
        reminders = without_nudges(await t.run("until 2026-03-25T09:00"))
        everything = [*outputs, ben_next, confirmed, *reminders]
    assert [o.text.splitlines()[0] for o in reminders if o.kind == "post"] == [
        "Herinnering: CoP sync begint over 1 dag", "Herinnering: CoP sync begint over 1 uur"]
    assert all(not english_names_in(o.text) for o in everything), [english_names_in(o.text) for o in everything]


async def test_an_english_series_lists_its_dates_in_english(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        outputs = await t.run(DUTCH_START.replace(" --lang nl", " --lang en"))
        reminders = without_nudges(await t.run("until 2026-03-25T09:00"))
    assert "Tue 24 Mar 2026 15:00 CET, Tue 7 Apr 2026 15:00 CEST" in outputs[-1].text
    assert [o.text.splitlines()[0] for o in reminders if o.kind == "post"] == [
        "Reminder: CoP sync starts in 1 day", "Reminder: CoP sync starts in 1 hour"]
