"""A recurrence as one plain sentence, in the phrase grammar that `bot.recurrence.phrases` reads.

"every 2 weeks on Tuesday at 15:00 from 2026-03-31", "elke maand op de eerste donderdag om 10:00". The sentence
always names its time. It names its first day ("from …") when that day matters: when the rule repeats every 2
or more periods (the first day decides which weeks, months or years), when it counts its occurrences (they
are counted from there), and when the start is not the rule's natural first instance, that is not itself an
instance (the sentence then names the first instance after it, which has the same occurrences). Otherwise the
start only says when the series began, and the sentence read back at any later moment gives the same
occurrences from then on; read back before the start it would begin earlier, so a series that begins later is
best shown with its first occurrence as well. Then come "until …" (the last day, inclusive), "N times", and
the skipped days as "except 2026-04-14 and 2026-04-28" (each skipped at the series' own time, which is how
the parser reads them back). A recurrence of one occurrence is a single meeting: "once on 2026-03-20 at 14:00".

A recurrence the grammar cannot say (an hourly rule, BYSETPOS, skipped times that are not the series' time…)
is written as its RFC 5545 text instead, DTSTART, RRULE and EXDATE lines, which the parser also reads.

Words: the phrase frames ("every {n} weeks", "on {days}", "at {time}"…) are catalog entries, translated like
any other text; weekday and month names and the way a list is joined ("Monday, Wednesday, and Friday") come
from Babel's locale data. The parser builds its vocabulary from the same entries and names, so a sentence
always reads back in its own language.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time

from babel import Locale
from babel.lists import format_list

from bot.catalogs import Catalogs
from bot.i18n import Msg, _, _n
from bot.recurrence.evaluation import first_instance_from
from bot.recurrence.rule import DAILY, MONTHLY, WEEKLY, YEARLY, RuleParts, parse_rule
from bot.recurrence.value import Recurrence
from bot.vocabulary import WORKING_DAYS, month_abbreviations, month_names, weekday_abbreviations, weekday_names

QUARTER_MONTHS = (1, 4, 7, 10)
END_OF_DAY = time(23, 59, 59)

# How often: the key is what the phrase means; a frame with {n} is used for every 2 or more periods.
HEADS: dict[str, Msg] = {
    "day": _("every day"),
    "days": _("every {n} days"),
    "weekday": _("every weekday"),
    "week": _("every week"),
    "weeks": _("every {n} weeks"),
    "month": _("every month"),
    "months": _("every {n} months"),
    "quarter": _("every quarter"),
    "year": _("every year"),
    "years": _("every {n} years"),
}
# Which day in the month: a numbered weekday, by its number (-1 is the last).
NTH_WEEKDAYS: dict[int, Msg] = {
    1: _("the first {weekday}"),
    2: _("the second {weekday}"),
    3: _("the third {weekday}"),
    4: _("the fourth {weekday}"),
    5: _("the fifth {weekday}"),
    -1: _("the last {weekday}"),
}
# A day of the month, by its CLDR ordinal category (English: 1st, 2nd, 3rd, 4th; 21st, 22nd, 23rd…).
MONTH_DAYS: dict[str, Msg] = {
    "one": _("the {n}st"),
    "two": _("the {n}nd"),
    "few": _("the {n}rd"),
    "other": _("the {n}th"),
}
LAST_DAY = _("the last day")
DATE_IN_YEAR = _("{day} {month}")
ON = _("on {days}")
AT = _("at {time}")
FROM = _("from {date}")
UNTIL = _("until {date}")
TIMES = _n("{n} time", "{n} times", 2)
EXCEPT = _("except {dates}")
# A single meeting (a recurrence of one occurrence): "once on 2026-03-20 at 14:00".
ONCE = _("once on {date}")


@functools.cache
def _catalogs() -> Catalogs:
    # The signatures take a language, not a translator, so the shipped catalogs are read here, once.
    return Catalogs.load()


@dataclass(frozen=True, slots=True)
class Wording:
    """The words of the phrase grammar in one language."""

    language: str
    heads: dict[str, str]
    nth_weekdays: dict[int, str]
    month_days: dict[str, str]
    last_day: str
    date_in_year: str
    on: str
    at: str
    since: str
    until: str
    times: tuple[str, str]
    skipping: str
    once: str
    weekdays: tuple[str, ...]
    weekday_abbreviations: tuple[str, ...]
    months: tuple[str, ...]
    month_abbreviations: tuple[str, ...]

    def join(self, items: list[str]) -> str:
        """`items` as a list in this language: "a, b, and c", "a, b en c"."""
        return str(format_list(items, locale=self.language))

    def month_day(self, day: int) -> str:
        """The `day`th of the month ("the 15th"), or the last day when `day` is -1."""
        if day == -1:
            return self.last_day
        category = Locale.parse(self.language).ordinal_form(day)
        return fill(self.month_days.get(category, self.month_days["other"]), n=day)

    def count(self, count: int) -> str:
        """"1 time", "10 times"."""
        singular, plural = (TIMES.msgid, TIMES.plural or TIMES.msgid)
        return fill(_catalogs().ngettext(self.language, singular, plural, count), n=count)


@functools.lru_cache(maxsize=8)
def wording(language: str) -> Wording:
    """The words of `language`: catalog entries for the frames, Babel's locale data for names and lists."""
    catalogs = _catalogs()

    def word(message: Msg) -> str:
        return catalogs.gettext(language, message.msgid)

    singular, plural = TIMES.msgid, TIMES.plural or TIMES.msgid
    return Wording(
        language=language,
        heads={key: word(message) for key, message in HEADS.items()},
        nth_weekdays={nth: word(message) for nth, message in NTH_WEEKDAYS.items()},
        month_days={category: word(message) for category, message in MONTH_DAYS.items()},
        last_day=word(LAST_DAY),
        date_in_year=word(DATE_IN_YEAR),
        on=word(ON),
        at=word(AT),
        since=word(FROM),
        until=word(UNTIL),
        times=(catalogs.ngettext(language, singular, plural, 1), catalogs.ngettext(language, singular, plural, 2)),
        skipping=word(EXCEPT),
        once=word(ONCE),
        weekdays=weekday_names(language),
        weekday_abbreviations=weekday_abbreviations(language),
        months=month_names(language),
        month_abbreviations=month_abbreviations(language),
    )


