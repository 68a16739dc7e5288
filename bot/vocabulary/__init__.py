"""Hearth's words in each language it speaks, looked up by language code.

A language is shipped when its catalog is (`bot/locale/<code>/LC_MESSAGES/hearth.po`, its sentences). Its
other words (its name, the names members type for it, relative days, duration units, the spellings the schedule
phrases accept) are `bot/vocabulary/<code>.py`, a module with one `VOCABULARY`; weekday and month names come
from Babel's locale data for the code. Adding a language is adding those two files: nothing else lists
languages.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping

from babel.dates import get_day_names, get_month_names

from bot.catalogs import DOMAIN, LOCALE_DIR, SOURCE_LANGUAGE
from bot.vocabulary.words import WORKING_DAYS, DayItem, Head, OneDay, Vocabulary

__all__ = [
    "WORKING_DAYS",
    "DayItem",
    "Head",
    "OneDay",
    "Vocabulary",
    "duration_units",
    "language_name",
    "language_named",
    "languages",
    "month_abbreviations",
    "month_names",
    "relative_days",
    "vocabulary",
    "weekday_abbreviations",
    "weekday_names",
    "weekdays_alone",
]


@functools.cache
def languages() -> tuple[str, ...]:
    """The codes of the shipped catalogs: the source language (English) first, then the others by code."""
    found = {path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found, key=lambda code: (code != SOURCE_LANGUAGE, code)))


@functools.cache
def vocabulary(code: str) -> Vocabulary:
    """The words of the shipped language `code`; a language that is not shipped has none (its name is its
    code). Raises `LookupError` when a shipped language has no `bot/vocabulary/<code>.py`."""
    if code not in languages():
        return Vocabulary(code, code)
    try:
        module = importlib.import_module(f"{__name__}.{code}")
    except ModuleNotFoundError as missing:
        raise LookupError(f"bot/locale/{code} ships, but bot/vocabulary/{code}.py is missing") from missing
    found = getattr(module, "VOCABULARY", None)
    if not isinstance(found, Vocabulary) or found.code != code:
        raise LookupError(f"bot/vocabulary/{code}.py must define VOCABULARY = Vocabulary(code={code!r}, …)")
    return found


def language_name(code: str) -> str:
    """The name of the language `code` in itself ("English", "Nederlands"), or the code when it is not shipped."""
    return vocabulary(code).name


def language_named(text: str) -> str | None:
    """The code of the shipped language a member calls `text` ("dutch", "Nederlands"), or None."""
    return _codes_by_name().get(text.strip().casefold())


@functools.cache
def _codes_by_name() -> dict[str, str]:
    return {name: code for code in languages() for name in vocabulary(code).names}


def weekday_names(code: str) -> tuple[str, ...]:
    """The weekday names in `code`, Monday first ("Monday", "maandag"), from Babel."""
    return _names(get_day_names("wide", locale=code), 7, first=0)


def weekday_abbreviations(code: str) -> tuple[str, ...]:
    """The short weekday names in `code`, Monday first ("Mon", "ma"), from Babel."""
    return _names(get_day_names("abbreviated", locale=code), 7, first=0)


def month_names(code: str) -> tuple[str, ...]:
    """The month names in `code`, January first, from Babel."""
    return _names(get_month_names("wide", locale=code), 12, first=1)


def month_abbreviations(code: str) -> tuple[str, ...]:
    """The short month names in `code`, January first, from Babel."""
    return _names(get_month_names("abbreviated", locale=code), 12, first=1)


def _names(names: Mapping[int, object], size: int, *, first: int) -> tuple[str, ...]:
    return tuple(str(names[first + index]) for index in range(size))


@functools.cache
def weekdays_alone() -> dict[str, int]:
    """The words that name one weekday on their own, in every shipped language, case-folded, to weekday
    numbers (0 is Monday): the names, the abbreviations where a language keeps them apart from ordinary words,
    and other spellings ("thurs")."""
    found: dict[str, int] = {}
    for code in languages():
        words = vocabulary(code)
        spellings = [weekday_names(code)]
        if words.short_weekdays_alone:
            spellings.append(weekday_abbreviations(code))
        for names in spellings:
            found.update({name.casefold().rstrip("."): index for index, name in enumerate(names)})
        found.update(words.weekday_spellings)
    return found


@functools.cache
def relative_days() -> dict[str, int]:
    """"today", "morgen"…: how many days from today each word means, in every shipped language."""
    return {word: days for code in languages() for word, days in vocabulary(code).relative_days.items()}


@functools.cache
def duration_units() -> dict[str, int]:
    """"min", "uur"…: the seconds in each unit word, in every shipped language."""
    return {word: seconds for code in languages() for word, seconds in vocabulary(code).duration_units.items()}
