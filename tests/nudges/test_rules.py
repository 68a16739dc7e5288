"""The nudges' rules as pure predicates: who is quiet by their own rhythm, which channel is quiet in working time,
newcomers, unanswered questions in working hours (across a daylight-saving change), the week under its goal, the
prompt rotation, and the respect every personal nudge passes first."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nudges.model import Goal, MemberWishes, Period, Prompt
from bot.nudges.rules import (
    RULE_DEFAULTS,
    RuleSettings,
    below_rhythm,
    newcomer,
    next_prompt,
    personal_refusal,
    quiet_channel,
    quiet_member,
    unanswered,
    working_time_between,
)

BRUSSELS = "Europe/Brussels"
# Tuesday 1 December 2026, 10:00 in Brussels (09:00 UTC).
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MEMBER = RuleSettings(True, days=7)


def days_ago(*days: float) -> list[datetime]:
    return [TUESDAY - timedelta(days=d) for d in days]


@pytest.mark.parametrize(("recent", "fires"), [
    (days_ago(8, 9, 10, 11), True),  # daily before, 8 days silent: past the 7-day least
    (days_ago(6, 7, 8, 9), False),  # daily, 6 days silent: under the least
    (days_ago(13, 20, 27, 34), False),  # weekly, 13 days silent: under twice the usual 7
    (days_ago(15, 22, 29, 36), True),  # … and 15: over it
    (days_ago(30, 31), False),  # two messages: no rhythm of their own yet
    ([], False),
])
def test_a_member_is_quiet_by_their_own_rhythm(recent: list[datetime], fires: bool) -> None:
    assert (quiet_member(TUESDAY, recent, MemberWishes(), MEMBER) is not None) is fires


def test_a_members_own_cadence_decides_and_why_gives_the_numbers() -> None:
    recent = days_ago(10, 11, 12, 13)
    assert quiet_member(TUESDAY, recent, MemberWishes(every_days=14), MEMBER) is None
    why = quiet_member(TUESDAY, recent, MemberWishes(), MEMBER)
    assert why is not None and why.facts == {"silent_days": 10, "usual_days": 1, "threshold_days": 7}
    assert quiet_member(TUESDAY, recent, MemberWishes(), RuleSettings(False, days=7)) is None


@pytest.mark.parametrize(("wishes", "now", "last", "refused"), [
    (MemberWishes(), TUESDAY, None, None),
    (MemberWishes(off=True), TUESDAY, None, "off"),
    (MemberWishes(snoozed_until=TUESDAY + timedelta(days=1)), TUESDAY, None, "snoozed"),
    (MemberWishes(snoozed_until=TUESDAY - timedelta(days=1)), TUESDAY, None, None),
    (MemberWishes(ignored=3), TUESDAY, None, "ignored"),
    (MemberWishes(ignored=2), TUESDAY, None, None),
    (MemberWishes(), TUESDAY + timedelta(days=4), None, "weekend"),  # Saturday
    (MemberWishes(), TUESDAY + timedelta(hours=12), None, "quiet hours"),  # 22:00 in Brussels
    (MemberWishes(), TUESDAY, TUESDAY - timedelta(days=6), "recently"),
    (MemberWishes(), TUESDAY, TUESDAY - timedelta(days=7), None),
    (MemberWishes(every_days=14), TUESDAY, TUESDAY - timedelta(days=10), "recently"),
])
def test_respect_comes_first(wishes: MemberWishes, now: datetime, last: datetime | None,
                             refused: str | None) -> None:
    assert personal_refusal(now, wishes, BRUSSELS, None, last) == refused


def test_quiet_hours_and_weekends_are_the_members_own() -> None:
    # 09:00 UTC on a Tuesday is 04:00 in New York (quiet) and 18:00 in Tokyo (their own window decides).
    assert personal_refusal(TUESDAY, MemberWishes(), "America/New_York", None, None) == "quiet hours"
    assert personal_refusal(TUESDAY, MemberWishes(), "Asia/Tokyo", (time(17, 0), time(9, 0)), None) == "quiet hours"
    assert personal_refusal(TUESDAY, MemberWishes(), "Asia/Tokyo", (time(22, 0), time(7, 0)), None) is None
    # Friday 23:30 UTC is already Saturday in Auckland.
    friday_night = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    assert personal_refusal(friday_night, MemberWishes(), "Pacific/Auckland", None, None) == "weekend"


def test_a_channel_is_quiet_in_working_time_only() -> None:
    settings = RuleSettings(True, days=5)
    assert quiet_channel(TUESDAY, TUESDAY - timedelta(days=6), None, BRUSSELS, settings) is not None
    assert quiet_channel(TUESDAY, TUESDAY - timedelta(days=4), None, BRUSSELS, settings) is None
    # A prompt of Hearth's counts as movement: no second prompt five days after nothing.
    assert quiet_channel(TUESDAY, TUESDAY - timedelta(days=9), TUESDAY - timedelta(days=2), BRUSSELS,
                         settings) is None
    assert quiet_channel(TUESDAY + timedelta(hours=10), TUESDAY - timedelta(days=6), None, BRUSSELS,
                         settings) is None  # 20:00
    assert quiet_channel(TUESDAY + timedelta(days=4), TUESDAY - timedelta(days=6), None, BRUSSELS,
                         settings) is None  # Saturday


def test_prompts_rotate_and_never_repeat_in_a_row() -> None:
    bank = [Prompt(3, "a", ""), Prompt(5, "", "own"), Prompt(9, "b", "")]
    chosen = [next_prompt(bank, None)]
    for _round in range(5):
        chosen.append(next_prompt(bank, chosen[-1].id if chosen[-1] else None))
    ids = [prompt.id for prompt in chosen if prompt]
    assert ids == [3, 5, 9, 3, 5, 9] and all(a != b for a, b in itertools.pairwise(ids))
    assert next_prompt(bank, 4) == bank[1]  # the one used last was set aside: the next after it
    assert next_prompt([], None) is None


def test_newcomers_are_welcomed_once_after_their_days() -> None:
    settings = RuleSettings(True, days=3)
    joined = TUESDAY - timedelta(days=4)
    assert newcomer(TUESDAY, joined, posted=False, welcomed=False, settings=settings) is not None
    assert newcomer(TUESDAY, joined, posted=True, welcomed=False, settings=settings) is None
    assert newcomer(TUESDAY, joined, posted=False, welcomed=True, settings=settings) is None
    assert newcomer(TUESDAY, TUESDAY - timedelta(days=2), posted=False, welcomed=False, settings=settings) is None
    assert newcomer(TUESDAY, None, posted=False, welcomed=False, settings=settings) is None


def test_a_question_waits_in_working_hours_across_a_daylight_saving_change() -> None:
    settings = RuleSettings(True, hours=24)
    # Friday 23 October 2026, 16:00 in Brussels; the clocks go back on Sunday 25 October.
    asked = datetime(2026, 10, 23, 14, 0, tzinfo=UTC)
    # Friday 1 hour + Mon, Tue 8 hours each = 17; Wed at 16:00 local is 24.
    wednesday = datetime(2026, 10, 28, 15, 0, tzinfo=UTC)  # 16:00 CET
    assert working_time_between(asked, wednesday, BRUSSELS) == timedelta(hours=24)
    assert unanswered(wednesday, asked, BRUSSELS, settings, surfaced=False) is not None
    assert unanswered(wednesday - timedelta(minutes=1), asked, BRUSSELS, settings, surfaced=False) is None
    assert unanswered(wednesday, asked, BRUSSELS, settings, surfaced=True) is None


def test_a_week_under_its_goal() -> None:
    settings = RuleSettings(True)
    assert below_rhythm(3, Goal(5, Period.WEEK), settings) is not None
    assert below_rhythm(5, Goal(5, Period.WEEK), settings) is None
    assert below_rhythm(4, Goal(20, Period.MONTH), settings) is not None  # 20 a month: 5 a week
    assert below_rhythm(0, None, settings) is None


def test_every_kind_has_every_rule() -> None:
    assert {kind: sorted(rules) for kind, rules in RULE_DEFAULTS.items()} == {
        kind: sorted(RULE_DEFAULTS["best-practice"]) for kind in ("best-practice", "helping", "knowledge",
                                                                   "innovation")}
    assert RULE_DEFAULTS["helping"]["unanswered"].hours < RULE_DEFAULTS["knowledge"]["unanswered"].hours
    assert RULE_DEFAULTS["knowledge"]["quiet-channel"].days > RULE_DEFAULTS["helping"]["quiet-channel"].days
    assert RULE_DEFAULTS["innovation"]["newcomer"].days < RULE_DEFAULTS["best-practice"]["newcomer"].days
    on = {kind: {rule for rule, settings in rules.items() if settings.on} for kind, rules in RULE_DEFAULTS.items()}
    assert on["innovation"] == on["best-practice"] - {"below-rhythm"}  # an innovation community works in bursts
    assert on["best-practice"] == on["helping"] == on["knowledge"] == set(RULE_DEFAULTS["best-practice"])


MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                       timezones=st.just(UTC))


@given(MOMENTS, MOMENTS, MOMENTS, st.sampled_from(["Europe/Brussels", "America/New_York", "Asia/Kolkata"]))
def test_working_time_adds_up(a: datetime, b: datetime, c: datetime, zone: str) -> None:
    start, middle, end = sorted((a, b, c))
    whole = working_time_between(start, end, zone)
    assert whole == working_time_between(start, middle, zone) + working_time_between(middle, end, zone)
    assert timedelta(0) <= whole <= end - start
