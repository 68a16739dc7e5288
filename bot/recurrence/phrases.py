"""Reading a schedule written in words: "every 2 weeks on Tuesday at 15:00", "elke maand op de laatste vrijdag".

A phrase is a run of parts, in any order, each kind at most once (case, extra spaces and commas do not matter):

    how often   every day · every 3 days · every weekday · every week · every 2 weeks · every other week ·
                every month · every quarter · every year · every Monday · daily, weekly, monthly, quarterly,
                yearly, annually, fortnightly, biweekly · once a month · once a quarter · every two weeks
                (numbers up to twelve may be written out)
    on which    on Tuesday · on Monday and Thursday · Mondays and Thursdays · Mon, Thu · on weekdays
    days        on the first Thursday · on the last Friday · on the 15th · on day 15 · on the last day ·
                on the 1st and 15th · on 1 March · on March 1   ("on" may be left out)
                of the month · of each quarter   (after numbered weekdays or days of the month)
    at          at 15:00 · at 3pm · at 3:30 pm · at 9 · at 19.30 · at 15h30
    from        from 2026-04-01   (dates may also be written day first: 1/4/2026, 01-04-2026, 1.4.2026)
    until       until 2026-12-31
    how many    10 times · for 10 times
    except      except 2026-04-14 and 2026-04-28
    one day     on 2026-03-20 · 20 March 2027 · today · tomorrow · the day after tomorrow · next Thursday ·
                once on 2026-03-20   (a single meeting: see `read_rhythm`)

Dutch has the same parts with its own words: "elke 2 weken op dinsdag om 15:00", "om de week", "op werkdagen",
"elke maand op de eerste donderdag", "op de 15e", "elk kwartaal", "elk jaar op 1 maart", "vanaf …",
"tot en met …" (or "tot …"), "10 keer", "behalve …", "om de twee weken", "een keer per kwartaal", "eens per
maand", "morgen", "overmorgen", "volgende donderdag", "eenmalig op …". Every spelling of how often and of one
day has its counterpart in the other language (docs/meetings.md's tables).

How long each meeting lasts may be part of the phrase too: "at 15:00 for 60m", "for an hour", "14:00-15:30",
"from 14:00 to 15:30", "van 14:00 tot 15:30", "om 14:00 gedurende 90 minuten" (`read_rhythm` returns it).

The words the sentences of `bot.recurrence.sentences` use come from the same catalog entries and Babel names, so
every sentence reads back; the other spellings (synonyms) are listed here.

What a phrase means:

- The time of day is 09:00 when the phrase names none.
- The start is the first matching day at or after `now` (with "from": on or after that day), at the phrase's
  time. The start also decides which weeks "every 2 weeks" means: the first matching day is looked for as if
  the rule repeated every week, so "every 2 weeks on Tuesday" said on a Wednesday starts next Tuesday, and
  so on every other week from there.
- "every week", "every month", "every quarter" and "every year" without days fall on the start's weekday or
  day of the month (today's, or the "from" day's).
- "every quarter" means calendar quarters: January, April, July and October (FREQ=YEARLY;BYMONTH=1,4,7,10),
  so "the first Monday of each quarter" is the same for every community, whenever it was set up.
- "until" includes that whole day; "except" skips the occurrence on that day.
- A month without the day (the 31st in April, a fifth Monday) is skipped, as RFC 5545 does.

An RFC 5545 rule is accepted too: an "RRULE:FREQ=…" line, optionally with a DTSTART line before it (a DTSTART
with TZID sets the zone) and EXDATE lines, on separate lines or one. Without DTSTART it starts like a phrase.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from babel.lists import format_list

from bot.calendar import FIRST_YEAR, LAST_YEAR, numeric_date
from bot.clock_times import HOUR_WORDS, MERIDIEMS, read_clock
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.messages import Timestamp, UserText
from bot.recurrence.evaluation import first_instance
from bot.recurrence.rfc5545 import read_rfc5545
from bot.recurrence.rule import DAILY, MAX_INTERVAL, MONTHLY, WEEKLY, YEARLY, RuleParts, parse_rule
from bot.recurrence.sentences import END_OF_DAY, QUARTER_MONTHS, Wording, wording
from bot.recurrence.value import MAX_COUNT, Recurrence
from bot.recurrence.zones import zone_of
from bot.vocabulary import WORKING_DAYS, DayItem, Head, OneDay, Vocabulary, languages, vocabulary

DEFAULT_TIME = time(9, 0)
# Two phrases per language, shown when one does not read.
EXAMPLES: dict[str, tuple[str, ...]] = {code: vocabulary(code).examples for code in languages()}

# Shown back at most this long: enough to recognise, short enough for one line.
_SHOWN_LIMIT = 80


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A phrase read: when the meetings are, and how long each lasts when the phrase says so ("at 15:00 for
    60m", "14:00-15:30", "van 14:00 tot 15:30"); None when it does not."""

    recurrence: Recurrence
    length: timedelta | None = None


