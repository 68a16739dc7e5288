"""Properties that hold for any input: bad input is always a UserError, and what is written reads back."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.i18n import _
from bot.refs import Platform, WorkspaceRef
from commands.parser import parse_arguments
from commands.registry import Registry
from commands.spec import CommandSpec, Param, ParamKind
from commands.tokens import Token, quote, tokenize
from commands.values import MAX_DURATION, parse_datetime, parse_duration

quick = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

WORKSPACE = WorkspaceRef(Platform.DISCORD, "G1")
NOW = datetime(2026, 3, 26, 12, 0, tzinfo=UTC)
ZONES = ("Europe/Brussels", "America/New_York", "Australia/Sydney")


async def nothing(ctx: Any, args: dict[str, Any]) -> None:
    return None


def param(name: str, kind: ParamKind, **extra: Any) -> Param:
    return Param(name, kind, _("help"), **extra)


SPECS = (
    CommandSpec(("hearth", "setup"), _("s"), nothing, params=(
        param("name", ParamKind.TEXT, flag=True),
        param("goal", ParamKind.TEXT, flag=True),
        param("tz", ParamKind.TIMEZONE, flag=True),
        param("lang", ParamKind.LANGUAGE, flag=True),
    )),
    CommandSpec(("hearth", "facilitators", "add"), _("s"), nothing, params=(
        param("member", ParamKind.MEMBER, required=True),
    )),
    CommandSpec(("meeting", "add"), _("s"), nothing, params=(
        param("when", ParamKind.DATETIME, required=True),
        param("title", ParamKind.TEXT, greedy=True),
        param("tags", ParamKind.TAG),
        param("every", ParamKind.DURATION, flag=True),
        param("until", ParamKind.DATE, flag=True),
        param("channel", ParamKind.CHANNEL, flag=True),
        param("online", ParamKind.FLAG),
    )),
    CommandSpec(("poll", "scale"), _("s"), nothing, params=(
        param("top", ParamKind.INT, required=True, min_value=2, max_value=10),
        param("style", ParamKind.CHOICE, choices=("stars", "numbers")),
        param("question", ParamKind.TEXT, greedy=True),
        param("closes", ParamKind.DATETIME, flag=True),
    )),
)
REGISTRY = Registry(SPECS)

# Pieces that steer generated text into the parser's interesting corners.
FRAGMENTS = st.sampled_from([
    " ", "\n", "\t", '"', "'", "“", "”", "‘", "’", "„", "\\", "--", "—", "=", "#", "<@", "<#", ">", "|",
    "--name", "--tz", "--every", "--online", "--until", "--closes", "#tag", "<@U1>", "<#C1>", "@ana",
    "tomorrow", "monday", "15:00", "25:00", "2026-03-29", "02:30", "3d", "90", "1h30m", "stars", "Europe/",
    "9999-12-31", "1" * 30, "-3d", "setup", "facilitators", "add",
])
MESSY_TEXT = st.one_of(st.text(), st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=14).map("".join))


def only_user_errors(call: Any, *args: Any, **kwargs: Any) -> None:
    with contextlib.suppress(UserError):
        call(*args, **kwargs)


@quick
@given(MESSY_TEXT)
def test_tokenize_raises_nothing_but_user_errors(text: str) -> None:
    only_user_errors(tokenize, text)


@quick
@given(st.sampled_from(SPECS), MESSY_TEXT, st.sampled_from(ZONES))
def test_parse_arguments_raises_nothing_but_user_errors(spec: CommandSpec, text: str, zone: str) -> None:
    only_user_errors(parse_arguments, spec, text, workspace=WORKSPACE, timezone=zone, now=NOW,
                     languages=("en", "nl"))


@quick
@given(st.one_of(st.sampled_from(["hearth", "/hearth", "meeting", "poll", "HEARTH"]), st.text(max_size=12)),
       MESSY_TEXT)
def test_registry_find_raises_nothing_but_user_errors(command: str, text: str) -> None:
    only_user_errors(REGISTRY.find, command, text)


@quick
@given(st.lists(st.text(), max_size=6), st.lists(st.sampled_from([" ", "\n", "\t", "  ", "\u00a0"]), min_size=1))
def test_quoted_strings_read_back_exactly(values: list[str], separators: list[str]) -> None:
    text = "".join(quote(value) + separators[index % len(separators)] for index, value in enumerate(values))
    assert tokenize(text) == [Token(value, quoted=True) for value in values]


@quick
@given(st.text(alphabet=st.characters(blacklist_characters="\"'“”‘’„‚\\")))
def test_text_without_quotes_splits_on_whitespace(text: str) -> None:
    assert [token.value for token in tokenize(text)] == text.split()


UNITS = {
    "s": 1, "sec": 1, "seconds": 1, "seconden": 1,
    "m": 60, "min": 60, "minutes": 60, "minuten": 60,
    "h": 3600, "hour": 3600, "hours": 3600, "u": 3600, "uur": 3600,
    "d": 86400, "day": 86400, "days": 86400, "dagen": 86400,
    "w": 604800, "week": 604800, "weeks": 604800, "weken": 604800,
}


@quick
@given(
    st.lists(st.tuples(st.integers(1, 2000), st.sampled_from(sorted(UNITS))), min_size=1, max_size=4),
    st.sampled_from(["", " "]),
    st.booleans(),
)
def test_durations_add_up(parts: list[tuple[int, str]], joiner: str, upper: bool) -> None:
    text = joiner.join(f"{amount}{joiner}{unit}" for amount, unit in parts)
    expected = timedelta(seconds=sum(amount * UNITS[unit] for amount, unit in parts))
    if upper:
        text = text.upper()
    if expected > MAX_DURATION:
        only_user_errors(parse_duration, text)
        return
    assert parse_duration(text) == expected


# Days on which these zones change their clocks in 2026, at the local hour of the change.
TRANSITIONS = [
    ("Europe/Brussels", datetime(2026, 3, 29, 2)),
    ("Europe/Brussels", datetime(2026, 10, 25, 2)),
    ("America/New_York", datetime(2026, 3, 8, 2)),
    ("America/New_York", datetime(2026, 11, 1, 1)),
    ("Australia/Sydney", datetime(2026, 4, 5, 2)),
    ("Australia/Sydney", datetime(2026, 10, 4, 2)),
]
ANY_MINUTE = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0)
)
NEAR_A_CHANGE = st.tuples(st.sampled_from(TRANSITIONS), st.integers(-90, 150)).map(
    lambda pair: (pair[0][0], pair[0][1] + timedelta(minutes=pair[1]))
)
LOCAL_TIMES = st.one_of(st.tuples(st.sampled_from(ZONES), ANY_MINUTE), NEAR_A_CHANGE)


def exists(wall: datetime, zone: ZoneInfo) -> bool:
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


@settings(max_examples=300, deadline=None, database=None)
@given(LOCAL_TIMES, st.sampled_from(["{:%Y-%m-%d %H:%M}", "{:%Y-%m-%dT%H:%M}", "{:%d/%m/%Y %H:%M}"]))
def test_local_times_keep_their_wall_time_except_in_a_gap(local: tuple[str, datetime], written: str) -> None:
    zone_name, wall = local
    zone = ZoneInfo(zone_name)
    result = parse_datetime(written.format(wall), now=NOW, timezone=zone_name)
    assert result.tzinfo == zone
    assert result.utcoffset() is not None
    shown = result.replace(tzinfo=None)
    if exists(wall, zone):
        assert shown == wall
        # Of two moments with this wall time, the first is meant.
        assert result.timestamp() == wall.replace(tzinfo=zone, fold=0).timestamp()
        assert result.timestamp() <= wall.replace(tzinfo=zone, fold=1).timestamp()
    else:
        assert wall < shown <= wall + timedelta(hours=1)
        assert exists(shown, zone)
