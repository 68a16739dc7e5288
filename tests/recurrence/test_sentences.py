"""Writing a recurrence as a sentence in English and Dutch, in the grammar the parser reads."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.recurrence import Recurrence, describe, parse_recurrence

BRUSSELS = "Europe/Brussels"


def recurrence(rule: str, start: datetime, **fields: object) -> Recurrence:
    return Recurrence(rule, start, BRUSSELS, **fields)  # type: ignore[arg-type]


CASES = [
    (
        recurrence("FREQ=DAILY", datetime(2026, 3, 26, 9)),
        "every day at 9:00",
        "elke dag om 9:00",
    ),
    (
        recurrence("FREQ=DAILY;INTERVAL=3", datetime(2026, 3, 26, 7, 5)),
        "every 3 days at 7:05 from 2026-03-26",
        "elke 3 dagen om 7:05 vanaf 2026-03-26",
    ),
    (
        recurrence("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", datetime(2026, 3, 26, 8, 30)),
        "every weekday at 8:30",
        "elke werkdag om 8:30",
    ),
    (
        recurrence("FREQ=WEEKLY;BYDAY=MO,TH", datetime(2026, 3, 26, 12)),
        "every week on Monday and Thursday at 12:00",
        "elke week op maandag en donderdag om 12:00",
    ),
    (
        recurrence("FREQ=WEEKLY;BYDAY=MO,WE,FR", datetime(2026, 3, 27, 18, 45)),
        "every week on Monday, Wednesday, and Friday at 18:45",
        "elke week op maandag, woensdag en vrijdag om 18:45",
    ),
    (
        recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime(2026, 3, 31, 15)),
        "every 2 weeks on Tuesday at 15:00 from 2026-03-31",
        "elke 2 weken op dinsdag om 15:00 vanaf 2026-03-31",
    ),
    (
        recurrence("FREQ=MONTHLY;BYDAY=+1TH", datetime(2026, 4, 2, 10)),
        "every month on the first Thursday at 10:00",
        "elke maand op de eerste donderdag om 10:00",
    ),
    (
        recurrence("FREQ=MONTHLY;BYDAY=+1MO,-1FR", datetime(2026, 4, 6, 16)),
        "every month on the first Monday and the last Friday at 16:00",
        "elke maand op de eerste maandag en de laatste vrijdag om 16:00",
    ),
    (
        recurrence("FREQ=MONTHLY;BYMONTHDAY=-1,1,2,3,22", datetime(2026, 4, 1, 9)),
        "every month on the 1st, the 2nd, the 3rd, the 22nd, and the last day at 9:00",
        "elke maand op de 1e, de 2e, de 3e, de 22e en de laatste dag om 9:00",
    ),
    (
        recurrence("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", datetime(2026, 4, 15, 9)),
        "every 3 months on the 15th at 9:00 from 2026-04-15",
        "elke 3 maanden op de 15e om 9:00 vanaf 2026-04-15",
    ),
    (
        recurrence("FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=+1MO", datetime(2026, 4, 6, 10)),
        "every quarter on the first Monday at 10:00",
        "elk kwartaal op de eerste maandag om 10:00",
    ),
    (
        recurrence("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1", datetime(2027, 3, 1, 9)),
        "every year on 1 March at 9:00",
        "elk jaar op 1 maart om 9:00",
    ),
    (
        recurrence("FREQ=WEEKLY;BYDAY=TU", datetime(2026, 3, 31, 15), until=datetime(2026, 12, 31, 23, 59, 59),
                   exdates=(datetime(2026, 4, 14, 15), datetime(2026, 4, 21, 15), datetime(2026, 5, 5, 15))),
        "every week on Tuesday at 15:00 until 2026-12-31 except 2026-04-14, 2026-04-21, and 2026-05-05",
        "elke week op dinsdag om 15:00 tot en met 2026-12-31 behalve 2026-04-14, 2026-04-21 en 2026-05-05",
    ),
    (
        recurrence("FREQ=DAILY", datetime(2026, 3, 26, 9), count=1),
        "once on 2026-03-26 at 9:00",
        "eenmalig op 2026-03-26 om 9:00",
    ),
    (
        recurrence("FREQ=DAILY", datetime(2026, 3, 26, 9), count=10),
        "every day at 9:00 from 2026-03-26 10 times",
        "elke dag om 9:00 vanaf 2026-03-26 10 keer",
    ),
]


@pytest.mark.parametrize(("value", "english", "dutch"), CASES, ids=[case[1] for case in CASES])
def test_sentences_and_that_they_read_back(value: Recurrence, english: str, dutch: str) -> None:
    assert describe(value, "en") == english
    assert describe(value, "nl") == dutch
    now = value.start.replace(tzinfo=ZoneInfo(BRUSSELS)).astimezone(UTC)  # read back when it was set up
    for language, sentence in (("en", english), ("nl", dutch)):
        assert parse_recurrence(sentence, timezone=BRUSSELS, now=now, language=language) == value


def test_parts_dateutil_takes_from_the_start_are_named() -> None:
    assert describe(recurrence("FREQ=WEEKLY", datetime(2026, 3, 31, 15)), "en") == "every week on Tuesday at 15:00"
    assert describe(recurrence("FREQ=MONTHLY", datetime(2026, 3, 31, 15)), "en") == "every month on the 31st at 15:00"
    assert describe(recurrence("FREQ=YEARLY", datetime(2026, 3, 31, 15)), "nl") == "elk jaar op 31 maart om 15:00"
    # BYHOUR and BYMINUTE that repeat the start's time say nothing more.
    assert describe(recurrence("FREQ=DAILY;BYHOUR=15;BYMINUTE=0", datetime(2026, 3, 31, 15)), "en") == (
        "every day at 15:00"
    )


def test_a_start_that_is_no_instance_is_told_as_the_first_instance() -> None:
    value = recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", datetime(2026, 4, 1, 15))  # a Wednesday
    sentence = describe(value, "en")
    assert sentence == "every 2 weeks on Tuesday at 15:00 from 2026-04-14"
    now = datetime(2026, 3, 25, tzinfo=UTC)
    back = parse_recurrence(sentence, timezone=BRUSSELS, now=now, language="en")
    assert back.preview(now, 5) == value.preview(now, 5)


@pytest.mark.parametrize(
    "value",
    [
        recurrence("FREQ=HOURLY;INTERVAL=4", datetime(2026, 3, 26, 9)),
        recurrence("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", datetime(2026, 3, 31, 17)),
        recurrence("FREQ=MONTHLY;BYDAY=-2FR", datetime(2026, 3, 20, 17)),
        recurrence("FREQ=MONTHLY;BYDAY=MO", datetime(2026, 3, 30, 17)),
        recurrence("FREQ=DAILY;BYHOUR=9,17", datetime(2026, 3, 26, 9)),
        recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=SU", datetime(2026, 3, 29, 9)),
        recurrence("FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1", datetime(2026, 9, 1, 9)),
        recurrence("FREQ=DAILY", datetime(2026, 3, 26, 9), until=datetime(2026, 4, 30, 9)),
        recurrence("FREQ=DAILY", datetime(2026, 3, 26, 9), exdates=(datetime(2026, 4, 1, 10),)),
    ],
    ids=lambda value: value.rule,
)
def test_what_the_phrases_cannot_say_is_written_as_rfc5545(value: Recurrence) -> None:
    assert describe(value, "en") == describe(value, "nl") == value.to_rfc5545()
    back = parse_recurrence(describe(value, "nl"), timezone="UTC", now=datetime(2026, 3, 25, tzinfo=UTC))
    assert back == value
