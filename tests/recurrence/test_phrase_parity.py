"""Phrase parity: every way of saying how often that one language reads has a counterpart in the other giving the
same rule, and every way of naming the one day of a single meeting has one giving the same meeting; a phrase in
either language is read in any community. The tables are docs/meetings.md's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.recurrence import parse_recurrence, read_rhythm
from bot.vocabulary import vocabulary

NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)  # a Wednesday
BRUSSELS = "Europe/Brussels"

# (English, Dutch): each pair reads as the same rule from the same moment.
PAIRS = [
    ("every day", "elke dag"), ("daily", "dagelijks"), ("each day", "iedere dag"), ("once a day", "een keer per dag"),
    ("every other day", "om de dag"), ("every 3 days", "om de 3 dagen"), ("each three days", "iedere drie dagen"),
    ("every three days", "elke drie dagen"),
    ("every weekday", "elke werkdag"), ("on weekdays", "op werkdagen"), ("weekdays", "werkdagen"),
    ("each weekday", "iedere werkdag"), ("every workday", "elke weekdag"), ("on workdays", "op weekdagen"),
    ("every week", "elke week"), ("weekly", "wekelijks"), ("each week", "iedere week"),
    ("once a week", "een keer per week"), ("once a week", "eens per week"), ("once a week", "1 keer per week"),
    ("every other week", "om de week"), ("every other week", "om de twee weken"),
    ("fortnightly", "tweewekelijks"), ("every fortnight", "elke twee weken"), ("biweekly", "om de 2 weken"),
    ("bi-weekly", "iedere 2 weken"), ("every 2 weeks", "elke 2 weken"),
    ("every two weeks on Tuesday at 15:00", "om de twee weken op dinsdag om 15:00"),
    ("once every 3 weeks", "om de drie weken"), ("each 4 weeks", "iedere 4 weken"),
    ("every month", "elke maand"), ("monthly", "maandelijks"), ("each month", "iedere maand"),
    ("once a month", "eens per maand"), ("once a month", "een keer per maand"), ("once a month", "één keer per maand"),
    ("every other month", "om de maand"), ("every other month", "tweemaandelijks"),
    ("every 3 months", "om de 3 maanden"), ("once every 3 months", "elke drie maanden"),
    ("each 6 months", "iedere 6 maanden"),
    ("every quarter", "elk kwartaal"), ("quarterly", "per kwartaal"), ("each quarter", "ieder kwartaal"),
    ("once a quarter", "een keer per kwartaal"), ("once every quarter", "eens per kwartaal"),
    ("once a quarter", "driemaandelijks"), ("every quarter", "elke kwartaal"),
    ("every year", "elk jaar"), ("yearly", "jaarlijks"), ("annually", "ieder jaar"), ("each year", "elke jaar"),
    ("once a year", "een keer per jaar"), ("once a year", "eens per jaar"), ("once a year", "één keer per jaar"),
    ("once a year", "1 keer per jaar"), ("once a quarter", "één keer per kwartaal"),
    ("once a quarter", "1 keer per kwartaal"), ("once a month", "1 keer per maand"),
    ("once a week", "één keer per week"),
    ("every other year", "om het jaar"), ("every 2 years", "om de 2 jaar"),
    ("each 3 years", "iedere 3 jaar"),
    ("every Monday", "elke maandag"), ("each Monday", "iedere maandag"), ("every Monday", "elk maandag"),
    ("every other Monday", "om de week op maandag"),
    ("every last Friday of the month", "elke laatste vrijdag van de maand"),
    ("every month on the last Friday", "elke maand op de laatste vrijdag"),
    ("on the first Monday of each quarter", "op de eerste maandag van elk kwartaal"),
    ("once a quarter on the first Monday at 10:00", "een keer per kwartaal op de eerste maandag om 10:00"),
    ("once a month on the 15th at 9:30", "eens per maand op de 15e om 9:30"),
]


# (English, Dutch): each pair reads as the same single meeting from the same moment.
SINGLE_PAIRS = [
    ("on 2026-04-20 at 14:00", "op 2026-04-20 om 14:00"), ("2026-04-20 14:00", "2026-04-20 14:00"),
    ("once on 2026-04-20 at 14:00", "eenmalig op 2026-04-20 om 14:00"),
    ("on 20 April at 14:00", "op 20 april om 14:00"), ("on April 20 at 2pm", "op 20 april om 14u"),
    ("on 20 April 2026 at 14:00", "op 20 april 2026 om 14:00"), ("20 April 2026 at 14:00", "20 april 2026 om 14:00"),
    ("on April 20 2026 at 14:00", "op 20 april 2026 om 14:00"),
    ("on the 20th of April 2026 at 14:00", "op de 20e april 2026 om 14:00"),
    ("once on 20 April 2026 at 14:00", "eenmalig op 20 april 2026 om 14:00"),
    ("today at 15:00", "vandaag om 15:00"), ("tomorrow at 10:00", "morgen om 10:00"),
    ("the day after tomorrow at 10:00", "overmorgen om 10:00"),
    ("next Thursday at 9:30", "volgende donderdag om 9:30"),
    ("on next Thursday at 9:30", "op volgende donderdag om 9:30"),
    ("this coming Thursday at 9:30", "aanstaande donderdag om 9:30"),
    ("next Thursday at 9:30", "komende donderdag om 9:30"),
    ("tomorrow from 14:00 to 15:30", "morgen van 14:00 tot 15:30"),
    ("tomorrow at 14:00 for 90m", "morgen om 14:00 gedurende 90 minuten"),
]


@pytest.mark.parametrize(("english", "dutch"), SINGLE_PAIRS)
def test_each_english_single_meeting_has_a_dutch_one_giving_the_same_meeting(english: str, dutch: str) -> None:
    read = {language: read_rhythm(text, timezone=BRUSSELS, now=NOW, language=language)
            for language, text in (("en", english), ("nl", dutch))}
    assert read["en"] == read["nl"]
    assert read["en"].recurrence.count == 1
    assert read_rhythm(english, timezone=BRUSSELS, now=NOW) == read_rhythm(dutch, timezone=BRUSSELS, now=NOW)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_spelling_of_one_day_is_in_the_table(language: str) -> None:
    """A new spelling of the one day of a single meeting must come with its counterpart (added to SINGLE_PAIRS)."""
    side = 0 if language == "en" else 1
    typed = [pair[side].casefold().split() for pair in SINGLE_PAIRS]
    spellings = [template for template, _meaning in vocabulary(language).part_phrases["single"]]
    spellings += list(vocabulary(language).relative_days)
    for template in spellings:
        words = [word for word in template.split() if not word.startswith("{")]
        assert any(all(word in phrase for word in words) for phrase in typed), template


@pytest.mark.parametrize(("english", "dutch"), PAIRS)
def test_each_english_phrase_has_a_dutch_one_giving_the_same_rule(english: str, dutch: str) -> None:
    read = {language: parse_recurrence(text, timezone=BRUSSELS, now=NOW, language=language)
            for language, text in (("en", english), ("nl", dutch))}
    assert read["en"].rule == read["nl"].rule
    assert read["en"].start == read["nl"].start


@pytest.mark.parametrize(("english", "dutch"), PAIRS)
def test_a_phrase_in_either_language_is_read_in_any_community(english: str, dutch: str) -> None:
    # The meetings service reads a rhythm in every language (language=None), whatever the community's.
    for text in (english, dutch):
        assert parse_recurrence(text, timezone=BRUSSELS, now=NOW).rule == parse_recurrence(
            text, timezone=BRUSSELS, now=NOW, language="nl" if text == dutch else "en").rule


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_spelling_of_how_often_is_in_the_table(language: str) -> None:
    """A new spelling of how often must come with its counterpart in the other language (added to PAIRS)."""
    side = 0 if language == "en" else 1
    typed = " | ".join(pair[side].casefold() for pair in PAIRS)
    for template, _meaning in vocabulary(language).head_phrases:
        words = template.replace("{n}", "").replace("{days}", "").split()
        assert any(all(word in phrase.split() for word in words) for phrase in typed.split(" | ")), template


@pytest.mark.parametrize(("marker", "pairs"), [("phrase-parity", PAIRS), ("single-parity", SINGLE_PAIRS)])
def test_the_tables_in_the_docs_are_these(marker: str, pairs: list[tuple[str, str]]) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "meetings.md").read_text(encoding="utf-8")
    table = text.split(f"<!-- {marker}", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    rows = [line.strip("| ").split(" | ") for line in table.splitlines() if line.startswith("| ")]
    assert [tuple(row) for row in rows[1:]] == pairs
