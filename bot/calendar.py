"""Calendar facts shared by command arguments and recurrence phrases."""

from __future__ import annotations

import re

FIRST_YEAR = 1900
LAST_YEAR = 2200

_YEAR_FIRST = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")


def numeric_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date written in digits, year first (2026-03-27) or day first (27/03/2026).

    Separators may be `-`, `/` or `.`. Only the shape is read: whether the day exists and the year is in range
    is the caller's to check. None when `text` is not such a date.
    """
    if found := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
        return year, month, day
    if found := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
        return year, month, day
    return None
