"""English words (sentences are in bot/locale/en)."""

from __future__ import annotations

from bot.vocabulary.words import WORKING_DAYS, DayItem, Head, OneDay, Vocabulary

_SECOND, _MINUTE, _HOUR, _DAY, _WEEK = 1, 60, 3600, 86400, 604800

VOCABULARY = Vocabulary(
    code="en",
    name="English",
    names=("english", "engels"),
    stemmer="english",
    relative_days={"today": 0, "tomorrow": 1},
    duration_units={
        **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), _SECOND),
        **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), _MINUTE),
        **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), _HOUR),
        **dict.fromkeys(("d", "day", "days"), _DAY),
        **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), _WEEK),
    },
    weekday_spellings={"tues": 1, "weds": 2, "thur": 3, "thurs": 3},
    short_weekdays_alone=True,
    examples=("every 2 weeks on Tuesday at 15:00", "every month on the first Thursday at 10:00"),
    head_phrases=(
        ("daily", Head("day")), ("each day", Head("day")), ("every other day", Head("day", 2)),
        ("each {n} days", Head("day", None)),
        ("on weekdays", Head("weekday")), ("weekdays", Head("weekday")), ("each weekday", Head("weekday")),
        ("every workday", Head("weekday")), ("on workdays", Head("weekday")),
        ("weekly", Head("week")), ("each week", Head("week")), ("every other week", Head("week", 2)),
        ("each {n} weeks", Head("week", None)), ("fortnightly", Head("week", 2)),
        ("every fortnight", Head("week", 2)),
        ("monthly", Head("month")), ("each month", Head("month")), ("every other month", Head("month", 2)),
        ("each {n} months", Head("month", None)),
        ("quarterly", Head("quarter")), ("each quarter", Head("quarter")),
        ("yearly", Head("year")), ("annually", Head("year")), ("each year", Head("year")),
        ("every other year", Head("year", 2)), ("each {n} years", Head("year", None)),
        ("once a day", Head("day")), ("once a week", Head("week")), ("once a month", Head("month")),
        ("once a quarter", Head("quarter")), ("once every quarter", Head("quarter")), ("once a year", Head("year")),
        ("once every {n} weeks", Head("week", None)), ("once every {n} months", Head("month", None)),
        ("biweekly", Head("week", 2)), ("bi-weekly", Head("week", 2)),
        ("every {days}", Head(None)), ("each {days}", Head(None)), ("every other {days}", Head(None, 2)),
    ),
    nth_words={
        1: ("first", "1st", "the 1st"), 2: ("second", "2nd", "the 2nd"), 3: ("third", "3rd", "the 3rd"),
        4: ("fourth", "4th", "the 4th"), 5: ("fifth", "5th", "the 5th"), -1: ("last",),
    },
    day_phrases=(
        ("day {n}", DayItem("monthday")), ("the {n}", DayItem("monthday")), ("{n}st", DayItem("monthday")),
        ("{n}nd", DayItem("monthday")), ("{n}rd", DayItem("monthday")), ("{n}th", DayItem("monthday")),
        ("last day", DayItem("monthday", -1)),
        ("{month} {day}", DayItem("date")), ("the {day} of {month}", DayItem("date")),
        ("{day} of {month}", DayItem("date")),
    ),
    part_phrases={
        "on": (("{days}", None),),
        "period": (
            ("of the month", "month"), ("of each month", "month"), ("of every month", "month"),
            ("each month", "month"), ("of the quarter", "quarter"), ("of each quarter", "quarter"),
            ("of every quarter", "quarter"), ("each quarter", "quarter"),
        ),
        "time": (
            ("{clock}", None), ("{span}", None), ("at {span}", None), ("from {time} to {end}", None),
            ("from {time} till {end}", None), ("{clock} to {end}", None), ("between {time} and {end}", None),
        ),
        "length": (("for {length}", None), ("lasting {length}", None)),
        "from": (("starting {date}", None), ("starting on {date}", None), ("starting from {date}", None),
                 ("beginning {date}", None)),
        "until": (("till {date}", None), ("through {date}", None), ("until and including {date}", None),
                  ("up to {date}", None), ("ending {date}", None), ("ending on {date}", None)),
        "count": (("for {n} times", None), ("for {n} time", None), ("{n} occurrences", None),
                  ("for {n} occurrences", None), ("once", 1)),
        "single": (
            ("on {date}", OneDay("date")), ("{date}", OneDay("date")), ("on {day} {month} {year}", OneDay("date")),
            ("{day} {month} {year}", OneDay("date")), ("on {month} {day} {year}", OneDay("date")),
            ("{month} {day} {year}", OneDay("date")), ("on the {day} of {month} {year}", OneDay("date")),
            ("once on {day} {month} {year}", OneDay("date")),
            ("next {weekday}", OneDay("next")), ("on next {weekday}", OneDay("next")),
            ("this coming {weekday}", OneDay("next")), ("the day after tomorrow", OneDay("relative", 2)),
        ),
        "except": (("except on {dates}", None), ("but not {dates}", None), ("but not on {dates}", None),
                   ("skipping {dates}", None), ("not on {dates}", None)),
    },
    weekday_groups={"weekdays": WORKING_DAYS, "workdays": WORKING_DAYS},
    plural_endings=("s",),
    articles=("a", "an"),
    half_hours={"half": 30},
    number_words={"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                  "nine": 9, "ten": 10, "eleven": 11, "twelve": 12},
    month_spellings={"sept": 9},
)
