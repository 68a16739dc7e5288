"""The ports the core depends on. Adapters and storage implement them; tests pass fakes.

Every repository method takes the workspace id: no query can cross from one tenant into another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from bot.activity.ports import ActivityRepository
from bot.i18n import Translator
from bot.library.ports import LibraryRepository
from bot.meetings.ports import MeetingRepository
from bot.messages import Form, Message
from bot.nudges.ports import NudgeRepository
from bot.polls.ports import PollRepository, PollTemplateRepository, RoundRepository
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from bot.scheduling.model import Schedule
from bot.tenancy import Community, Member, Role, Workspace

__all__ = [
    "Clock",
    "CommunityRepository",
    "Directory",
    "InboundLog",
    "MemberRepository",
    "Messenger",
    "ReadOnlyUnit",
    "Resolved",
    "Responder",
    "Scheduler",
    "Translator",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "WorkspaceRepository",
]


class Clock(Protocol):
    """The current time. Always time-zone aware, in UTC."""

    def now(self) -> datetime: ...


class Messenger(Protocol):
    """Posts Hearth's messages on a platform.

    Each call raises `DeliveryError` when the platform refuses for good (channel gone, bot removed); transient
    failures are retried by the adapter before that.
    """

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        """Post `message` in `channel` (in `message.thread` when set) and return where it landed."""
        ...

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        """Send `message` to `member` in a direct conversation."""
        ...

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        """Show `message` in `channel` to `member` only."""
        ...

    async def update(self, ref: MessageRef, message: Message) -> None:
        """Replace the content of a message Hearth posted earlier."""
        ...


ROSTER_MOST = 5000  # members a channel's roster is read to (poll reminders), on every platform


@runtime_checkable
class Roster(Protocol):
    """Who is in a channel, as the platform says: a messenger that can tell implements this (reminders to the
    members who have not answered a poll go to the channel's members)."""

    async def channel_members(self, channel: ChannelRef) -> list[MemberRef]:
        """The people (no bots) who can read `channel`, at most `ROSTER_MOST`; raises `DeliveryError` when the
        platform will not say."""
        ...


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A member's message as the platform shows it, read because a member asked to act on it: its text in
    Hearth's neutral form and a permalink to it ("" when the platform gives none)."""

    text: str
    permalink: str = ""


@runtime_checkable
class MessageReader(Protocol):
    """Reads one message a member chose (saving it to the library by a reaction): a messenger that can implements
    this."""

    async def read_message(self, message: MessageRef) -> ChatMessage | None:
        """The message, or None when it is gone or the platform will not let Hearth read it."""
        ...

    async def permalink(self, message: MessageRef) -> str:
        """A link to the message in the platform's app ("" when there is none)."""
        ...


class InboundLog(Protocol):
    """Platform deliveries already received, so that one redelivered (a retry) is handled once."""

    async def first_time(self, platform: str, delivery_id: str, at: datetime) -> bool:
        """Record `delivery_id`; True the first time it is seen, False for every repeat."""
        ...


class Scheduler(Protocol):
    """The scheduling engine, as features see it."""

    async def refresh(self, kind: str, workspace_id: int, subject: str) -> None:
        """Re-read one schedule after it was created, changed or ended, so the change takes effect at once."""
        ...

    async def place(self, kind: str, workspace_id: int, subjects: Sequence[str],
                    schedules: Sequence[Schedule]) -> None:
        """After a feature changed something: `schedules` are now all there is of `subjects` in `kind` (a subject
        without one is forgotten). The same as refreshing each subject, without reading them again."""
        ...


class Responder(Protocol):
    """A reply already bound to the place an event came from (the interaction, the channel, the member)."""

    async def respond(self, message: Message) -> MessageRef | None:
        """Answer: privately to the member when `message.ephemeral`, otherwise in the channel."""
        ...

    async def open_form(self, form: Form) -> None:
        """Open a form for the member who caused the event."""
        ...


class WorkspaceRepository(Protocol):
    """The workspaces Hearth is installed in."""

    async def get(self, ref: WorkspaceRef) -> Workspace | None:
        """The workspace with this platform reference, if Hearth knows it."""
        ...

    async def add(self, ref: WorkspaceRef, name: str, at: datetime) -> Workspace:
        """Record a new workspace; raises `AlreadyExists` if the platform reference is known already."""
        ...

    async def rename(self, workspace_id: int, name: str) -> None:
        """Store the workspace's new name; raises `LookupError` for an unknown workspace."""
        ...

    async def get_by_id(self, workspace_id: int) -> Workspace | None: ...

    async def set_removed(self, workspace_id: int, at: datetime | None) -> None:
        """Record when the platform removed Hearth (None: it is back); `LookupError` for an unknown workspace."""
        ...

    async def removed(self) -> list[Workspace]:
        """Every workspace waiting to be erased. Cross-tenant: for the erasure schedule only."""
        ...

    async def on_platform(self, platform: Platform) -> list[Workspace]:
        """Every workspace of `platform`, removed or not. Cross-tenant: for an adapter comparing what the platform
        says Hearth is installed in with what Hearth knows."""
        ...

    async def delete(self, workspace_id: int) -> None:
        """Erase the workspace and everything that belongs to it."""
        ...


class CommunityRepository(Protocol):
    """The communities (channels) of one workspace at a time."""

    async def get(self, workspace_id: int, community_id: int) -> Community | None:
        """The community with this id, if it belongs to `workspace_id`."""
        ...

    async def get_by_channel(self, workspace_id: int, channel: ChannelRef) -> Community | None:
        """The community served in `channel`, if any."""
        ...

    async def list(self, workspace_id: int) -> list[Community]:
        """The workspace's communities, oldest first."""
        ...

    async def add(
        self,
        workspace_id: int,
        channel: ChannelRef,
        *,
        name: str,
        goal: str,
        timezone: str,
        language: str,
        at: datetime,
    ) -> Community:
        """Record a new community; raises `AlreadyExists` if the channel already is one."""
        ...

    async def update(self, community: Community) -> None:
        """Store changed name, goal, time zone or language; `LookupError` if it is not in its workspace."""
        ...


class MemberRepository(Protocol):
    """The members of one workspace at a time."""

    async def get(self, workspace_id: int, ref: MemberRef) -> Member | None:
        """The member with this platform reference in `workspace_id`, if Hearth has seen them."""
        ...

    async def add(
        self, workspace_id: int, ref: MemberRef, *, display_name: str, role: Role, at: datetime
    ) -> Member:
        """Record a member seen for the first time; raises `AlreadyExists` if they are recorded already."""
        ...

    async def update(self, member: Member) -> None:
        """Store changed display name, role, time zone, language or preferences; `LookupError` if unknown."""
        ...

    async def with_role(self, workspace_id: int, role: Role) -> list[Member]:
        """Members holding `role`, by display name."""
        ...

    async def get_many(self, workspace_id: int, refs: Sequence[MemberRef]) -> dict[MemberRef, Member]:
        """Those of `refs` Hearth has seen in `workspace_id`, in one query; the others are missing from the result."""
        ...

    async def by_ids(self, workspace_id: int, ids: Sequence[int]) -> dict[int, Member]:
        """Those of `ids` that are members of `workspace_id`, by id."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the repositories: `commit` keeps the changes, leaving without it rolls back.

    Keep units short and never wait on a platform inside one: on SQLite a unit holds the database's write lock
    from its first statement (so that concurrent writers queue instead of failing), and one task must not open a
    second unit while its first is still open. A read-only unit (see `UnitOfWorkFactory`) holds no lock and
    raises `ReadOnlyUnit` on any write.
    """

    workspaces: WorkspaceRepository
    communities: CommunityRepository
    members: MemberRepository
    meetings: MeetingRepository
    polls: PollRepository
    poll_templates: PollTemplateRepository
    poll_rounds: RoundRepository
    library: LibraryRepository
    activity: ActivityRepository
    nudges: NudgeRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Resolved:
    """Who and where an event is, as far as Hearth knows them: None for what it has not recorded (yet)."""

    workspace: Workspace | None
    member: Member | None
    community: Community | None


class Directory(Protocol):
    """Workspaces, members and communities as last committed, for the middleware to resolve every event with.

    Served from a per-process cache; what it does not hold is read in one read-only unit of work. Every unit that
    changes a workspace, member or community drops its entries when it commits, in this process and (on
    PostgreSQL) in every other one, so no process keeps serving what another changed.
    """

    async def resolve(self, workspace: WorkspaceRef, member: MemberRef | None = None,
                      channel: ChannelRef | None = None) -> Resolved:
        """The workspace of `workspace`, the member of `member` in it and the community served in `channel`.

        Reads only: recording a workspace or member seen for the first time takes a unit of work as ever.
        """
        ...


class UnitOfWorkFactory(Protocol):
    """Opens units of work, and holds the directory (`Directory`) that resolves events without one.

    `factory()` opens a unit that may write: on SQLite it waits for the process's writer turn and holds the
    database's write lock from its first statement to its end. `factory(read_only=True)` opens a unit that only
    reads: it takes no writer turn and no write lock (a deferred transaction: one consistent snapshot of the
    database), runs alongside writers and other readers, and raises `ReadOnlyUnit` at the first write it is asked
    for (an insert, update or delete), before anything reaches the database. Use it for work that shows
    and never changes; a unit that reads and then may write must not be read-only.
    """

    @property
    def directory(self) -> Directory: ...

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


class ReadOnlyUnit(Exception):
    """A read-only unit of work was asked to write."""


class AlreadyExists(Exception):
    """A repository refused to add a row that would duplicate a unique one."""


class DeliveryError(Exception):
    """A platform refused a message for good."""
