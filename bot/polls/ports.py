"""What the polls feature needs from storage. Every method takes the workspace id, like every repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.polls.model import Ballot, Poll, Results, Round
from bot.polls.templates import Template


@dataclass(frozen=True, slots=True)
class StoredBallot:
    """One member's ballot as stored: in the clear with the member's id for a named poll, sealed under a voter
    token for an anonymous one (`bot.polls.anonymity`)."""

    voter: str
    member_id: str | None = None
    ballot: Ballot | None = None
    sealed: bytes | None = None


# A count of one choice of one question; choice ANSWERED counts the members who answered the question at all.
ANSWERED = -1
CountKey = tuple[int, int]  # (question, choice)
RESPONDENTS: CountKey = (-1, -1)  # how many voters hold a ballot with an answer


class PollRepository(Protocol):
    """Polls, their ballots and their counts. One ballot per voter and poll is the database's own constraint;
    counts are kept beside the ballots (so reading them costs the same with ten answers or ten thousand) and hold
    no voter."""

    async def add_poll(self, poll: Poll, at: datetime) -> Poll:
        """Store a new poll (its `id` is ignored) and return it with its id."""
        ...

    async def get_poll(self, workspace_id: int, poll_id: int) -> Poll | None: ...

    async def polls_of(self, workspace_id: int, community_id: int, *, limit: int) -> list[Poll]:
        """The community's polls, open ones first (newest first), then the most recently closed; at most `limit`."""
        ...

    async def open_in_workspace(self, workspace_id: int, *, limit: int) -> list[Poll]:
        """The workspace's open polls in every community, newest first; at most `limit`."""
        ...

    async def to_remind(self) -> list[Poll]:
        """Open polls, in every workspace, with a closing time and a reminder before it."""
        ...

    async def lock_poll(self, poll: Poll) -> Poll:
        """`poll` as stored now, held until the unit ends (so that its questions change one change at a time)."""
        ...

    async def update_questions(self, poll: Poll) -> None:
        """Store `poll`'s questions (topics members added)."""
        ...

    async def due_to_close(self, now: datetime) -> list[Poll]:
        """Open polls whose closing time has come, in every workspace."""
        ...

    async def close_poll(self, poll: Poll, kept: Results | None) -> None:
        """Store `poll` as closed. With `kept` (an anonymous poll's results) they are stored with it and its ballots
        are deleted; without, its ballots stay."""
        ...

    async def ballot(self, workspace_id: int, poll_id: int, voter: str) -> StoredBallot | None:
        """The voter's ballot, read only."""
        ...

    async def lock_ballots(self, workspace_id: int, poll_id: int, voters: Sequence[str]) -> dict[str, StoredBallot]:
        """The ballots of those of `voters` who have one, held until the unit ends so that a voter's answers change
        one at a time (a voter without one yet holds a placeholder instead, which `put_ballots` or
        `remove_ballots` replaces). Held in voter order, so that two units holding some of the same never wait
        on each other."""
        ...

    async def put_ballots(self, workspace_id: int, poll_id: int, stored: Sequence[StoredBallot], at: datetime) -> None:
        """Store each ballot in place of its voter's (`at`: when, kept for a named ballot only)."""
        ...

    async def remove_ballots(self, workspace_id: int, poll_id: int, voters: Sequence[str]) -> None: ...

    async def add_counts(self, workspace_id: int, poll_id: int, changes: Mapping[CountKey, int]) -> None:
        """Add each change to its count, each in one statement (the counts never lose a concurrent change)."""
        ...

    async def counts(self, workspace_id: int, poll_id: int) -> dict[CountKey, int]: ...

    async def ballots(self, workspace_id: int, poll_id: int) -> Sequence[StoredBallot]: ...

    async def kept_results(self, workspace_id: int, poll_id: int) -> Results | None:
        """The results kept with a closed anonymous poll."""
        ...


class PollTemplateRepository(Protocol):
    """A community's own survey templates, by name (unique in the community)."""

    async def put_template(self, workspace_id: int, community_id: int, template: Template, at: datetime) -> bool:
        """Store `template`, replacing the community's template of that name; True when it replaced one."""
        ...

    async def template(self, workspace_id: int, community_id: int, name: str) -> Template | None: ...

    async def templates_of(self, workspace_id: int, community_id: int) -> list[Template]:
        """The community's templates by name."""
        ...

    async def remove_template(self, workspace_id: int, community_id: int, name: str) -> bool: ...


class RoundRepository(Protocol):
    """Polls asked again and again (`bot.polls.model.Round`), and the polls that are their rounds."""

    async def add_round(self, round_: Round, at: datetime) -> Round:
        """Store a new round (its `id` is ignored) and return it with its id."""
        ...

    async def get_round(self, workspace_id: int, round_id: int) -> Round | None: ...

    async def rounds_of(self, workspace_id: int, community_id: int) -> list[Round]:
        """The community's rounds, active ones first, newest first."""
        ...

    async def round_of_series(self, workspace_id: int, series_id: int) -> Round | None:
        """The active after-meeting round of a meeting series."""
        ...

    async def scheduled_rounds(self) -> list[Round]:
        """Every active round with a rhythm, in every workspace."""
        ...

    async def set_active(self, round_: Round, active: bool) -> None: ...

    async def round_poll(self, workspace_id: int, round_id: int, at: datetime) -> Poll | None:
        """The poll of the round that came at `at`, if it was asked."""
        ...

    async def round_polls(self, workspace_id: int, round_id: int) -> list[Poll]:
        """Every poll of a round, oldest first."""
        ...