def fill(template: str, **values: object) -> str:
    """`template` with each `{name}` replaced by its value (other braces are left alone)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def describe(recurrence: Recurrence, language: str) -> str:
    """`recurrence` as one sentence in `language` that `parse_recurrence` reads back to an equal recurrence.

    Falls back to the RFC 5545 text (DTSTART, RRULE and EXDATE lines) when the phrase grammar cannot say it.
    Raises nothing for a valid recurrence; an unknown language gets the English frames.
    """
    sentence = _sentence(recurrence, wording(language))
    return sentence if sentence is not None else recurrence.to_rfc5545()


def _sentence(recurrence: Recurrence, words: Wording) -> str | None:
    if recurrence.count == 1:
        return _single(recurrence, words)
    parts = parse_rule(recurrence.rule)
    start = recurrence.start
    if not _only_the_start_time(parts, start) or parts.byweekno or parts.byyearday or parts.bysetpos:
        return None
    if parts.freq == WEEKLY and parts.wkst != 0 and parts.interval > 1:
        return None  # which weeks belong together depends on the week start, which the grammar cannot say
    how_often = _how_often(parts, start, words)
    if how_often is None:
        return None
    head, days = how_often
    pieces = [head]
    if days:
        pieces.append(fill(words.on, days=words.join(days)))
    pieces.append(fill(words.at, time=f"{start.hour}:{start.minute:02d}"))
    first = first_instance_from(recurrence, start)
    if first is None:
        return None
    if parts.interval > 1 or recurrence.count is not None or first != start:
        pieces.append(fill(words.since, date=first.date().isoformat()))
    if recurrence.until is not None:
        if recurrence.until.time() != END_OF_DAY:
            return None
        pieces.append(fill(words.until, date=recurrence.until.date().isoformat()))
    if recurrence.count is not None:
        pieces.append(words.count(recurrence.count))
    if recurrence.exdates:
        if any(skipped.time() != start.time() for skipped in recurrence.exdates):
            return None
        dates = [skipped.date().isoformat() for skipped in recurrence.exdates]
        pieces.append(fill(words.skipping, dates=words.join(dates)))
    return " ".join(pieces)


def _single(recurrence: Recurrence, words: Wording) -> str | None:
    """A recurrence of one occurrence as its day and time: "once on 2026-03-20 at 14:00"."""
    if recurrence.exdates:
        return None
    first = first_instance_from(recurrence, recurrence.start)
    if first is None:
        return None
    return " ".join((fill(words.once, date=first.date().isoformat()),
                     fill(words.at, time=f"{first.hour}:{first.minute:02d}")))


def _only_the_start_time(parts: RuleParts, start: datetime) -> bool:
    # The phrase's time is the start's; BYHOUR or BYMINUTE that only repeat it change nothing.
    return (
        parts.byhour in ((), (start.hour,))
        and parts.byminute in ((), (start.minute,))
        and parts.bysecond in ((), (0,))
    )


def _how_often(parts: RuleParts, start: datetime, words: Wording) -> tuple[str, list[str]] | None:
    """The head of the phrase ("every 2 weeks") and its days ("Tuesday", "the first Thursday"), or None."""
    interval = parts.interval
    if parts.freq == DAILY:
        if parts.bymonth or parts.bymonthday or parts.byday:
            return None
        return _head(words, "day", "days", interval), []
    if parts.freq == WEEKLY:
        if parts.bymonth:
            return None
        weekdays = [weekday for weekday, _ in parts.byday] or [start.weekday()]
        if interval == 1 and tuple(weekdays) == WORKING_DAYS:
            return words.heads["weekday"], []
        return _head(words, "week", "weeks", interval), [words.weekdays[weekday] for weekday in weekdays]
    if parts.freq == MONTHLY:
        if parts.bymonth:
            return None
        days = _days_of_month(parts, start, words)
        return None if days is None else (_head(words, "month", "months", interval), days)
    if parts.freq == YEARLY:
        if parts.bymonth == QUARTER_MONTHS and interval == 1:
            days = _days_of_month(parts, start, words)
            return None if days is None else (words.heads["quarter"], days)
        if parts.byday or len(parts.bymonth) > 1 or len(parts.bymonthday) > 1:
            return None
        if parts.bymonthday and not parts.bymonth:
            return None  # that day of every month
        month = parts.bymonth[0] if parts.bymonth else start.month
        day = parts.bymonthday[0] if parts.bymonthday else start.day
        if day < 1:
            return None
        date_in_year = fill(words.date_in_year, day=day, month=words.months[month - 1])
        return _head(words, "year", "years", interval), [date_in_year]
    return None


def _head(words: Wording, one: str, many: str, interval: int) -> str:
    return words.heads[one] if interval == 1 else fill(words.heads[many], n=interval)


def _days_of_month(parts: RuleParts, start: datetime, words: Wording) -> list[str] | None:
    if parts.byday and parts.bymonthday:
        return None
    if parts.byday:
        if any(nth not in NTH_WEEKDAYS for _, nth in parts.byday):
            return None
        return [fill(words.nth_weekdays[nth], weekday=words.weekdays[weekday]) for weekday, nth in parts.byday]
    monthdays = parts.bymonthday or (start.day,)
    if any(day < 1 and day != -1 for day in monthdays):
        return None
    # The last day reads best at the end: "the 1st and the last day".
    return [words.month_day(day) for day in sorted(monthdays, key=lambda day: (day < 0, day))]
