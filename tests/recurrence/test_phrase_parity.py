"""Phrase parity: every way of saying how often that one language reads has a counterpart in the other giving the
same rule, and a phrase in either language is read in any community. The table is docs/meetings.md's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.recurrence import parse_recurrence
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


def test_the_table_in_the_docs_is_this_one() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "meetings.md").read_text(encoding="utf-8")
    table = text.split("<!-- phrase-parity", 1)[1].split("<!-- /phrase-parity -->", 1)[0]
    rows = [line.strip("| ").split(" | ") for line in table.splitlines() if line.startswith("| ")]
    assert [tuple(row) for row in rows[1:]] == PAIRS
