"""Times of day as members write them, in any of Hearth's languages: 15:00, 9.30, 15:00:00, 15u, 15h30, 3pm,
3:30 p.m.

One reading for every place that takes a time: an argument (`commands.values.parse_time`) and the "at …" of a
schedule (`bot.recurrence.phrases`). Each place then says what it accepts beyond the word itself: an argument
wants more than a bare hour ("9" could be a day or a count), a schedule reads "at 9", "at 3 pm", "at 9 uur".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import time

# The letters after the digits; "a.m." may have lost its final dot to the phrase reader.
_CLOCK = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2})(?::([0-9]{2}))?)?(am|pm|a\.m\.?|p\.m\.?|h|u)?")
_CLOCK_WITH_LETTER = re.compile(r"([0-9]{1,2})[hu]([0-9]{2})")
# "am" and "pm" written apart from the time, as their own word.
MERIDIEMS = {"am": "am", "a.m": "am", "a.m.": "am", "pm": "pm", "p.m": "pm", "p.m.": "pm"}
# Words that may follow an hour without changing it: "9 uur", "9 o'clock", "9 h".
HOUR_WORDS = frozenset({"uur", "h", "o'clock"})


@dataclass(frozen=True, slots=True)
class WrittenClock:
    """A time of day as written in one word, before its range is checked.

    `suffix` is "am", "pm", "h" (for an h or u after the hour: 15u, 15h30) or "" (none); `second` is None when
    no seconds were written. A bare hour ("9") has neither minutes nor a suffix.
    """

    hour: int
    minute: int
    second: int | None
    suffix: str
    has_minutes: bool

    @property
    def bare(self) -> bool:
        """Only an hour: no minutes and no letter after it."""
        return not (self.has_minutes or self.suffix)

    def with_meridiem(self, word: str) -> WrittenClock:
        """This time with "am" or "pm" written as the next word (a key of `MERIDIEMS`)."""
        return replace(self, suffix=MERIDIEMS[word])

    def time_of_day(self) -> time | None:
        """The time it names, or None when an hour, minute or second is out of range (13pm, 24:00, 9:60)."""
        hour, second = self.hour, self.second or 0
        if self.suffix in ("am", "pm"):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if self.suffix == "pm" else 0)
        if hour > 23 or self.minute > 59 or second > 59:
            return None
        return time(hour, self.minute, second)


def read_clock(word: str) -> WrittenClock | None:
    """How the one `word` (already case-folded) writes a time of day, or None when it is not written like one."""
    with_letter = _CLOCK_WITH_LETTER.fullmatch(word)
    if with_letter:
        return WrittenClock(int(with_letter.group(1)), int(with_letter.group(2)), None, "h", True)
    clock = _CLOCK.fullmatch(word)
    if not clock:
        return None
    letters = (clock.group(4) or "").replace(".", "")
    suffix = "h" if letters in ("h", "u") else letters
    second = None if clock.group(3) is None else int(clock.group(3))
    return WrittenClock(int(clock.group(1)), int(clock.group(2) or 0), second, suffix, clock.group(2) is not None)
