"""What members and facilitators ask of the nudges, and what they get back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.activity.model import WeekActivity
from bot.nudges.model import Goal, MemberWishes, Period, Prompt
from bot.tenancy import Scope

__all__ = ["AddPrompt", "ChangeWishes", "CommunityStatus", "ListPrompts", "MyStatus", "PromptBank", "RemovePrompt",
           "SetGoal", "ShowMine", "ShowStatus"]


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
