"""The tables. Rows stay inside `storage/`; repositories turn them into the core's frozen dataclasses.

Every table that belongs to a tenant carries `workspace_id`, and deleting a workspace deletes its rows.
New tables subclass `HearthTable`, so that they share its metadata: the one Alembic compares with the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

__all__ = [
    "AcknowledgedRow",
    "ActivityRow",
    "CommunityRow",
    "DeliveryRow",
    "HearthTable",
    "MemberRow",
    "RecipientDeliveryRow",
    "SchedulerStateRow",
    "SeenEventRow",
    "UtcDateTime",
    "WorkspaceRow",
    "metadata",
]

# Constraint names derived from their columns: the same on SQLite and PostgreSQL, so that migrations can name
# a constraint to drop it and autogenerate comparisons are stable.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class HearthTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of Hearth's tables: its own metadata, so no other SQLModel table ends up in the migrations."""


class UtcDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and always read back time-zone aware.

    SQLite keeps no offset: it would store an aware datetime's wall clock as is and hand back a naive one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Hearth stores time-zone aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _moment() -> Any:
    return Field(sa_column=Column(UtcDateTime(), nullable=False))


def _workspace_id() -> Any:
    return Field(foreign_key="workspace.id", ondelete="CASCADE", nullable=False)


class WorkspaceRow(HearthTable, table=True):
    """A Slack team, Discord guild or console workspace."""

    __tablename__ = "workspace"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=255)
    created_at: datetime = _moment()
    # When the platform told us Hearth was removed; the data is erased after a grace period unless it returns.
    uninstalled_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class CommunityRow(HearthTable, table=True):
    """A channel served as a community of practice."""

    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    channel_id: str = Field(max_length=64)
    name: str = Field(max_length=255)
    goal: str = Field(max_length=2000)
    timezone: str = Field(max_length=64)
    language: str = Field(max_length=16)
    created_at: datetime = _moment()
    # What the community decided for itself (`bot.tenancy.COMMUNITY_SETTINGS`), by key.
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class MemberRow(HearthTable, table=True):
    """A person in a workspace; `timezone` and `language` are None when the community's apply."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index(None, "workspace_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    external_id: str = Field(max_length=64)
    display_name: str = Field(max_length=255)
    role: str = Field(max_length=16)
    timezone: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    preferences: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    joined_at: datetime = _moment()


class DeliveryRow(HearthTable, table=True):
    """One occurrence of a schedule in the delivery ledger; its unique key makes every delivery happen once."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("kind", "workspace_id", "subject", "occurrence_at"),
        Index(None, "state", "lease_until"),
        Index(None, "state", "next_attempt_at"),
        Index(None, "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    workspace_id: int = _workspace_id()
    subject: str = Field(max_length=128)
    occurrence_at: datetime = _moment()
    due_at: datetime = _moment()
    state: str = Field(max_length=16)
    attempts: int = Field(default=1)
    owner: str = Field(max_length=64)
    lease_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    next_attempt_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    detail: str = Field(default="", max_length=500)
    created_at: datetime = _moment()
    updated_at: datetime = _moment()


class SchedulerStateRow(HearthTable, table=True):
    """Named moments the scheduling engine keeps across restarts (the watermark)."""

    __tablename__ = "scheduler_state"

    name: str = Field(primary_key=True, max_length=32)
    at: datetime = _moment()


class RecipientDeliveryRow(HearthTable, table=True):
    """One recipient of an occurrence delivered to many, handled (sent, or failed for good): a retry of the
    occurrence skips it. Keyed by the occurrence's ledger key and the recipient."""

    __tablename__ = "recipient_delivery"
    __table_args__ = (
        # Named here: the name the convention derives from five columns is past PostgreSQL's 63 characters.
        UniqueConstraint("kind", "workspace_id", "subject", "occurrence_at", "recipient",
                         name="uq_recipient_delivery_occurrence_recipient"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    workspace_id: int = _workspace_id()
    subject: str = Field(max_length=128)
    occurrence_at: datetime = _moment()
    recipient: str = Field(max_length=128)
    state: str = Field(max_length=16)
    detail: str = Field(default="", max_length=500)
    updated_at: datetime = _moment()


class AcknowledgedRow(HearthTable, table=True):
    """A command, click or form the platform was told was received, until its work and answers are done.

    `owner` is the process working on it, which renews `lease_until` while it runs; once the lease has passed,
    the next start (or another process) takes it over. `payload` is the adapter's JSON, written with ASCII
    escapes only, so any text a member sent fits on both databases."""

    __tablename__ = "acknowledged_delivery"
    __table_args__ = (Index(None, "platform", "lease_until"), Index(None, "owner"))

    platform: str = Field(primary_key=True, max_length=16)
    delivery_key: str = Field(primary_key=True, max_length=128)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime = _moment()
    answer_until: datetime = _moment()
    owner: str = Field(max_length=64)
    lease_until: datetime = _moment()
    acknowledged: bool = Field(default=True)
    handled: bool = Field(default=False)
    attempts: int = Field(default=0)


class SeenEventRow(HearthTable, table=True):
    """A platform delivery id already received (Slack's event_id), kept a day to recognise retries."""

    __tablename__ = "seen_event"
    __table_args__ = (Index(None, "received_at"),)

    platform: str = Field(primary_key=True, max_length=16)
    event_id: str = Field(primary_key=True, max_length=128)
    received_at: datetime = _moment()


def _series_id() -> Any:
    return Field(foreign_key="meeting_series.id", ondelete="CASCADE", nullable=False)


class MeetingSeriesRow(HearthTable, table=True):
    """A recurring meeting of a community: its recurrence as RFC 5545 text (DTSTART with zone, RRULE, EXDATE)."""

    __tablename__ = "meeting_series"
    __table_args__ = (Index(None, "workspace_id", "community_id"), Index(None, "status"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    title: str = Field(max_length=200)
    recurrence: str = Field(max_length=8000)
    duration_minutes: int
    location: str = Field(default="", max_length=2000)  # a place or a link (`bot.text_limits.LINK`)
    description: str = Field(default="", max_length=2000)
    hosts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=16)
    reminder_minutes: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sequence: int = Field(default=0)
    uid: str = Field(max_length=100)
    created_at: datetime = _moment()
    updated_at: datetime = _moment()


class MeetingChangeRow(HearthTable, table=True):
    """One meeting of a series moved (`start`) or cancelled, keyed by where the rule places it."""

    __tablename__ = "meeting_change"

    series_id: int = Field(primary_key=True, foreign_key="meeting_series.id", ondelete="CASCADE")
    original: datetime = Field(sa_column=Column(UtcDateTime(), primary_key=True))
    start: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    cancelled: bool = Field(default=False)
    reason: str = Field(default="", max_length=500)
    sequence: int = Field(default=0)


class MeetingRsvpRow(HearthTable, table=True):
    """A member's answer for one meeting."""

    __tablename__ = "meeting_rsvp"

    series_id: int = Field(primary_key=True, foreign_key="meeting_series.id", ondelete="CASCADE")
    original: datetime = Field(sa_column=Column(UtcDateTime(), primary_key=True))
    member_id: str = Field(primary_key=True, max_length=64)
    answer: str = Field(max_length=8)
    updated_at: datetime = _moment()


class AgendaItemRow(HearthTable, table=True):
    """A topic a member proposed for one meeting."""

    __tablename__ = "meeting_agenda_item"
    __table_args__ = (Index(None, "series_id", "original"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = _series_id()
    original: datetime = _moment()
    author_id: str = Field(max_length=64)
    text: str = Field(max_length=300)
    created_at: datetime = _moment()


class AgendaVoteRow(HearthTable, table=True):
    """A member's upvote of an agenda item."""

    __tablename__ = "meeting_agenda_vote"

    item_id: int = Field(primary_key=True, foreign_key="meeting_agenda_item.id", ondelete="CASCADE")
    member_id: str = Field(primary_key=True, max_length=64)


class CalendarFeedRow(HearthTable, table=True):
    """A secret address of a calendar feed: a community's meetings, or the ones a member said they attend."""

    __tablename__ = "calendar_feed"
    __table_args__ = (Index(None, "workspace_id", "community_id"),)

    token: str = Field(primary_key=True, max_length=64)
    workspace_id: int = _workspace_id()
    community_id: int | None = Field(default=None, foreign_key="community.id", ondelete="CASCADE")
    member_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = _moment()
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class PlatformStateRow(HearthTable, table=True):
    """A named value a platform adapter keeps across restarts (the hash of the Discord commands last synced)."""

    __tablename__ = "platform_state"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=128)
    updated_at: datetime = _moment()


# Slack's OAuth installations, bots and install states, in the shapes slack_sdk's SQLAlchemy stores read and write
# (written out here so that a process without Slack never imports slack_sdk; a test compares them with slack_sdk's
# own builders). They live in Hearth's metadata so that migrations create them and the schema test covers them.
def _slack_token_columns() -> list[Column[Any]]:
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("client_id", String(32), nullable=False),
        Column("app_id", String(32), nullable=False),
        Column("enterprise_id", String(32)),
        Column("enterprise_name", String(200)),
    ]


def _slack_bot_columns() -> list[Column[Any]]:
    return [
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),
        Column("bot_token_expires_at", DateTime),
    ]


slack_installations = Table(
    "slack_installations", metadata,
    *_slack_token_columns(),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_slack_bot_columns(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)
slack_bots = Table(
    "slack_bots", metadata,
    *_slack_token_columns(),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_slack_bot_columns(),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)
slack_oauth_states = Table(
    "slack_oauth_states", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


class PollRow(HearthTable, table=True):
    """A poll of a community: its questions as JSON; an anonymous poll's results once it has closed."""

    __tablename__ = "poll"
    __table_args__ = (Index(None, "workspace_id", "community_id", "status"), Index(None, "status", "closes_at"),
                      UniqueConstraint("round_id", "round_at"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    author_id: str = Field(max_length=64)
    title: str = Field(default="", max_length=300)
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    anonymous: bool = Field(default=False)
    results_shown: str = Field(max_length=16)
    status: str = Field(max_length=16)
    created_at: datetime = _moment()
    closes_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    kept_results: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    remind_minutes: int | None = Field(default=None)  # the DM to members who have not answered, before closing
    template: str = Field(default="", max_length=40)  # the template a survey was asked from
    round_id: int | None = Field(default=None, foreign_key="poll_round.id", ondelete="SET NULL")
    round_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class PollBallotRow(HearthTable, table=True):
    """One voter's ballot: in the clear with the member's id (a named poll), or sealed under a voter token that
    only the poll key links to a member (an anonymous poll: no member id, no time)."""

    __tablename__ = "poll_ballot"

    poll_id: int = Field(primary_key=True, foreign_key="poll.id", ondelete="CASCADE")
    voter: str = Field(primary_key=True, max_length=64)
    member_id: str | None = Field(default=None, max_length=64)
    answers: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    updated_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class PollCountRow(HearthTable, table=True):
    """How many ballots hold one choice of one question (choice -1: how many answered it)."""

    __tablename__ = "poll_count"

    poll_id: int = Field(primary_key=True, foreign_key="poll.id", ondelete="CASCADE")
    question: int = Field(primary_key=True)
    choice: int = Field(primary_key=True)
    count: int = Field(default=0)


class PollTemplateRow(HearthTable, table=True):
    """A community's own survey template: its name and its questions, as the spec a facilitator gave, checked."""

    __tablename__ = "poll_template"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    name: str = Field(max_length=40)
    title: str = Field(max_length=300)
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    author_id: str = Field(max_length=64)
    created_at: datetime = _moment()
    about: str = Field(default="", max_length=300)
    anonymous: bool = Field(default=False)
    results_shown: str = Field(default="live", max_length=16)
    spec: str = Field(default="", sa_column=Column(Text, nullable=False))



class PollRoundRow(HearthTable, table=True):
    """A poll asked again and again: on a rhythm (`recurrence`, RFC 5545 text) or after each meeting of a series."""

    __tablename__ = "poll_round"
    __table_args__ = (Index(None, "workspace_id", "community_id"), Index(None, "series_id"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    author_id: str = Field(max_length=64)
    title: str = Field(max_length=300)
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    template: str = Field(default="", max_length=40)
    anonymous: bool = Field(default=False)
    results_shown: str = Field(max_length=16)
    recurrence: str | None = Field(default=None, max_length=8000)
    series_id: int | None = Field(default=None, foreign_key="meeting_series.id", ondelete="CASCADE")
    direct: bool = Field(default=False)
    closes_minutes: int | None = Field(default=None)
    active: bool = Field(default=True)
    created_at: datetime = _moment()


class LibraryItemRow(HearthTable, table=True):
    """A link or an idea in a community's library; `key_hash` (SHA-256 of its normalised address or words) is
    unique in the community, so the same page is kept once."""

    __tablename__ = "library_item"
    __table_args__ = (UniqueConstraint("community_id", "key_hash"), Index(None, "workspace_id", "community_id",
                                                                         "saved_at"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    kind: str = Field(max_length=8)
    url: str = Field(default="", max_length=2000)
    key_hash: str = Field(max_length=64)
    title: str = Field(default="", max_length=300)
    text: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=1000)
    saved_by: str = Field(max_length=64)
    saved_at: datetime = _moment()
    source: str = Field(default="", max_length=2000)
    saves: int = Field(default=1)
    # The item's words, stemmed (`bot.library.words`), space before and after each, and then its page's: what
    # search reads.
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    description: str = Field(default="", max_length=1000)  # what the page says of itself
    page_words: str = Field(default="", sa_column=Column(Text, nullable=False))  # the page's text, stemmed
    # "wait" (to be fetched), "done", "failed", "off" (fetching was off in the community), "" (an idea)
    fetch_state: str = Field(default="", max_length=8, index=True)
    fetched_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class LibraryTagRow(HearthTable, table=True):
    """One tag of one library item (the community's id beside it, for the counts of `/library tags`)."""

    __tablename__ = "library_tag"
    __table_args__ = (Index(None, "community_id", "tag"),)

    item_id: int = Field(foreign_key="library_item.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(max_length=50, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    position: int = Field(default=0)  # the order the tags were given in


class LibrarySaveRow(HearthTable, table=True):
    """A member's save of a library item: one per member and item (the first save, and each +1)."""

    __tablename__ = "library_save"

    item_id: int = Field(foreign_key="library_item.id", ondelete="CASCADE", primary_key=True)
    member_id: str = Field(max_length=64, primary_key=True)
    saved_at: datetime = _moment()


class LibraryPageRow(HearthTable, table=True):
    """A secret address of a community's library page on the web (`/library page`): the token is the credential.
    A revoked address stays, answering nothing, so that it is never made again."""

    __tablename__ = "library_page"
    __table_args__ = (Index(None, "workspace_id", "community_id"),)

    token: str = Field(primary_key=True, max_length=64)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    created_at: datetime = _moment()
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class LibraryKeptSearchRow(HearthTable, table=True):
    """A member's search (as typed) kept for a week, so that the buttons of its pages can run it again."""

    __tablename__ = "library_kept_search"
    __table_args__ = {"sqlite_autoincrement": True}  # an id is never given again: an old button never runs a newer one

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    typed: str = Field(max_length=1000)
    kept_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))


# The library's search index is no model (storage/migrations/versions/0015_library_search.py): FTS5's table and
# its shadow tables on SQLite; on PostgreSQL the items' generated column of search vectors and its GIN index (0023).
SEARCH_INDEXES = ("library_search", "ix_library_item_search", "search_vector")


def is_model_object(item: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's `include_object`: everything but the search index, which no model describes."""
    return not (name or "").startswith(SEARCH_INDEXES)


class ActivityRow(HearthTable, table=True):
    """A member's message or reaction in a community's channel (`bot.activity.model.Activity`): ids, a moment and
    two yes/no answers, never any text. Erased with its workspace, community or member."""

    __tablename__ = "activity"
    __table_args__ = (
        Index(None, "workspace_id", "community_id", "at"),
        Index(None, "workspace_id", "community_id", "member_id", "at"),
        Index(None, "workspace_id", "channel_id", "thread_id"),
        Index(None, "workspace_id", "channel_id", "message_id"),
    )

    # 64 bits on PostgreSQL (a busy deployment passes 2**31 rows in a few years, purged or not); SQLite's rowid.
    id: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"),
                                                          primary_key=True))
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", nullable=False)
    channel_id: str = Field(max_length=64)
    at: datetime = _moment()
    kind: str = Field(max_length=8)  # post, reply, reaction
    message_id: str = Field(max_length=64)  # a reaction: the message reacted to
    thread_id: str | None = Field(default=None, max_length=64)  # a reply: its thread's first message
    is_question: bool = Field(default=False)
    has_links: bool = Field(default=False)


class NudgeGoalRow(HearthTable, table=True):
    """A community's agreed rhythm: `posts` messages each `period` (week or month)."""

    __tablename__ = "nudge_goal"

    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", primary_key=True)
    workspace_id: int = _workspace_id()
    posts: int
    period: str = Field(max_length=8)
    changed_at: datetime = _moment()


class NudgeWishesRow(HearthTable, table=True):
    """A member's own say over personal nudges (`bot.nudges.model.MemberWishes`)."""

    __tablename__ = "nudge_wishes"

    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", primary_key=True)
    workspace_id: int = _workspace_id()
    every_days: int | None = Field(default=None)
    off: bool = Field(default=False)
    snoozed_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    ignored: int = Field(default=0)
    # When a DM to the member could not be delivered (DMs closed): no personal nudge is tried again for a while.
    dm_closed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    changed_at: datetime = _moment()


class NudgePromptRow(HearthTable, table=True):
    """A discussion prompt of a community's bank: one of Hearth's by `key`, or the community's own `text`; one set
    aside keeps its row (`set_aside_at`), so that one of Hearth's is never added again."""

    __tablename__ = "nudge_prompt"
    __table_args__ = (Index(None, "workspace_id", "community_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    key: str = Field(default="", max_length=40)
    text: str = Field(default="", max_length=300)
    added_by: str = Field(default="", max_length=64)
    added_at: datetime = _moment()
    set_aside_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class NudgeRuleRow(HearthTable, table=True):
    """A rule's settings as a community's facilitators tuned them (`bot.nudges.rules.RuleSettings`); a rule without
    a row has its kind's defaults."""

    __tablename__ = "nudge_rule"

    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", primary_key=True)
    rule: str = Field(primary_key=True, max_length=20)
    workspace_id: int = _workspace_id()
    on: bool
    days: int
    hours: int
    work_from: int
    work_to: int
    changed_at: datetime = _moment()


class NudgeLogRow(HearthTable, table=True):
    """A nudge Hearth planned and (`state`) sent, could not deliver, saw answered or ignored: its rule and the facts
    it fired on, so that `/nudge why` explains it. `member_id` is the member a personal nudge went to (None for a
    channel's); `subject` what it is about (the question surfaced, the prompt posted, the week below rhythm), and
    `pointer` what a personal nudge pointed at. Ids and numbers only, never a member's words."""

    __tablename__ = "nudge_log"
    __table_args__ = (
        Index(None, "workspace_id", "community_id", "round_at"),
        Index(None, "workspace_id", "community_id", "rule", "subject"),
        Index(None, "workspace_id", "member_id", "planned_at"),
        {"sqlite_autoincrement": True},  # an id is never given again: `/nudge why` never explains another nudge
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = _workspace_id()
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE", nullable=False)
    rule: str = Field(max_length=20)
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE")
    subject: str = Field(default="", max_length=140)
    pointer: str = Field(default="", max_length=140)
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=12)
    round_at: datetime = _moment()
    planned_at: datetime = _moment()
    settled_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