def parse_recurrence(text: str, *, timezone: str, now: datetime, language: str | None = None) -> Recurrence:
    """`read_rhythm`'s recurrence alone."""
    return read_rhythm(text, timezone=timezone, now=now, language=language).recurrence


def read_rhythm(text: str, *, timezone: str, now: datetime, language: str | None = None,
                single: bool = False) -> Rhythm:
    """Read a schedule written in words (or an RFC 5545 RRULE) in the IANA zone `timezone`.

    `language` is a language code; None tries every shipped language, English first. The start is the first
    instance at or after the aware `now`, at the phrase's time (09:00 when it names none), unless the phrase
    says "from".

    A single meeting is a recurrence of one occurrence, `FREQ=DAILY;COUNT=1` from its day and time: a phrase
    that names one day ("on 2026-03-20 at 14:00", "tomorrow at 10:00", "next Thursday at 9:30", "op 20 maart om
    14u", a day of the year without how often) or says "once". With `single` (a kick-off) the phrase must be
    one meeting: days alone ("on Thursday") mean the next such day, and a rhythm is refused.

    Raises `UserError` for anything it cannot read, saying how much it understood, with two examples as the
    hint; for a phrase that mixes one day with a rhythm, a single meeting in the past, and days alone that
    could be one meeting as well as a series. `timezone` must be a valid zone and `now` aware (they come from
    the code, not the member); otherwise `ValueError`.
    """
    zone_of(timezone)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if _RAW.match(text):
        read = _parse_rfc5545(text, timezone=timezone, now=now, language=language or "en")
        if single and read.count != 1:
            raise _repeating(text)
        return Rhythm(_one_occurrence(read, text) if read.count == 1 else read)
    attempts: list[_NotUnderstood] = []
    for candidate in (language,) if language else languages():
        try:
            draft = _read(_grammar(candidate), _tokens(text))
        except _NotUnderstood as failure:
            attempts.append(failure)
            continue
        length = _length(draft)
        repeats = _repeats(draft, _grammar(candidate), _tokens(text))
        if draft.single is not None:
            if repeats or {"from", "except", "on"} & draft.seen:
                raise UserError(
                    _("'{text}' names one day and also a rhythm: a meeting is either single or repeating.",
                      text=_shown(text)),
                    hint=_("For one meeting give only its day, such as on 20 March at 14:00; for a series say "
                           "how often, such as every 2 weeks from 2026-03-20 at 14:00."),
                )
            return Rhythm(_single_meeting(draft, timezone=timezone, now=now), length)
        if repeats and single:
            raise _repeating(text)
        if not repeats and not single and draft.count is None and draft.kind != "date":
            raise UserError(
                _("'{text}' does not say how often it repeats: it could also mean one meeting.", text=_shown(text)),
                hint=_("Say how often, such as every Sunday at 09:00, or give one day for a single meeting, such "
                       "as next Sunday at 09:00."),
            )
        recurrence = _build(draft, text, timezone=timezone, now=now, language=candidate)
        if not repeats:
            recurrence = replace(recurrence, until=None, count=1)
        return Rhythm(_one_occurrence(recurrence, text) if recurrence.count == 1 else recurrence, length)
    # Answer in the language that got furthest (the first one on a tie).
    best = max(attempts, key=lambda failure: failure.position)
    raise best.error(text)


# Reading the words


@dataclass(frozen=True, slots=True)
class _Token:
    word: str
    start: int
    end: int


_WORD = re.compile(r"[^\s,;]+")


def _tokens(text: str) -> list[_Token]:
    # Trailing dots go, so "Mon." and "jan." read as names and a final "." ends nothing.
    found = []
    for match in _WORD.finditer(text):
        word = match.group().casefold().rstrip(".")
        if word:
            found.append(_Token(word, match.start(), match.end()))
    return found


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str


