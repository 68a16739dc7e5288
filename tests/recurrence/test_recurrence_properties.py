"""Properties of recurrences over generated rules, zones and starts, and of the phrase reader on any text."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.recurrence import Recurrence, describe, parse_recurrence
from bot.recurrence.evaluation import first_instance_from
from bot.recurrence.rule import DAILY, MONTHLY, WEEKLY, YEARLY, RuleParts, parse_rule

ZONES = ["Europe/Brussels", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
ORDINALS = [1, 2, 3, 4, 5, -1]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def canonical(parts: RuleParts) -> str:
    return parse_rule(parts.format()).format()


@st.composite
def phrase_rules(draw: st.DrawFn) -> str:
    """Rules the phrase grammar can say."""
    kind = draw(st.sampled_from(["day", "week", "month-nth", "month-day", "quarter", "year"]))
    interval = draw(st.integers(1, 4))
    if kind == "day":
        return canonical(RuleParts(DAILY, interval))
    if kind == "week":
        weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
        return canonical(RuleParts(WEEKLY, interval, byday=tuple((weekday, 0) for weekday in weekdays)))
    if kind in ("month-nth", "quarter") and draw(st.booleans()):
        days = draw(st.sets(st.tuples(st.integers(0, 6), st.sampled_from(ORDINALS)), min_size=1, max_size=2))
        byday, bymonthday = tuple(days), ()
    else:
        byday, bymonthday = (), tuple(draw(st.sets(st.sampled_from([*range(1, 32), -1]), min_size=1, max_size=3)))
    if kind == "quarter":
        return canonical(RuleParts(YEARLY, bymonth=(1, 4, 7, 10), byday=byday, bymonthday=bymonthday))
    if kind == "year":
        month = draw(st.integers(1, 12))
        day = draw(st.integers(1, 29 if month == 2 else 30))
        return canonical(RuleParts(YEARLY, interval, bymonth=(month,), bymonthday=(day,)))
    return canonical(RuleParts(MONTHLY, interval, byday=byday, bymonthday=bymonthday))


@st.composite
def other_rules(draw: st.DrawFn) -> str:
    """Rules only RFC 5545 text can say: several times a day, BYSETPOS, week numbers, hours."""
    return draw(
        st.sampled_from(
            [
                "FREQ=DAILY;BYHOUR=2,14;BYMINUTE=0,30",
                "FREQ=HOURLY;INTERVAL=5",
                "FREQ=HOURLY;BYHOUR=1,2,3",
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
                "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=13;BYDAY=FR",
                "FREQ=YEARLY;BYWEEKNO=1,27;BYDAY=MO",
                "FREQ=YEARLY;BYYEARDAY=1,100,-1",
                "FREQ=WEEKLY;INTERVAL=3;BYDAY=SA,SU;WKST=SU",
                "FREQ=DAILY;BYMONTH=3,10;BYDAY=SU",
                "FREQ=YEARLY;BYDAY=+20MO",
            ]
        )
    )


@st.composite
def recurrences(draw: st.DrawFn, rules: st.SearchStrategy[str]) -> Recurrence:
    rule = draw(rules)
    zone = draw(st.sampled_from(ZONES))
    day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 800)))
    clock = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]) | st.integers(0, 59)))
    start = datetime.combine(day, clock)
    until = count = None
    ending = draw(st.sampled_from(["none", "none", "until", "count"]))
    if ending == "until":
        until = datetime.combine(day + timedelta(days=draw(st.integers(0, 400))), time(23, 59, 59))
    elif ending == "count":
        count = draw(st.integers(1, 30))
    value = Recurrence(rule, start, zone, until, count)
    instances = [moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for moment in value.preview(
        _moment(start, zone) - timedelta(days=1), 8)]
    for skipped in draw(st.lists(st.sampled_from(instances), max_size=2)) if instances else []:
        value = value.with_exdate(skipped)
    return value


def _moment(wall: datetime, zone: str) -> datetime:
    return wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _window(value: Recurrence, days: int) -> tuple[datetime, datetime]:
    after = _moment(value.start, value.timezone) - timedelta(hours=1)
    return after, after + timedelta(days=days)


def reference(value: Recurrence, after: datetime, until: datetime) -> list[datetime]:
    """dateutil walking the rule from its start: each instance placed in the zone, skipped dates and repeats
    (two instances on one moment, in a gap) left out."""
    text = value.rule + (f";COUNT={value.count}" if value.count else "")
    rule = rrulestr(text, dtstart=value.start)
    if value.until is not None:
        rule = rule.replace(until=value.until)
    zone, last, found = ZoneInfo(value.timezone), None, []
    for instance in rule:
        if instance in value.exdates:
            continue
        moment = instance.replace(tzinfo=zone).astimezone(UTC)
        if last is not None and moment <= last:
            continue
        last = moment
        if moment > until:
            break
        if moment > after:
            found.append(moment)
    return found


any_recurrence = recurrences(phrase_rules() | other_rules())


@SETTINGS
@given(recurrences(phrase_rules()), st.integers(0, 600))
def test_occurrences_increase_and_keep_the_wall_time(value: Recurrence, offset: int) -> None:
    after, _ = _window(value, 0)
    after += timedelta(days=offset)
    found = list(value.occurrences(after, after + timedelta(days=90)))
    assert all(earlier < later for earlier, later in itertools.pairwise(found))
    assert all(after < moment <= after + timedelta(days=90) and moment.tzinfo is UTC for moment in found)
    zone, clock = ZoneInfo(value.timezone), value.start.time()
    for moment in found:
        wall = moment.astimezone(zone).replace(tzinfo=None)
        if wall.time() == clock:
            continue
        # Only a wall time that does not exist moves, forward by the gap, to the moment it stands for.
        for day in (wall.date(), wall.date() - timedelta(days=1)):
            intended = datetime.combine(day, clock)
            shown = intended.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
            if shown == wall:
                assert timedelta(0) < wall - intended <= timedelta(hours=1)
                break
        else:
            raise AssertionError(f"{moment} is not at {clock} in {value.timezone}")


@SETTINGS
@given(any_recurrence, st.integers(0, 600))
def test_evaluation_agrees_with_walking_the_rule_in_dateutil(value: Recurrence, offset: int) -> None:
    after, _ = _window(value, 0)
    after += timedelta(days=offset)
    until = after + timedelta(days=60)
    assert list(value.occurrences(after, until)) == reference(value, after, until)


@SETTINGS
@given(any_recurrence, st.integers(0, 600))
def test_next_after_agrees_with_occurrences(value: Recurrence, offset: int) -> None:
    after, _ = _window(value, 0)
    after += timedelta(days=offset)
    until = after + timedelta(days=45)
    found = list(value.occurrences(after, until))
    walked, moment = [], after
    while (following := value.next_after(moment)) is not None and following <= until:
        walked.append(following)
        moment = following
    assert walked == found
    assert value.preview(after, len(found)) == found
    assert all(value.includes(moment) for moment in found)


@SETTINGS
@given(any_recurrence)
def test_rfc5545_text_round_trips(value: Recurrence) -> None:
    assert Recurrence.from_rfc5545(value.to_rfc5545()) == value


@SETTINGS
@given(recurrences(phrase_rules()) | any_recurrence, st.sampled_from(["en", "nl"]))
def test_sentences_read_back_to_the_same_recurrence(value: Recurrence, language: str) -> None:
    now = _moment(value.start, value.timezone)
    if value.next_after(now - timedelta(microseconds=1)) is None:
        return  # a schedule with no occurrences at all is refused when read, as it should be
    back = parse_recurrence(describe(value, language), timezone=value.timezone, now=now, language=language)
    if first_instance_from(value, value.start) == value.start and value.count != 1:
        assert back == value
    else:
        # A start between instances reads back as the first instance, and one occurrence as one meeting
        # (FREQ=DAILY;COUNT=1 from it): the same occurrences.
        assert back.preview(now - timedelta(days=1), 20) == value.preview(now - timedelta(days=1), 20)


WORDS = [
    "every", "each", "other", "day", "days", "week", "weeks", "2", "10", "15", "on", "the", "first", "last",
    "Tuesday", "Mon", "weekdays", "at", "15:00", "3pm", "25:00", "from", "until", "2026-04-01", "2026-02-30", "times",
    "except", "and", "of", "month", "quarter", "year", "1", "March", "30", "February", "15th", "elke", "op", "om",
    "maand", "de", "eerste", "15e", "kwartaal", "jaar", "vanaf", "tot", "en", "met", "keer", "behalve", "uur",
    "RRULE:FREQ=WEEKLY;BYDAY=TU", "DTSTART:20260331T150000", "FREQ=", "RRULE:", ",", ";", "&", "999999",
]


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=60) | st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    st.sampled_from([None, "en", "nl"]),
    st.sampled_from(ZONES),
)
def test_any_text_is_read_or_refused_with_a_user_error(text: str, language: str | None, zone: str) -> None:
    try:
        value = parse_recurrence(text, timezone=zone, now=datetime(2026, 3, 25, 10, tzinfo=UTC), language=language)
    except UserError:
        return
    assert isinstance(value, Recurrence)
    assert first_instance_from(value, value.start) is not None

