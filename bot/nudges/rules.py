"""The nudges' rules, each a small pure predicate over what the activity record says, with the settings a community
tunes; and the respect every personal nudge passes first. A rule that fires answers `Why`: its name and the facts
it fired on, which the nudge states in one line and `/nudge why` in full.

Nothing here reads the clock or the database: the evaluator hands each predicate the moment and the aggregates.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bot.meetings.preferences import QuietHours, in_quiet_hours
from bot.nudges.model import Goal, MemberWishes, Prompt
from bot.recurrence.zones import resolve, zone_of

__all__ = [
    "DEFAULT_QUIET_HOURS", "MOST_AFTER", "MOST_DAYS", "PERSONAL_RULES", "POINTERS", "RULES", "RULE_DEFAULTS",
    "TUNABLE", "WORKING_EARLIEST", "WORKING_LATEST", "WORKING_LEAST", "RuleSettings",
    "Why", "at_work", "below_rhythm", "newcomer", "next_prompt", "personal_refusal",
    "quiet_channel", "quiet_member", "unanswered", "working_time_between"
]

QUIET_CHANNEL, QUIET_MEMBER, NEWCOMER, UNANSWERED, BELOW_RHYTHM, PERSONAL = (
    "quiet-channel", "quiet-member", "newcomer", "unanswered", "below-rhythm", "personal")
# The rules, and `PERSONAL`: the settings all personal nudges share (on: any at all; days: the least days between
# two personal nudges to one member).
RULES = (QUIET_CHANNEL, QUIET_MEMBER, NEWCOMER, UNANSWERED, BELOW_RHYTHM, PERSONAL)
# What a facilitator may tune of each rule besides on and off: `days`, `after` (hours) and `hours` (working hours).
TUNABLE: dict[str, tuple[str, ...]] = {
    QUIET_CHANNEL: ("days", "hours"), QUIET_MEMBER: ("days",), NEWCOMER: ("days",), UNANSWERED: ("after", "hours"),
    BELOW_RHYTHM: (), PERSONAL: ("days",),
}
# The rules whose nudges go to one member as such (a DM): `PERSONAL`'s settings and each member's wishes govern
# them, and they count as ignored when the member does not post within a week. (The below-rhythm note goes to
# facilitators as facilitators, and counts for none of that.)
PERSONAL_RULES = (QUIET_MEMBER, NEWCOMER)
# Working hours lie between these (the rounds run every two hours from the earliest, `bot.nudges.rounds`) and span
# two hours at least, so that a round always falls in them.
WORKING_EARLIEST, WORKING_LATEST, WORKING_LEAST = 7, 21, 2
MOST_DAYS = 90
MOST_AFTER = 168
# A member who chose no quiet hours of their own gets no personal nudge at night.
DEFAULT_QUIET_HOURS: QuietHours = (time(20, 0), time(8, 0))
IGNORED_MOST = 3  # ignored nudges in a row after which a member gets none until they post again
ACTIVE_BEFORE = 3  # messages a member needs to have a rhythm of their own
# How long a member whose DMs turned out closed gets no personal nudge tried (or until they say /nudge me on).
CLOSED_PAUSE = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """One rule's settings in one community: whether it is on, its number of days (quiet channel: days without a
    post; quiet member: the least silence; newcomer: days after joining) or hours (unanswered: working hours
    without an answer), and the working hours it acts in, on the community's clock."""

    on: bool
    days: int = 0
    hours: int = 0
    working: tuple[int, int] = (9, 17)


@dataclass(frozen=True, slots=True)
class Why:
    """Why a nudge came: its rule and the numbers it fired on (days, hours, counts), by name."""

    rule: str
    facts: Mapping[str, int] = field(default_factory=dict)


_COMMON = {
    QUIET_CHANNEL: RuleSettings(True, days=5),
    QUIET_MEMBER: RuleSettings(True, days=7),
    NEWCOMER: RuleSettings(True, days=3),
    UNANSWERED: RuleSettings(True, hours=24),
    BELOW_RHYTHM: RuleSettings(True),
    PERSONAL: RuleSettings(True, days=7),
}
# What each kind of community starts with: a helping community watches its questions most closely; a
# knowledge-stewarding one lets a channel be quiet longer (its life is in the library); an innovation one welcomes
# its newcomers sooner and gets no weekly rhythm note (it works in bursts around ideas, not to a weekly beat).
RULE_DEFAULTS: dict[str, dict[str, RuleSettings]] = {
    "best-practice": _COMMON,
    "helping": {**_COMMON, UNANSWERED: RuleSettings(True, hours=8), QUIET_CHANNEL: RuleSettings(True, days=3)},
    "knowledge": {**_COMMON, QUIET_CHANNEL: RuleSettings(True, days=7), UNANSWERED: RuleSettings(True, hours=48)},
    "innovation": {**_COMMON, NEWCOMER: RuleSettings(True, days=2), BELOW_RHYTHM: RuleSettings(False)},
}
# What a quiet member's nudge points at first, by kind: an unanswered question for a helping community, a library
# item for a knowledge-stewarding one, an idea poll for an innovation one.
POINTERS: dict[str, tuple[str, ...]] = {
    "best-practice": ("meeting", "question", "poll", "library"),
    "helping": ("question", "meeting", "poll", "library"),
    "knowledge": ("library", "question", "meeting", "poll"),
    "innovation": ("poll", "meeting", "question", "library"),
}