Piece = str | re.Pattern[str] | _Slot


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A template turned into pieces: literal words, words with a number in them ("15th"), and slots."""

    pieces: tuple[Piece, ...]
    meaning: object = None


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _pattern(template: str, meaning: object = None) -> _Pattern:
    pieces: list[Piece] = []
    for token in _tokens(template):
        whole = _PLACEHOLDER.fullmatch(token.word)
        if whole:
            pieces.append(_Slot(whole.group(1)))
        elif "{" in token.word:
            # A number inside a word, like "{n}th" or "{n}e".
            regex = ""
            for piece in re.split(r"(\{\w+\})", token.word):
                placeholder = _PLACEHOLDER.fullmatch(piece)
                regex += f"(?P<{placeholder.group(1)}>[0-9]{{1,6}})" if placeholder else re.escape(piece)
            pieces.append(re.compile(regex))
        else:
            pieces.append(token.word)
    return _Pattern(tuple(pieces), meaning)


@dataclass(frozen=True, slots=True)
class _Part:
    kind: str
    patterns: tuple[_Pattern, ...]


@dataclass(frozen=True, slots=True)
class _Grammar:
    language: str
    parts: tuple[_Part, ...]
    items: tuple[_Pattern, ...]
    weekdays: dict[str, tuple[int, ...]]
    months: dict[str, int]
    conjunctions: frozenset[str]
    numbers: Mapping[str, int]
    repeating: frozenset[str]  # words that say a phrase repeats without "every": "mondays", "werkdagen"
    articles: frozenset[str]
    half_hours: Mapping[str, int]


@functools.lru_cache(maxsize=8)
def _grammar(language: str) -> _Grammar:
    words = wording(language)
    spellings = vocabulary(language)
    heads = [_pattern(words.heads[key], Head(key)) for key in ("day", "weekday", "week", "month", "quarter", "year")]
    heads += [_pattern(words.heads[key], Head(key[:-1], None)) for key in ("days", "weeks", "months", "years")]
    heads += [_pattern(template, meaning) for template, meaning in spellings.head_phrases]
    items = [_pattern("{weekday}", DayItem("weekday"))]
    items += [_pattern(template, DayItem("nth", nth)) for nth, template in words.nth_weekdays.items()]
    items += [_pattern(template, DayItem("monthday")) for template in words.month_days.values()]
    items += [_pattern(words.last_day, DayItem("monthday", -1)), _pattern(words.date_in_year, DayItem("date"))]
    items += [
        _pattern(f"{word} {{weekday}}", DayItem("nth", nth)) for nth, nth_words in spellings.nth_words.items()
        for word in nth_words
    ]
    items += [_pattern(template, meaning) for template, meaning in spellings.day_phrases]
    synonyms = spellings.part_phrases

    def part(kind: str, *templates: tuple[str, object]) -> _Part:
        every = (*templates, *synonyms.get(kind, ()))
        return _Part(kind, tuple(_pattern(template, meaning) for template, meaning in every))

    parts = (
        _Part("how-often", tuple(heads)),
        part("on", (words.on, None)),
        part("single", (words.once, OneDay("date")),
             *((word, OneDay("relative", days)) for word, days in spellings.relative_days.items())),
        part("period"),
        part("time", (words.at, None)),
        part("length"),
        part("from", (words.since, None)),
        part("until", (words.until, None)),
        part("count", *((template, None) for template in words.times)),
        part("except", (words.skipping, None)),
    )
    return _Grammar(
        language=language,
        parts=parts,
        items=tuple(items),
        weekdays=_weekday_words(words, spellings),
        months=_month_words(words, spellings),
        conjunctions=_conjunctions(language),
        numbers=spellings.number_words,
        repeating=_repeating_words(words, spellings),
        articles=frozenset(spellings.articles),
        half_hours=spellings.half_hours,
    )


def _weekday_words(words: Wording, spellings: Vocabulary) -> dict[str, tuple[int, ...]]:
    found: dict[str, tuple[int, ...]] = {}
    for index, (name, short) in enumerate(zip(words.weekdays, words.weekday_abbreviations, strict=True)):
        name, short = name.casefold(), short.casefold().rstrip(".")
        for spelling in (name, short, *(name + ending for ending in spellings.plural_endings)):
            found[spelling] = (index,)
    found.update({spelling: (index,) for spelling, index in spellings.weekday_spellings.items()})
    found.update(spellings.weekday_groups)
    return found


def _repeating_words(words: Wording, spellings: Vocabulary) -> frozenset[str]:
    plurals = {name.casefold() + ending for name in words.weekdays for ending in spellings.plural_endings}
    return frozenset(plurals | set(spellings.weekday_groups))


def _month_words(words: Wording, spellings: Vocabulary) -> dict[str, int]:
    found = {name.casefold(): index + 1 for index, name in enumerate(words.months)}
    found.update({name.casefold().rstrip("."): index + 1 for index, name in enumerate(words.month_abbreviations)})
    found.update(spellings.month_spellings)
    return found


def _conjunctions(language: str) -> frozenset[str]:
    # The words Babel puts between list items ("and", "en"), so the sentences' lists read back.
    joined = str(format_list(["\x01", "\x02", "\x03"], locale=language))
    between = re.split(r"[\x01\x02\x03]", joined)
    return frozenset(token.word for piece in between for token in _tokens(piece)) | {"&", "and", "en"}


# Matching


Found = tuple[Any, int] | None  # a value read and the position after it
Reader = Callable[[_Grammar, Sequence[_Token], int], Found]


def _match(pattern: _Pattern, grammar: _Grammar, tokens: Sequence[_Token], position: int) -> (
    tuple[dict[str, Any], int] | None
):
    values: dict[str, Any] = {}
    for piece in pattern.pieces:
        if isinstance(piece, _Slot):
            found = _READERS[piece.name](grammar, tokens, position)
            if found is None:
                return None
            values[piece.name], position = found
            continue
        if position >= len(tokens):
            return None
        word = tokens[position].word
        if isinstance(piece, str):
            if word != piece:
                return None
        else:
            matched = piece.fullmatch(word)
            if not matched:
                return None
            values.update({name: int(value) for name, value in matched.groupdict().items()})
        position += 1
    return values, position


def _read_number(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    if position < len(tokens):
        word = tokens[position].word
        if re.fullmatch(r"[0-9]{1,6}", word):
            return int(word), position + 1
        if word in grammar.numbers:
            return grammar.numbers[word], position + 1
    return None


_DAY_OF_MONTH = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th|e|ste|de)?")


def _read_day(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    if position < len(tokens):
        matched = _DAY_OF_MONTH.fullmatch(tokens[position].word)
        if matched and 1 <= int(matched.group(1)) <= 31:
            return int(matched.group(1)), position + 1
    return None


def _read_weekday(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    if position < len(tokens) and tokens[position].word in grammar.weekdays:
        return grammar.weekdays[tokens[position].word], position + 1
    return None


def _read_month(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    if position < len(tokens) and tokens[position].word in grammar.months:
        return grammar.months[tokens[position].word], position + 1
    return None


def _read_time(grammar: _Grammar, tokens: Sequence[_Token], position: int, *, plain: bool = True) -> Found:
    """A time of day: 15:00, 9.30, 9, 3pm, 3:30 pm, 15h, 15u30, 9 uur. `plain` allows a bare hour."""
    if position >= len(tokens):
        return None
    written = read_clock(tokens[position].word)
    if written is None or written.second is not None or (written.bare and not plain):
        return None
    position += 1
    if not written.suffix and position < len(tokens) and tokens[position].word in MERIDIEMS:
        written = written.with_meridiem(tokens[position].word)
        position += 1
    elif written.suffix not in ("am", "pm") and position < len(tokens) and tokens[position].word in HOUR_WORDS:
        position += 1
    found = written.time_of_day()
    return None if found is None else (found, position)


def _read_clock(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    return _read_time(grammar, tokens, position, plain=False)




def _read_date(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    if position >= len(tokens):
        return None
    found = numeric_date(tokens[position].word)
    if found is None:
        return None
    year, month, day = found
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day), position + 1
    except ValueError:
        return None


def _read_year(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    if position < len(tokens) and re.fullmatch(r"[0-9]{4}", tokens[position].word):
        year = int(tokens[position].word)
        if FIRST_YEAR <= year <= LAST_YEAR:
            return year, position + 1
    return None


def _read_dates(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    return _read_list(grammar, tokens, position, lambda at: _read_date(grammar, tokens, at))


def _read_days(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    """A list of days of one kind. The value is (kind, values): weekday numbers, (weekday, nth) pairs, days of
    the month, or (month, day) pairs."""
    first = _read_item(grammar, tokens, position)
    if first is None:
        return None
    kind = first[0][0]

    def same_kind(at: int) -> tuple[tuple[str, tuple[Any, ...]], int] | None:
        found = _read_item(grammar, tokens, at)
        return found if found is not None and found[0][0] == kind else None

    listed = _read_list(grammar, tokens, position, same_kind)
    assert listed is not None  # the first item is there
    items, position = listed
    return (kind, tuple(value for _, values in items for value in values)), position


def _read_item(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> (
    tuple[tuple[str, tuple[Any, ...]], int] | None
):
    """The longest day at `position` ("the 1st Thursday" rather than "the 1st"), as (kind, values)."""
    best: tuple[tuple[str, tuple[Any, ...]], int] | None = None
    for pattern in grammar.items:
        matched = _match(pattern, grammar, tokens, position)
        if matched is None:
            continue
        values, end = matched
        item = pattern.meaning
        assert isinstance(item, DayItem)
        found = _item_values(item, values)
        if found is not None and (best is None or end > best[1]):
            best = ((item.kind, found), end)
    return best


def _item_values(item: DayItem, values: dict[str, Any]) -> tuple[Any, ...] | None:
    if item.kind == "weekday":
        return tuple(values["weekday"])
    if item.kind == "nth":
        weekdays = values["weekday"]
        return ((weekdays[0], item.nth),) if len(weekdays) == 1 else None
    if item.kind == "monthday":
        day = item.nth or values["n"]
        return (day,) if day == -1 or 1 <= day <= 31 else None
    return ((values["month"], values["day"]),)


Item = TypeVar("Item")


def _read_list(
    grammar: _Grammar, tokens: Sequence[_Token], position: int, item: Callable[[int], tuple[Item, int] | None]
) -> tuple[list[Item], int] | None:
    """Items separated by commas (already gone) or "and"/"en"/"&"; the value is the list of items read."""
    first = item(position)
    if first is None:
        return None
    values, position = [first[0]], first[1]
    while True:
        at = position
        if at < len(tokens) and tokens[at].word in grammar.conjunctions:
            at += 1
        found = item(at)
        if found is None:
            return values, position
        values.append(found[0])
        position = found[1]


_SPAN = re.compile(r"(?P<start>[^-–]+)[-–](?P<end>[^-–]+)")
_LENGTH = re.compile(r"([0-9]{1,4}(?:[.,][0-9]{1,2})?)([a-z]+)")
_LENGTHS = re.compile(r"(?:[0-9]{1,4}(?:[.,][0-9]{1,2})?[a-z]+){1,3}")
_HOUR_UNITS = frozenset({"hour", "uur"})
_LENGTH_UNITS = {"m", "min", "mins", "minute", "minutes", "minuut", "minuten", "h", "hr", "hrs", "hour", "hours",
                 "u", "uur", "uren"}


def _read_span(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    """Two times of day in one word: 14:00-15:30, 9u-10u30."""
    if position >= len(tokens):
        return None
    matched = _SPAN.fullmatch(tokens[position].word)
    if matched is None:
        return None
    start, end = (read_clock(matched.group(name)) for name in ("start", "end"))
    if start is None or end is None or start.second is not None or end.second is not None:
        return None
    begins, ends = start.time_of_day(), end.time_of_day()
    return None if begins is None or ends is None else ((begins, ends), position + 1)


def _read_length(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    """How long each meeting lasts: 60m, 1h30m, 90 minutes, an hour, half an hour, een uur, anderhalf uur."""
    if position >= len(tokens):
        return None
    units = vocabulary(grammar.language).duration_units
    word = tokens[position].word
    if _LENGTHS.fullmatch(word):  # 60m, 1.5h, 1h30m, 90min
        written = _LENGTH.findall(word)
        if all(unit in _LENGTH_UNITS and unit in {*units, "m", "h"} for _amount, unit in written):
            seconds = sum(_times(amount, units.get(unit, 60 if unit == "m" else 3600)).total_seconds()
                          for amount, unit in written)
            return timedelta(seconds=seconds), position + 1
    half = _read_half_hour(grammar, tokens, position)
    if half is not None:
        return half
    if position + 1 < len(tokens) and tokens[position + 1].word in _LENGTH_UNITS & set(units):
        amount = tokens[position].word
        if amount in grammar.articles:
            amount = "1"
        elif amount in grammar.numbers:
            amount = str(grammar.numbers[amount])
        if re.fullmatch(r"[0-9]{1,4}(?:[.,][0-9]{1,2})?", amount):
            return _times(amount, units[tokens[position + 1].word]), position + 2
    return None


def _read_half_hour(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> Found:
    """"half an hour", "een half uur", "anderhalf uur"."""
    words = [token.word for token in tokens[position:position + 4]]
    if words and words[0] in grammar.articles:
        words, position = words[1:], position + 1
    if not words or words[0] not in grammar.half_hours:
        return None
    minutes, rest = grammar.half_hours[words[0]], words[1:]
    skipped = 1 if rest and rest[0] in grammar.articles else 0
    if len(rest) > skipped and rest[skipped] in _HOUR_UNITS:
        return timedelta(minutes=minutes), position + 2 + skipped
    return None


def _times(amount: str, unit_seconds: int) -> timedelta:
    return timedelta(seconds=round(float(amount.replace(",", ".")) * unit_seconds))


_READERS: dict[str, Reader] = {
    "n": _read_number,
    "span": _read_span,
    "end": _read_time,  # the end of a range: "from 14:00 to {end}"
    "length": _read_length,
    "day": _read_day,
    "weekday": _read_weekday,
    "month": _read_month,
    "time": _read_time,
    "clock": _read_clock,
    "date": _read_date,
    "year": _read_year,
    "dates": _read_dates,
    "days": _read_days,
}


# Putting the parts together


@dataclass(frozen=True, slots=True)
class _Draft:
    """What the phrase has said so far."""

    seen: frozenset[str] = frozenset()
    every: str | None = None
    interval: int = 1
    kind: str | None = None
    days: tuple[Any, ...] = ()
    period: str | None = None
    clock: time | None = None
    ends: time | None = None  # "14:00-15:30": when each meeting ends
    length: timedelta | None = None  # "for 60m"
    since: date | None = None
    until: date | None = None
    count: int | None = None
    skipped: tuple[date, ...] = ()
    single: tuple[str, Any] | None = None  # the one day of a single meeting: ("date", a date), ("relative", days
    # from today) or ("next", a weekday)


class _NotUnderstood(Exception):
    """The phrase stopped making sense at token `position` (or lacks how often it repeats)."""

    def __init__(self, tokens: Sequence[_Token], position: int, language: str, *, no_frequency: bool = False):
        super().__init__(position)
        self.tokens, self.position, self.language, self.no_frequency = tokens, position, language, no_frequency

    def error(self, text: str) -> UserError:
        tokens, position = self.tokens, self.position
        hint = _examples()
        if self.no_frequency and tokens:
            return UserError(
                _(
                    "I understood '{understood}' but not how often it repeats.",
                    understood=_shown(text[: tokens[-1].end]),
                ),
                hint=hint,
            )
        if position == 0 or not tokens:
            return UserError(_("'{text}' is not a schedule I can read.", text=_shown(text)), hint=hint)
        # What did not read runs up to the next part that does, or a dozen words at most.
        grammar = _grammar(self.language)
        end = position + 1
        while end < min(len(tokens), position + 12) and not _starts_a_part(grammar, tokens, end):
            end += 1
        return UserError(
            _(
                "I understood '{understood}' but not '{rest}'.",
                understood=_shown(text[: tokens[position - 1].end]),
                rest=_shown(text[tokens[position].start : tokens[end - 1].end]),
            ),
            hint=hint,
        )


def _examples() -> Msg:
    # The examples are the reader's, whichever language the phrase was written in: each language's catalog gives
    # the two phrases of its own vocabulary (`Words.examples`), which a test holds together.
    return _("Write it like {first} or {second}.", first=_("`every 2 weeks on Tuesday at 15:00`"),
             second=_("`every month on the first Thursday at 10:00`"))


def _shown(text: str) -> UserText:
    shown = " ".join(text.split())
    return UserText(shown if len(shown) <= _SHOWN_LIMIT else shown[: _SHOWN_LIMIT - 1] + "…")


def _starts_a_part(grammar: _Grammar, tokens: Sequence[_Token], position: int) -> bool:
    # Only parts that open with a word of their own ("at", "until"): in "on Tuesday" the weekday alone could be
    # a part, but it belongs with the "on" that did not read.
    return any(
        isinstance(pattern.pieces[0], str) and _match(pattern, grammar, tokens, position) is not None
        for part in grammar.parts
        for pattern in part.patterns
    )


def _read(grammar: _Grammar, tokens: Sequence[_Token]) -> _Draft:
    """The parts of the phrase. Raises `_NotUnderstood` at the furthest point any reading reached."""
    furthest = [0]
    draft = _read_from(grammar, tokens, 0, _Draft(), furthest)
    if draft is None:
        at_end = furthest[0] >= len(tokens)
        raise _NotUnderstood(tokens, furthest[0], grammar.language, no_frequency=at_end)
    return draft


def _read_from(
    grammar: _Grammar, tokens: Sequence[_Token], position: int, draft: _Draft, furthest: list[int]
) -> _Draft | None:
    # Longest part first, but a shorter one is tried when the rest does not read after the longer: "every
    # day 15 times" is "every day" and "15 times", not "every day 15" (the 15th of the month) and "times".
    # Each kind of part comes at most once, so this search is at most eight parts deep.
    furthest[0] = max(furthest[0], position)
    if position == len(tokens):
        return draft if _frequency(draft) is not None or draft.single is not None else None
    for changed, end in _next_parts(grammar, tokens, position, draft):
        found = _read_from(grammar, tokens, end, changed, furthest)
        if found is not None:
            return found
    return None


def _next_parts(grammar: _Grammar, tokens: Sequence[_Token], position: int, draft: _Draft) -> (
    list[tuple[_Draft, int]]
):
    """The parts that read at `position` and agree with what the phrase said before, longest first."""
    found: list[tuple[_Draft, int]] = []
    for part in grammar.parts:
        if part.kind in draft.seen:
            continue
        for pattern in part.patterns:
            matched = _match(pattern, grammar, tokens, position)
            if matched is None:
                continue
            values, end = matched
            changed = _apply(part.kind, pattern.meaning, values, draft)
            if changed is not None and _consistent(changed) and (changed, end) not in found:
                found.append((changed, end))
    return sorted(found, key=lambda step: -step[1])


def _apply(kind: str, meaning: object, values: dict[str, Any], draft: _Draft) -> _Draft | None:
    seen = draft.seen | {kind}
    if kind == "how-often":
        assert isinstance(meaning, Head)
        interval = meaning.interval if meaning.interval is not None else values["n"]
        if not 1 <= interval <= MAX_INTERVAL:
            return None
        if meaning.every is not None:
            return replace(draft, seen=seen, every=meaning.every, interval=interval)
        if "on" in draft.seen:
            return None
        kind_of_days, days = values["days"]  # "every Monday": the days say how often
        return replace(draft, seen=seen | {"on"}, interval=interval, kind=kind_of_days, days=days)
    if kind == "on":
        kind_of_days, days = values["days"]
        return replace(draft, seen=seen, kind=kind_of_days, days=days)
    if kind == "period":
        return replace(draft, seen=seen, period=str(meaning))
    if kind == "time":
        if values.get("end") is not None and draft.length is not None:
            return None
        if "span" in values:
            values = {"time": values["span"][0], "end": values["span"][1]}
        return replace(draft, seen=seen, clock=values.get("time") or values["clock"], ends=values.get("end"))
    if kind == "length":
        if draft.ends is not None:
            return None  # "14:00-15:30 for 2h" says the length twice
        return replace(draft, seen=seen, length=values["length"])
    if kind == "from":
        return replace(draft, seen=seen, since=values["date"])
    if kind == "until":
        return replace(draft, seen=seen, until=values["date"])
    if kind == "count":
        count = meaning if isinstance(meaning, int) else values["n"]
        return replace(draft, seen=seen, count=count) if count >= 1 else None
    if kind == "except":
        return replace(draft, seen=seen, skipped=tuple(values["dates"]))
    if kind == "single":
        assert isinstance(meaning, OneDay)
        day = _one_day(meaning, values)
        return None if day is None else replace(draft, seen=seen, single=day)
    return None


def _one_day(meaning: OneDay, values: dict[str, Any]) -> tuple[str, Any] | None:
    if meaning.kind == "relative":
        return ("relative", meaning.days)
    if meaning.kind == "next":
        weekdays = values["weekday"]
        return ("next", weekdays[0]) if len(weekdays) == 1 else None
    if "date" in values:
        return ("date", values["date"])
    try:
        return ("date", date(values["year"], values["month"], values["day"]))
    except ValueError:
        return None


_KIND_FREQUENCY = {"weekday": "week", "nth": "month", "monthday": "month", "date": "year"}
_FITTING_KINDS: dict[str, tuple[str | None, ...]] = {
    "day": (None,),
    "weekday": (None,),
    "week": (None, "weekday"),
    "month": (None, "nth", "monthday"),
    "quarter": (None, "nth", "monthday"),
    "year": (None, "date"),
}


def _consistent(draft: _Draft) -> bool:
    """Whether how often, which days and "of the month/quarter" fit together."""
    if draft.every is not None and draft.kind not in _FITTING_KINDS[draft.every]:
        return False
    if draft.kind == "date" and len(draft.days) > 1:
        return False  # one date a year: RFC 5545 cannot pair each month with its own day
    if draft.period is not None and (
        draft.kind not in (None, "nth", "monthday") or draft.every not in (None, draft.period)
    ):
        return False
    return not (_frequency(draft) == "quarter" and draft.interval != 1)


def _frequency(draft: _Draft) -> str | None:
    return draft.every or draft.period or _KIND_FREQUENCY.get(draft.kind or "")


# From the phrase to a recurrence


def _build(draft: _Draft, text: str, *, timezone: str, now: datetime, language: str) -> Recurrence:
    zone = zone_of(timezone)
    clock = draft.clock or DEFAULT_TIME
    anchor = draft.since or now.astimezone(zone).date()
    hint = _examples()
    try:
        rule = parse_rule(_rule(draft, anchor).format()).format()  # read back: canonical order of values
    except ValueError:
        raise UserError(_never(text), hint=hint) from None
    first_day = datetime.combine(anchor, clock)
    start = _first_start(rule, first_day, timezone, now if draft.since is None else _moment(first_day, timezone))
    if start is None:
        raise UserError(_never(text), hint=hint)
    until = None if draft.until is None else datetime.combine(draft.until, END_OF_DAY)
    if until is not None and until < start:
        raise UserError(_ends_before_start(until, start))
    if draft.count is not None and draft.count > MAX_COUNT:
        raise UserError(_("A schedule can repeat at most {limit} times.", limit=MAX_COUNT))
    skipped = tuple(datetime.combine(day, clock) for day in draft.skipped)
    try:
        recurrence = Recurrence(rule, start, timezone, until, draft.count, skipped)
    except ValueError:
        raise UserError(_never(text), hint=hint) from None
    if recurrence.next_after(_moment(start, timezone) - timedelta(microseconds=1)) is None:
        raise UserError(_never(text), hint=hint)
    return recurrence


def _rule(draft: _Draft, anchor: date) -> RuleParts:
    every = _frequency(draft)
    interval = draft.interval
    if every == "day":
        return RuleParts(DAILY, interval)
    if every == "weekday":
        return RuleParts(WEEKLY, byday=tuple((weekday, 0) for weekday in WORKING_DAYS))
    if every == "week":
        weekdays = sorted(set(draft.days)) or [anchor.weekday()]
        return RuleParts(WEEKLY, interval, byday=tuple((weekday, 0) for weekday in weekdays))
    if every == "year":
        month, day = draft.days[0] if draft.days else (anchor.month, anchor.day)
        return RuleParts(YEARLY, interval, bymonth=(month,), bymonthday=(day,))
    byday: tuple[tuple[int, int], ...] = ()
    bymonthday: tuple[int, ...] = ()
    if draft.kind == "nth":
        byday = tuple(sorted(set(draft.days)))
    elif draft.kind == "monthday":
        bymonthday = tuple(sorted(set(draft.days)))
    else:
        bymonthday = (anchor.day,)
    if every == "quarter":
        return RuleParts(YEARLY, bymonth=QUARTER_MONTHS, bymonthday=bymonthday, byday=byday)
    return RuleParts(MONTHLY, interval, bymonthday=bymonthday, byday=byday)


def _first_start(rule: str, first_day: datetime, timezone: str, threshold: datetime) -> datetime | None:
    """The first instance at or after the aware `threshold`, looking from the wall time `first_day` on.

    It is looked for as if the rule repeated every period, so "every 2 weeks on Tuesday" said on a Wednesday
    starts next Tuesday rather than the one after; the start then decides which weeks are meant. Returns None
    when the rule never matches.
    """
    every_period = replace(parse_rule(rule), interval=1).format()
    try:
        return first_instance(Recurrence(every_period, first_day, timezone), threshold)
    except ValueError:
        return None


def _moment(wall: datetime, timezone: str) -> datetime:
    return wall.replace(tzinfo=zone_of(timezone)).astimezone(UTC)


def _repeats(draft: _Draft, grammar: _Grammar, tokens: Sequence[_Token]) -> bool:
    """Whether a phrase says it repeats: how often, "of each quarter", a count above one, an end date or days in
    the plural ("Mondays", "werkdagen"). One that only names days ("op 20 maart om 14u", "zo", "on Tuesday") could
    be one meeting as well as a series, so it is not guessed into a series; "once" is one meeting."""
    if draft.count == 1:
        return False
    if {"how-often", "period", "count", "until"} & draft.seen:
        return True
    return any(token.word in grammar.repeating for token in tokens)


def _single_meeting(draft: _Draft, *, timezone: str, now: datetime) -> Recurrence:
    """The one meeting of a phrase that names its day; raises `UserError` when it has passed."""
    assert draft.single is not None
    kind, value = draft.single
    today = now.astimezone(zone_of(timezone)).date()
    if kind == "relative":
        day = today + timedelta(days=value)
    elif kind == "next":
        day = today + timedelta(days=(value - today.weekday() - 1) % 7 + 1)
    else:
        day = value
    wall = datetime.combine(day, draft.clock or DEFAULT_TIME)
    moment = _moment(wall, timezone)
    if moment < now:
        raise UserError(_("{start} has passed: a meeting needs a day ahead.", start=Timestamp(moment)),
                        hint=_("Give a day ahead, such as tomorrow at 10:00 or next Thursday at 9:30."))
    return Recurrence(_SINGLE_RULE, wall, timezone, count=1)


_SINGLE_RULE = "FREQ=DAILY"


def _one_occurrence(recurrence: Recurrence, text: str) -> Recurrence:
    """A recurrence of one occurrence in its one form: `FREQ=DAILY;COUNT=1` from that occurrence."""
    first = first_instance(recurrence, _moment(recurrence.start, recurrence.timezone))
    if first is None:
        raise UserError(_never(text), hint=_examples())
    return Recurrence(_SINGLE_RULE, first, recurrence.timezone, count=1)


def _repeating(text: str) -> UserError:
    return UserError(
        _("'{text}' repeats, but this is one meeting: give its day and time.", text=_shown(text)),
        hint=_("Such as next Thursday at 9:30 or on 20 March at 14:00."),
    )


def _length(draft: _Draft) -> timedelta | None:
    """How long each meeting lasts, as the phrase says; raises `UserError` for a range that ends before it starts."""
    if draft.ends is None:
        return draft.length
    begins = draft.clock or DEFAULT_TIME
    if draft.ends <= begins:
        raise UserError(
            _("A meeting from {start} to {end} would end before it starts.", start=begins.strftime("%H:%M"),
              end=draft.ends.strftime("%H:%M")),
            hint=_("Write the end after the start, such as 14:00-15:30, or give the length: at 14:00 for 90m."),
        )
    day = date(2000, 1, 1)
    return datetime.combine(day, draft.ends) - datetime.combine(day, begins)


def _never(text: str) -> Msg:
    return _("'{text}' never happens: no day in the calendar matches it.", text=_shown(text))


def _ends_before_start(until: datetime, start: datetime) -> Msg:
    return _(
        "This schedule ends on {until}, before it starts on {start}.",
        until=until.date().isoformat(),
        start=start.date().isoformat(),
    )


# RFC 5545 text


_RAW = re.compile(r"\s*(?:(?:RRULE|DTSTART|EXDATE)\s*[:;]|FREQ\s*=)", re.IGNORECASE)
_LINE_START = re.compile(r"\s+(?=(?:RRULE|DTSTART|EXDATE)\s*[:;])", re.IGNORECASE)


def _parse_rfc5545(text: str, *, timezone: str, now: datetime, language: str) -> Recurrence:
    hint = _examples()
    invalid = UserError(
        _(
            "'{text}' is not a recurrence rule Hearth can use. Check it against RFC 5545, or describe the "
            "schedule in words.",
            text=_shown(text),
        ),
        hint=hint,
    )
    lines = [piece for line in text.strip().splitlines() for piece in _LINE_START.split(line.strip()) if piece]
    lines = [f"RRULE:{line}" if line.upper().startswith("FREQ") else line for line in lines]
    try:
        read = read_rfc5545("\n".join(lines), default_timezone=timezone)
        if isinstance(read.start, datetime):
            start = read.start
        elif isinstance(read.start, date):
            start = datetime.combine(read.start, DEFAULT_TIME)
        else:
            today = now.astimezone(zone_of(read.timezone)).date()
            found = _first_start(read.rule, datetime.combine(today, DEFAULT_TIME), read.timezone, now)
            if found is None:
                raise UserError(_never(text), hint=hint)
            start = found
        if read.until is not None and read.until < start:
            raise UserError(_ends_before_start(read.until, start))
        recurrence = read.recurrence(start)
    except (ValueError, OverflowError):
        raise invalid from None
    if recurrence.next_after(_moment(start, recurrence.timezone) - timedelta(microseconds=1)) is None:
        raise UserError(_never(text), hint=hint)
    return recurrence
