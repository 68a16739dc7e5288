"""What one language's words are: the `Vocabulary` each `bot/vocabulary/<code>.py` module fills in.

Everything here is words that are not sentences; sentences are catalog entries (`bot/locale`). Words are
written case-folded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Monday to Friday, as weekday numbers (0 is Monday).
WORKING_DAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class Head:
    """How often a schedule phrase repeats: `every` is day, weekday, week, month, quarter or year, or None when
    its days say it ("every Monday"); `interval` None means the number in the phrase."""

    every: str | None
    interval: int | None = 1


@dataclass(frozen=True, slots=True)
class DayItem:
    """One kind of day in a schedule phrase: weekday, nth (a numbered weekday), monthday or date. `nth` is the
    number of a numbered weekday (-1: the last), or -1 for the last day of the month."""

    kind: str
    nth: int = 0


@dataclass(frozen=True, slots=True)
class OneDay:
    """The one day of a single meeting: `date` (the date the phrase writes, "on 2026-03-20", "20 March 2027"),
    `relative` (`days` from today: "tomorrow", "overmorgen") or `next` (the next such weekday after today: "next
    Thursday", "volgende donderdag")."""

    kind: str
    days: int = 0


# A phrase template ("every other {days}", "the {n}th") with what it means.
HeadPhrase = tuple[str, Head]
DayPhrase = tuple[str, DayItem]
PartPhrase = tuple[str, object]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words of one language.

    - `name`: the language's name in itself ("Nederlands"); `names`: what members may call it, in any language.
    - `relative_days`, `duration_units`, `weekday_spellings`: words an argument reads (days from today,
      seconds per unit, weekday numbers) beyond Babel's weekday names.
    - `short_weekdays_alone`: whether Babel's weekday abbreviations read as a weekday on their own, as an
      argument (not where they are also ordinary words, like Dutch "do" and "ma").
    - `examples`: two schedule phrases shown when one does not read.
    - The rest are spellings the schedule phrases accept beyond the catalog's own frames (see
      `bot.recurrence.phrases`): `head_phrases` (how often), `nth_words` (the words of a numbered weekday),
      `day_phrases`, `part_phrases` (by kind of part), `weekday_groups` ("weekdays"), `plural_endings`
      ("mondays"), `month_spellings`, and `number_words`: numbers written out ("two weeks"), read wherever a
      phrase takes a number of days, weeks, months or years; `articles`, the words that mean one before a unit
      ("for an hour"); `half_hours`, words for a part of an hour, in minutes ("anderhalf uur": 90).
    - `stemmer`: the Snowball stemmer that reduces the language's words to their stems for the library's search
      ("" for none: words are matched whole).
    """

    code: str
    name: str
    names: tuple[str, ...] = ()
    stemmer: str = ""
    relative_days: Mapping[str, int] = field(default_factory=dict)
    duration_units: Mapping[str, int] = field(default_factory=dict)
    weekday_spellings: Mapping[str, int] = field(default_factory=dict)
    short_weekdays_alone: bool = False
    examples: tuple[str, ...] = ()
    head_phrases: tuple[HeadPhrase, ...] = ()
    nth_words: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    day_phrases: tuple[DayPhrase, ...] = ()
    part_phrases: Mapping[str, tuple[PartPhrase, ...]] = field(default_factory=dict)
    weekday_groups: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    plural_endings: tuple[str, ...] = ()
    month_spellings: Mapping[str, int] = field(default_factory=dict)
    number_words: Mapping[str, int] = field(default_factory=dict)
    articles: tuple[str, ...] = ()
    half_hours: Mapping[str, int] = field(default_factory=dict)