def personal_refusal(now: datetime, wishes: MemberWishes, zone: str, quiet: QuietHours | None,
                     last_nudge: datetime | None, *, every: timedelta = timedelta(days=7)) -> str | None:
    """Why the member may get no personal nudge now, or None when they may: they turned nudges off, snoozed them,
    it is their quiet hours or weekend where they live, they ignored `IGNORED_MOST` in a row, or they had one less
    than `every` ago (a week by default, or their own cadence); or a DM to them could not be delivered less than
    `CLOSED_PAUSE` ago."""
    if wishes.off:
        return "off"
    if wishes.snoozed_until is not None and now < wishes.snoozed_until:
        return "snoozed"
    if wishes.ignored >= IGNORED_MOST:
        return "ignored"
    if wishes.dm_closed_at is not None and now - wishes.dm_closed_at < CLOSED_PAUSE:
        return "closed"
    local = now.astimezone(zone_of(zone))
    if local.weekday() >= 5:
        return "weekend"
    if in_quiet_hours(now, zone, quiet or DEFAULT_QUIET_HOURS):
        return "quiet hours"
    if wishes.every_days is not None:
        every = max(every, timedelta(days=wishes.every_days))
    if last_nudge is not None and now - last_nudge < every:
        return "recently"
    return None


def quiet_member(now: datetime, recent: Sequence[datetime], wishes: MemberWishes, settings: RuleSettings, *,
                 factor: float = 2.0) -> Why | None:
    """A member who was active (`ACTIVE_BEFORE` messages at least; `recent` newest first) and is now silent for
    longer than their own rhythm: more than `factor` times their median gap and at least `settings.days` days, or
    their own cadence when they chose one."""
    if not settings.on or len(recent) < ACTIVE_BEFORE:
        return None
    if wishes.every_days is None and now - recent[0] <= timedelta(days=settings.days):
        return None  # not silent for the least days: no need to read their rhythm
    gaps = [(newer - older).total_seconds() for newer, older in itertools.pairwise(recent)]
    usual = timedelta(seconds=statistics.median(gaps))
    if wishes.every_days is not None:
        threshold = timedelta(days=wishes.every_days)
    else:
        threshold = max(timedelta(days=settings.days), usual * factor)
    silent = now - recent[0]
    if silent <= threshold:
        return None
    return Why(QUIET_MEMBER, {"silent_days": silent.days, "usual_days": max(1, round(usual / timedelta(days=1))),
                              "threshold_days": threshold.days})


def quiet_channel(now: datetime, last_message: datetime | None, last_prompt: datetime | None, zone: str,
                  settings: RuleSettings) -> Why | None:
    """No message (nor prompt of Hearth's) in the channel for `settings.days` days, and it is working time on the
    community's clock: a discussion prompt. A prompt nobody wrote after waits twice as long for the next one, so
    a channel left quiet is not given one prompt after another."""
    if not settings.on or not at_work(now, zone, settings.working):
        return None
    last = max((moment for moment in (last_message, last_prompt) if moment is not None), default=None)
    unheard = last_prompt is not None and (last_message is None or last_message < last_prompt)
    wait = timedelta(days=settings.days * (2 if unheard else 1))
    if last is None or now - last < wait:
        return None
    return Why(QUIET_CHANNEL, {"quiet_days": (now - last).days, "days": wait.days})


def next_prompt(bank: Sequence[Prompt], last_used: int | None) -> Prompt | None:
    """The prompt after the one used last, in the bank's order (round and round): never the same twice in a row
    while the bank holds two or more."""
    if not bank:
        return None
    ids = [prompt.id for prompt in bank]
    if last_used is None or last_used not in ids:
        later = [prompt for prompt in bank if last_used is not None and prompt.id > last_used]
        return later[0] if later else bank[0]
    return bank[(ids.index(last_used) + 1) % len(bank)]


def newcomer(now: datetime, joined: datetime | None, posted: bool, welcomed: bool,
             settings: RuleSettings) -> Why | None:
    """A member who joined `settings.days` days ago or more and has not posted, welcomed once."""
    if not settings.on or joined is None or posted or welcomed:
        return None
    waited = now - joined
    if waited < timedelta(days=settings.days):
        return None
    return Why(NEWCOMER, {"days": waited.days})


def unanswered(now: datetime, asked: datetime, zone: str, settings: RuleSettings, surfaced: bool) -> Why | None:
    """A question with no reply or reaction for `settings.hours` working hours: surfaced once."""
    if not settings.on or surfaced:
        return None
    waited = working_time_between(asked, now, zone, settings.working)
    if waited < timedelta(hours=settings.hours):
        return None
    return Why(UNANSWERED, {"hours": int(waited / timedelta(hours=1))})


def below_rhythm(messages: int, goal: Goal | None, settings: RuleSettings) -> Why | None:
    """A week that ended under the agreed goal (a monthly one as its weekly share): a note to the facilitators."""
    if not settings.on or goal is None:
        return None
    weekly = max(1, round(goal.per_week()))
    if messages >= weekly:
        return None
    return Why(BELOW_RHYTHM, {"messages": messages, "goal": weekly})


def working_time_between(start: datetime, end: datetime, zone: str, working: tuple[int, int] = (9, 17)
                         ) -> timedelta:
    """How much of `start`…`end` falls in working hours (weekdays, `working` hours on the clock of `zone`)."""
    if end <= start:
        return timedelta(0)
    local_zone = zone_of(zone)
    day = start.astimezone(local_zone).date()
    last = end.astimezone(local_zone).date()
    total = timedelta(0)
    while day <= last:
        if day.weekday() < 5:
            opens = resolve(datetime.combine(day, time(working[0])), local_zone)
            closes = resolve(datetime.combine(day, time(working[1])), local_zone)
            overlap = min(end, closes) - max(start, opens)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def at_work(now: datetime, zone: str, working: tuple[int, int]) -> bool:
    """Whether `now` is on a weekday within `working` hours on the clock of `zone`."""
    local = now.astimezone(zone_of(zone))
    return local.weekday() < 5 and working[0] <= local.hour < working[1]
