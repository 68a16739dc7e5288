"""What members and facilitators ask of the nudges, and what they get back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.activity.model import WeekActivity
from bot.nudges.model import Goal, MemberWishes, NudgeRecord, Period, Prompt
from bot.nudges.planning import PlannedNudge
from bot.nudges.rules import RuleSettings
from bot.tenancy import Community, Scope

__all__ = ["AddPrompt", "ChangeRule", "ChangeWishes", "CommunityStatus", "ExplainNudge", "Explained", "ListPrompts",
           "MyStatus", "PlanRound", "PromptBank", "RemovePrompt", "RoundPlan", "RuleBook", "SetGoal", "SettleRound",
           "ShowMine", "ShowRules", "ShowStatus"]


@dataclass(frozen=True, slots=True)
class SetGoal:
    """Agree on the community's rhythm: `posts` messages each `period` (facilitators)."""

    scope: Scope
    posts: int
    period: Period


@dataclass(frozen=True, slots=True)
class ShowStatus:
    """The community's messages this week against its goal, and the weeks before (aggregates only)."""

    scope: Scope
    weeks: int = 8


@dataclass(frozen=True, slots=True)
class CommunityStatus:
    """`weeks` oldest first, this week last (counted so far)."""

    goal: Goal | None
    weeks: tuple[WeekActivity, ...]


@dataclass(frozen=True, slots=True)
class ShowMine:
    """The member's own wishes and numbers: their messages in the community each of the last `weeks` weeks."""

    scope: Scope
    weeks: int = 8


@dataclass(frozen=True, slots=True)
class MyStatus:
    wishes: MemberWishes
    weeks: tuple[tuple[datetime, int], ...]  # (Monday, the member's messages), oldest first


@dataclass(frozen=True, slots=True)
class ChangeWishes:
    """A member's own say: `every_days` their cadence, `off` (True: no personal nudges; False: again), `snooze_until`
    none before then. None leaves each as it is; `off=False` also ends a snooze, and a cadence or a snooze turns
    nudges on again."""

    scope: Scope
    every_days: int | None = None
    off: bool | None = None
    snooze_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AddPrompt:
    scope: Scope
    text: str


@dataclass(frozen=True, slots=True)
class ListPrompts:
    scope: Scope


@dataclass(frozen=True, slots=True)
class RemovePrompt:
    scope: Scope
    prompt_id: int


@dataclass(frozen=True, slots=True)
class PromptBank:
    prompts: tuple[Prompt, ...]


@dataclass(frozen=True, slots=True)
class ShowRules:
    """Every rule's settings in the community."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Each rule by name with its settings, and whether the community tuned it (else its kind's defaults)."""

    rules: tuple[tuple[str, RuleSettings, bool], ...]


@dataclass(frozen=True, slots=True)
class ChangeRule:
    """Tune one rule (facilitators): `on` turns it on or off, `days`, `after` (hours without an answer) and
    `working` (hours from, to) change what it waits for. None leaves each as it is; `reset` restores the kind's
    defaults."""

    scope: Scope
    rule: str
    on: bool | None = None
    days: int | None = None
    after: int | None = None
    working: tuple[int, int] | None = None
    reset: bool = False


@dataclass(frozen=True, slots=True)
class ExplainNudge:
    """Why a nudge came: one in the community's channel, or one sent to the member asking."""

    scope: Scope
    nudge_id: int


@dataclass(frozen=True, slots=True)
class Explained:
    record: NudgeRecord
    settings: RuleSettings


@dataclass(frozen=True, slots=True)
class PlanRound:
    """The community's round at `at` (the schedule's moment): what the rules say now, logged once; a round planned
    before (tried again) gives back those of its nudges not yet sent."""

    workspace_id: int
    community_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """None: the community is gone."""

    community: Community | None
    nudges: tuple[PlannedNudge, ...] = ()


@dataclass(frozen=True, slots=True)
class SettleRound:
    """What sending a round's nudges did: `sent` delivered, `closed` not deliverable (the member's DMs are closed,
    which is remembered)."""

    workspace_id: int
    sent: tuple[int, ...] = ()
    closed: tuple[int, ...] = ()
