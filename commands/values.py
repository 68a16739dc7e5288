"""Converting one argument into a typed value.

Each converter takes what the member typed and returns a value, or raises `UserError` with a message that says
what was expected and gives an example. No converter raises anything else for any input string. Words are
read case-insensitively, in every language Hearth speaks (their words are `bot.vocabulary`).

- Durations: amount–unit pairs written together and summed: `45s`, `90m`, `1h30m`, `3d4h`, `2w`, `1.5h`.
  Units: s, sec, second(s), seconde(n); m, min, minute(s), minuut, minuten; h, hr, hour(s), u, uur, uren;
  d, day(s), dag, dagen; w, wk, week(s), weken. `m` is minutes. A bare number is refused (minutes? days?), as
  are months and years (their length varies), zero, negative durations and anything over 5 years.
- Dates: ISO `2026-03-27` (also `2026/03/27`); day first `27/03/2026`, `27-03-2026`, `27.03.2026`; `today`,
  `tomorrow`, `vandaag`, `morgen`, `overmorgen`; a weekday (`monday`, `mon`, `maandag`) is the next such day,
  never today. Dutch two-letter weekdays (`ma`, `do`) are not read: `do` and `ma` are too often ordinary
  words in a title that follows a time. Years run from 1900 to 2200.
- Times: `15:00`, `9:30`, `9.30`, `15:00:00`, `15u`, `15h30`, `9am`, `3:30pm`.
- Date and time: a date and a time in either order, separated by whitespace (`tomorrow 9:00`, `9:00 morgen`),
  or ISO `2026-03-27T15:00`. A time alone means today, or tomorrow when that moment has passed. Local times are
  read in the given IANA zone: a time skipped by a daylight-saving change moves forward by the gap (02:30 on the
  spring-forward night becomes 03:30); a time that happens twice is the first occurrence.
- Members and channels must be real mentions (`<@U123>`, `<@!123>`, `<@U123|ann>`, `<#C123>`,
  `<#C123|general>`); a typed `@ann` or `#general` is refused with advice to pick from the list. A mention
  whose id is longer than 64 characters is refused as unreadable (`bot.text_limits.PLATFORM_ID`).
- Tags: `#word` or `word`, letters, digits, `-` and `_`, returned lower-cased without the `#`.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.calendar import FIRST_YEAR, LAST_YEAR, numeric_date
from bot.clock_times import read_clock
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.recurrence.zones import zone_of
from bot.refs import ChannelRef, MemberRef, WorkspaceRef
from bot.text_limits import readable_id
from bot.time_zones import canonical_zone, zone_names, zone_spellings
from bot.vocabulary import duration_units, language_named, relative_days, weekdays_alone
from commands.tokens import echo
from commands.usage import code

MAX_DURATION = timedelta(days=5 * 365 + 1)
MAX_TAG_LENGTH = 50
# More digits than any count a community needs; also keeps int() far from its conversion limit.
_MAX_INT_DIGITS = 18

_DURATION = re.compile(r"(?:[0-9]+(?:[.,][0-9]+)?\s*[a-z]+\s*)+")
_DURATION_PART = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*([a-z]+)")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")

_ISO_DATETIME = re.compile(r"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(.+)")

_INT = re.compile(r"[+-]?[0-9]+")
_MEMBER = re.compile(r"<@!?([A-Za-z0-9._-]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([A-Za-z0-9._-]+)(?:\|[^>]*)?>")
_TAG = re.compile(r"#?([\w-]+)")

# Suggestions compare at most this much of the input: enough for any zone or command name, and it keeps
# difflib fast on a pasted paragraph.
_SUGGESTION_INPUT_LIMIT = 64


# Durations


def parse_duration(text: str) -> timedelta:
    """Read a duration such as `90m`, `3d4h` or `1.5h`.

    Raises `UserError` when `text` is not a duration, has no unit, is zero or negative, or is over 5 years.
    """
    cleaned = text.strip().casefold()
    if cleaned.startswith(("-", "−")) and _DURATION.fullmatch(cleaned[1:].strip()):
        raise UserError(_not_positive_duration(text))
    if _NUMBER.fullmatch(cleaned):
        raise UserError(
            _(
                "{value} needs a unit: `m` for minutes, `h` for hours, `d` for days or `w` for weeks, "
                "such as `90m`.",
                value=echo(text),
            )
        )
    if not _DURATION.fullmatch(cleaned):
        raise UserError(_not_a_duration(text))
    seconds = Decimal(0)
    units = duration_units()
    for amount, unit in _DURATION_PART.findall(cleaned):
        if unit not in units:
            raise UserError(_not_a_duration(text))
        seconds += Decimal(amount.replace(",", ".")) * units[unit]
    if seconds > Decimal(MAX_DURATION.total_seconds()):
        raise UserError(_("{value} is too long: a duration can be at most 5 years.", value=echo(text)))
    duration = timedelta(seconds=float(seconds)) if seconds % 1 else timedelta(seconds=int(seconds))
    if duration <= timedelta(0):
        raise UserError(_not_positive_duration(text))
    return duration


def _not_a_duration(text: str) -> Msg:
    return _(
        "{value} is not a duration. Write a number and a unit together, such as `90m`, `3d`, `2w` or `1h30m`.",
        value=echo(text),
    )


def _not_positive_duration(text: str) -> Msg:
    return _(
        "{value} is not longer than zero. Write a duration such as `90m`, `3d` or `1h30m`.", value=echo(text)
    )


# Dates and times


def parse_date(text: str, *, today: date) -> date:
    """Read a date: ISO, day first, a relative word or a weekday (the next one, never `today` itself).

    Raises `UserError` when `text` is not a date or names a day that does not exist.
    """
    found = _match_date(text.strip(), today)
    if found is None:
        raise UserError(
            _(
                "{value} is not a date. Write it like `2026-03-27`, `27/03/2026`, `tomorrow` or `monday`.",
                value=echo(text),
            )
        )
    return found


def looks_like_date(text: str) -> bool:
    """Whether `text` is written the way a date is (even if it names a day that does not exist)."""
    cleaned = text.strip().casefold()
    return (
        cleaned in relative_days()
        or cleaned in weekdays_alone()
        or numeric_date(cleaned) is not None
    )


def parse_time(text: str) -> time:
    """Read a time of day such as `15:00`, `9.30`, `15u`, `15h30` or `3:30pm`.

    Raises `UserError` when `text` is not a time of day.
    """
    found = _match_time(text.strip())
    if found is None:
        raise UserError(_not_a_time(text))
    return found


def parse_datetime(text: str, *, now: datetime, timezone: str) -> datetime:
    """Read a date and time and return it as an aware datetime in the IANA zone `timezone`.

    A time alone is today, or tomorrow once that moment has passed (compared with the aware `now`).
    Raises `UserError` when `text` is not a date and time; `timezone` must be a valid zone name (it is the
    community's, checked when it was set), otherwise `zoneinfo` raises.
    """
    zone = zone_of(timezone)
    today = now.astimezone(zone).date()
    words = text.strip().casefold().split()
    if len(words) == 2:
        for date_word, time_word in (words, words[::-1]):
            day = _match_date(date_word, today)
            if day is not None:
                return _local(day, _time_or_raise(time_word), zone)
    elif len(words) == 1:
        word = words[0]
        iso = _ISO_DATETIME.fullmatch(word)
        if iso:
            day = _match_date(iso.group(1), today)
            if day is not None:
                return _local(day, _time_or_raise(iso.group(2)), zone)
        clock = _match_time(word)
        if clock is not None:
            moment = _local(today, clock, zone)
            return moment if moment > now else _local(today + timedelta(days=1), clock, zone)
        if _match_date(word, today) is not None:
            raise UserError(
                _("{value} has no time of day. Add one, like `tomorrow 9:00`.", value=echo(text))
            )
    raise UserError(
        _(
            "{value} is not a date and time. Write it like `2026-03-27 15:00`, `tomorrow 9:00`, "
            "`monday 10:00` or `15:00`.",
            value=echo(text),
        )
    )


def _local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The moment the wall clock in `zone` shows `clock` on `day`.

    fold=0 picks the first of two moments when clocks fall back. In a spring-forward gap, fold=0 reads the time
    with the offset from before the change; the round trip through UTC then lands the same distance past the
    gap, which is what a member who typed 02:30 expects (03:30).
    """
    wall = datetime.combine(day, clock).replace(tzinfo=zone, fold=0)
    return wall.astimezone(UTC).astimezone(zone)


def _match_date(text: str, today: date) -> date | None:
    """The date `text` names, None if it is not written like a date; raises if it is but names no real day."""
    cleaned = text.casefold()
    if cleaned in relative_days():
        return today + timedelta(days=relative_days()[cleaned])
    if cleaned in weekdays_alone():
        ahead = (weekdays_alone()[cleaned] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    found = numeric_date(cleaned)
    if found is None:
        return None
    year, month, day = found
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(
            _(
                "{value} is too far away. Pick a year from {first} to {last}.",
                value=echo(text),
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError(
            _(
                "{value} is not a day in the calendar. Check the day and the month; dates are written "
                "day first, like `27/03/2026`, or year first, like `2026-03-27`.",
                value=echo(text),
            )
        ) from None


def _match_time(text: str) -> time | None:
    """The time `text` names, None if it is not written like a time; raises if it is but is out of range."""
    written = read_clock(text.casefold())
    if written is None or written.bare:
        return None  # a bare number ("9") is a day, a count or a typo as often as a time
    found = written.time_of_day()
    if found is None:
        raise UserError(_not_a_time(text))
    return found


def _time_or_raise(text: str) -> time:
    found = _match_time(text)
    if found is None:
        raise UserError(_not_a_time(text))
    return found


def _not_a_time(text: str) -> Msg:
    return _(
        "{value} is not a time of day. Write hours from 0 to 23 and minutes from 00 to 59, like `15:00` "
        "or `9:30`.",
        value=echo(text),
    )


# Numbers and choices


def parse_int(text: str, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """Read a whole number, optionally within `min_value`..`max_value` (inclusive).

    Raises `UserError` when `text` is not a whole number or is out of range.
    """
    cleaned = text.strip().replace("−", "-")
    if not _INT.fullmatch(cleaned):
        raise UserError(_("{value} is not a whole number. Write digits, such as `3`.", value=echo(text)))
    if len(cleaned.lstrip("+-")) > _MAX_INT_DIGITS:
        raise UserError(_("{value} is too large a number.", value=echo(text)))
    return check_int_range(int(cleaned), min_value=min_value, max_value=max_value)


def check_int_range(value: int, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """Return `value` if it lies within the inclusive bounds; raises `UserError` otherwise."""
    too_small = min_value is not None and value < min_value
    too_large = max_value is not None and value > max_value
    if not (too_small or too_large):
        return value
    if min_value is not None and max_value is not None:
        raise UserError(
            _(
                "Pick a number from {low} to {high}; {value} is outside that range.",
                low=min_value,
                high=max_value,
                value=value,
            )
        )
    if min_value is not None:
        raise UserError(_("Pick a number of at least {low}; {value} is smaller.", low=min_value, value=value))
    assert max_value is not None  # one bound was crossed, and it was not the lower one
    raise UserError(_("Pick a number of at most {high}; {value} is larger.", high=max_value, value=value))


def parse_choice(text: str, choices: Sequence[str]) -> str:
    """Return the choice `text` names (compared case-insensitively), spelled as in `choices`.

    Raises `UserError` naming the choices, with the closest one as a suggestion when there is one.
    """
    wanted = text.strip().casefold()
    by_key = {choice.casefold(): choice for choice in choices}
    if wanted in by_key:
        return by_key[wanted]
    listed = ", ".join(code(choice) for choice in choices)
    close = _closest(wanted, by_key)
    if close is not None:
        raise UserError(
            _(
                "{value} is not one of the choices: {choices}. Did you mean {suggestion}?",
                value=echo(text),
                choices=listed,
                suggestion=code(close),
            )
        )
    raise UserError(_("{value} is not one of the choices: {choices}.", value=echo(text), choices=listed))


# Time zones and languages


def parse_timezone(text: str) -> str:
    """Return the canonical IANA time zone name `text` names (`bot.time_zones`: case-insensitive, spaces may
    stand for `_`, a legacy link read as its zone, `localtime` and `Factory` no zones).

    Raises `UserError` when no such zone exists, suggesting close names (`brussels` -> `Europe/Brussels`).
    """
    found = canonical_zone(text)
    if found is not None:
        return found
    wanted = "_".join(text.split()).casefold()
    suggestions = _zone_suggestions(wanted)
    if suggestions:
        raise UserError(
            _(
                "{value} is not a time zone. Did you mean {suggestions}?",
                value=echo(text),
                suggestions=", ".join(code(name) for name in suggestions),
            )
        )
    raise UserError(
        _(
            "{value} is not a time zone. Use a name from the time zone database, such as `Europe/Brussels` "
            "or `America/New_York`.",
            value=echo(text),
        )
    )


@functools.cache
def _zones_by_city() -> dict[str, tuple[str, ...]]:
    cities: dict[str, list[str]] = {}
    for name in zone_names():
        cities.setdefault(name.rsplit("/", 1)[-1].casefold(), []).append(name)
    return {city: tuple(names) for city, names in cities.items()}


def _zone_suggestions(wanted: str) -> tuple[str, ...]:
    if not wanted:
        return ()
    wanted = wanted[:_SUGGESTION_INPUT_LIMIT]
    cities = _zones_by_city()
    city = wanted.rsplit("/", 1)[-1]
    if city in cities:
        return cities[city][:3]
    zones = zone_spellings()
    close = difflib.get_close_matches(wanted, zones, n=3, cutoff=0.75)
    if not close:
        close_cities = difflib.get_close_matches(city, cities, n=3, cutoff=0.75)
        return tuple(name for found in close_cities for name in cities[found])[:3]
    return tuple(dict.fromkeys(zones[key] for key in close))


def parse_language(text: str, languages: Sequence[str]) -> str:
    """Return the language code among `languages` that `text` names.

    Accepts a code in any case (`NL`), with a region (`en-GB`, `nl_BE`) or an English or Dutch language name
    (`dutch`, `Nederlands`). Raises `UserError` listing the languages otherwise.
    """
    wanted = text.strip().casefold().replace("_", "-")
    codes = {language.casefold(): language for language in languages}
    for key in (wanted, wanted.split("-", 1)[0], language_named(wanted) or ""):
        if key in codes:
            return codes[key]
    raise UserError(
        _(
            "{value} is not a language Hearth speaks. Choose one of: {languages}.",
            value=echo(text),
            languages=", ".join(code(language) for language in languages),
        )
    )


# Mentions and tags


def parse_member(text: str, workspace: WorkspaceRef) -> MemberRef:
    """Read a member mention (`<@U123>`, `<@!123>`, `<@U123|ann>`) as a member of `workspace`.

    Raises `UserError` for anything else; a typed `@name` gets advice on making a real mention.
    """
    cleaned = text.strip()
    found = _MEMBER.fullmatch(cleaned)
    if found:
        if not readable_id(found.group(1)):
            raise UserError(_unreadable_mention(text))
        return MemberRef(workspace, found.group(1))
    if cleaned.startswith("@"):
        raise UserError(
            _(
                "{value} is only text, not a mention. Type @ and pick the member from the list, so it "
                "becomes a real mention.",
                value=echo(text),
            )
        )
    raise UserError(
        _("{value} is not a member. Mention them: type @ and pick them from the list.", value=echo(text))
    )


def parse_channel(text: str, workspace: WorkspaceRef) -> ChannelRef:
    """Read a channel link (`<#C123>`, `<#C123|general>`) as a channel of `workspace`.

    Raises `UserError` for anything else; a typed `#name` gets advice on making a real link.
    """
    cleaned = text.strip()
    found = _CHANNEL.fullmatch(cleaned)
    if found:
        if not readable_id(found.group(1)):
            raise UserError(_unreadable_mention(text))
        return ChannelRef(workspace, found.group(1))
    if cleaned.startswith("#"):
        raise UserError(
            _(
                "{value} is only text, not a channel link. Type # and pick the channel from the list, so "
                "it becomes a real link.",
                value=echo(text),
            )
        )
    raise UserError(
        _("{value} is not a channel. Type # and pick the channel from the list.", value=echo(text))
    )


def checked_member(member: MemberRef) -> MemberRef:
    """`member`, a mention a platform read for Hearth, if its id is one Hearth can keep; `UserError` otherwise."""
    if not readable_id(member.id):
        raise UserError(_unreadable_mention(member.id))
    return member


def checked_channel(channel: ChannelRef) -> ChannelRef:
    """`channel`, a channel a platform read for Hearth, if its id is one Hearth can keep; `UserError` otherwise."""
    if not readable_id(channel.id):
        raise UserError(_unreadable_mention(channel.id))
    return channel


def _unreadable_mention(text: str) -> Msg:
    return _(
        "Hearth cannot read the mention {value}: it is not one the platform made. Type @ or # and pick from the "
        "list again.",
        value=echo(text),
    )


def parse_tag(text: str) -> str:
    """Read a tag, `#word` or `word`, and return the word lower-cased.

    Raises `UserError` unless the word is letters, digits, `-` and `_`, at most 50 characters.
    """
    found = _TAG.fullmatch(text.strip())
    if not found:
        raise UserError(
            _(
                "{value} is not a tag. A tag is one word of letters, digits, - and _, such as `#python`.",
                value=echo(text),
            )
        )
    word = found.group(1)
    if len(word) > MAX_TAG_LENGTH:
        raise UserError(
            _(
                "{value} is too long for a tag; keep it to {limit} characters.",
                value=echo(text),
                limit=MAX_TAG_LENGTH,
            )
        )
    return word.lower()


def _closest(wanted: str, candidates: dict[str, str]) -> str | None:
    """The candidate spelled most like `wanted`, as spelled in `candidates` (keys are case-folded)."""
    close = difflib.get_close_matches(wanted[:_SUGGESTION_INPUT_LIMIT], candidates, n=1, cutoff=0.6)
    return candidates[close[0]] if close else None
