"""Dates and times in the reader's language: Babel's names and zones, relative phrases with their plural forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.console.render import format_timestamp
from bot.catalogs import Catalogs
from bot.dates import format_date, format_date_time, format_moment, format_time
from bot.i18n import _, render
from bot.messages import Text, Timestamp, TimestampStyle

BRUSSELS = ZoneInfo("Europe/Brussels")
THURSDAY = datetime(2026, 3, 5, 10, 0, tzinfo=BRUSSELS)
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_dutch_dates_use_dutch_names() -> None:
    assert format_date_time(THURSDAY, "nl", BRUSSELS) == "do 5 mrt 2026 10:00 CET"
    assert format_date(THURSDAY, "nl", BRUSSELS) == "do 5 mrt 2026"


def test_english_dates_use_english_names() -> None:
    assert format_date_time(THURSDAY, "en", BRUSSELS) == "Thu 5 Mar 2026 10:00 CET"


def test_the_end_of_march_in_brussels_changes_the_offset() -> None:
    saturday = datetime(2026, 3, 28, 10, 0, tzinfo=BRUSSELS)
    monday = datetime(2026, 3, 30, 10, 0, tzinfo=BRUSSELS)
    assert format_time(saturday, "nl", BRUSSELS) == "10:00 CET"
    assert format_time(monday, "nl", BRUSSELS) == "10:00 CEST"
    assert format_date_time(monday, "en", BRUSSELS) == "Mon 30 Mar 2026 10:00 CEST"
    # The same moment in UTC: 08:00 once summer time has begun, 09:00 before.
    assert format_time(monday, "nl", UTC) == "08:00 UTC"
    assert format_time(saturday, "nl", UTC) == "09:00 UTC"


def test_a_zone_without_a_dutch_name_keeps_its_abbreviation() -> None:
    new_york = ZoneInfo("America/New_York")
    assert format_date_time(datetime(2026, 3, 5, 10, tzinfo=new_york), "nl", new_york) == "do 5 mrt 2026 10:00 EST"


@pytest.mark.parametrize(("delta", "english", "dutch"), [
    (timedelta(days=1), "in 1 day", "over 1 dag"),
    (timedelta(days=2), "in 2 days", "over 2 dagen"),
    (timedelta(hours=1), "in 1 hour", "over 1 uur"),
    (timedelta(hours=2, minutes=30), "in 2 hours", "over 2 uur"),
    (timedelta(minutes=1), "in 1 minute", "over 1 minuut"),
    (timedelta(minutes=5), "in 5 minutes", "over 5 minuten"),
    (-timedelta(days=1), "1 day ago", "1 dag geleden"),
    (-timedelta(days=3), "3 days ago", "3 dagen geleden"),
    (-timedelta(hours=3), "3 hours ago", "3 uur geleden"),
    (-timedelta(minutes=1), "1 minute ago", "1 minuut geleden"),
    (timedelta(seconds=20), "now", "nu"),
])
def test_relative_phrases_have_plural_forms(delta: timedelta, english: str, dutch: str) -> None:
    catalogs = Catalogs.load()
    at = NOW + delta
    assert format_moment(Timestamp(at, TimestampStyle.RELATIVE, "en"), BRUSSELS, NOW, catalogs) == english
    assert format_moment(Timestamp(at, TimestampStyle.RELATIVE, "nl"), BRUSSELS, NOW, catalogs) == dutch


def test_translating_a_message_gives_its_moments_the_readers_language() -> None:
    catalogs = Catalogs.load()
    said = render(catalogs, "nl", _("Reminder: {title} starts {when}, {start}.", title="CoP",
                                     when=Timestamp(THURSDAY, TimestampStyle.RELATIVE), start=Timestamp(THURSDAY)))
    written = "".join(part if isinstance(part, str) else format_timestamp(part, BRUSSELS, THURSDAY - timedelta(days=1))
                      for part in said.parts if isinstance(part, (str, Timestamp)))
    assert written == "Herinnering: CoP begint over 1 dag, do 5 mrt 2026 10:00 CET."


def test_moments_inside_a_joined_text_get_the_language_too() -> None:
    said = render(Catalogs.load(), "nl", _("Next: {dates}", dates=Text.of(Timestamp(THURSDAY), ", ",
                                                                          Timestamp(THURSDAY, TimestampStyle.DATE))))
    stamps = [part for part in said.parts if isinstance(part, Timestamp)]
    assert [stamp.language for stamp in stamps] == ["nl", "nl"]
