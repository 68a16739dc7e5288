"""The activity record end to end: what members do in a community's channel becomes metadata rows, through the
console and over Slack's real protocol, and no word a member wrote is stored anywhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.console.session import ConsoleSession
from bot.activity.model import ActivityKind
from storage.database import create_migration_engine
from storage.tables import ActivityRow, metadata
from tests.console_harness import community_script, transcript
from tests.slack.slack_harness import slack_world

ACTIVITY = ActivityRow.__table__  # type: ignore[attr-defined]
# Words no code, catalog or fixture of Hearth holds: wherever they turn up in the database, they came from a member.
SECRET = "quokkaferry"
SECRET_LINE = f"Does the {SECRET} Wintermoth ledger balance?"


def posted_by(session: ConsoleSession, author: str, words: str) -> str:
    return next(ident for ident, posted in session.workspace.messages.items()
                if posted.author == author and words in posted.text)


async def activity_rows(engine: AsyncEngine) -> list[tuple[str, str, str, str | None, bool, bool, datetime]]:
    """(member's platform id, kind, message id, thread id, question, links, at), in the order written."""
    from storage.tables import MemberRow

    members = MemberRow.__table__  # type: ignore[attr-defined]
    statement = select(members.c.external_id, ACTIVITY.c.kind, ACTIVITY.c.message_id, ACTIVITY.c.thread_id,
                       ACTIVITY.c.is_question, ACTIVITY.c.has_links, ACTIVITY.c.at).join(
        members, members.c.id == ACTIVITY.c.member_id).order_by(ACTIVITY.c.id)
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(statement)).all()]  # type: ignore[misc]


async def test_posts_replies_and_reactions_in_a_community_are_recorded_line_by_line(database_url: str) -> None:
    async with transcript(database_url) as t:
        await t.run(community_script())
        await t.run(f"say {SECRET_LINE}")
        asked = posted_by(t.session, "ana", SECRET)
        # Written before the next line runs: the console writes the record out after each event.
        assert [row[:6] for row in await activity_rows(t.hearth.database)] == [
            ("ana", ActivityKind.POST, asked, None, True, False)]
        await t.run(f"""
as ben
reply {asked} Yes, see https://example.org/ledger for how
react {asked} 👍
in #random
say Nothing here is recorded: #random is no community.
""")
        answer = posted_by(t.session, "ben", "example.org")
        rows = await activity_rows(t.hearth.database)
    assert [row[:6] for row in rows] == [
        ("ana", ActivityKind.POST, asked, None, True, False),
        ("ben", ActivityKind.REPLY, answer, asked, False, True),
        ("ben", ActivityKind.REACTION, asked, None, False, False),
    ]
    assert rows[0][6] == datetime.fromisoformat("2026-12-02T08:00:00+00:00")  # 09:00 in Brussels


async def test_erasing_a_workspace_erases_its_activity_record(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script() + "say Hello all\n")
        async with t.hearth.uow() as uow:
            workspace = await uow.workspaces.get(t.session.workspace.ref)
            assert workspace is not None and await uow.activity.workspaces() == [workspace.id]
            await uow.workspaces.delete(workspace.id)
            await uow.commit()
        assert await activity_rows(t.hearth.database) == []


def test_no_column_of_the_activity_table_can_hold_text(database_url: str) -> None:
    engine = create_migration_engine(database_url)
    try:
        with engine.connect() as connection:
            columns = inspect(connection).get_columns("activity")  # as migrated, on this backend
    finally:
        engine.dispose()
    for column in columns:
        kind = column["type"]
        if isinstance(kind, String):  # Text and every character type
            assert kind.length is not None and kind.length <= 64, column["name"]  # an id or the kind: no text
        else:
            assert isinstance(kind, Integer | Boolean | DateTime), column["name"]
    names = {column["name"] for column in columns}
    assert len(names) == 11 and not names & {"text", "content", "body", "emoji", "links", "title"}


def database_holds(database_url: str, *needles: str) -> list[str]:
    """Where in the database (every table, every column, as text) any of `needles` appears, case-insensitively."""
    engine = create_migration_engine(database_url)
    found = []
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            assert {table.name for table in metadata.sorted_tables} <= set(tables)
            for table in tables:
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    for name, value in row._mapping.items():
                        shown = value.decode("utf-8", "ignore") if isinstance(value, bytes) else str(value)
                        if any(needle.casefold() in shown.casefold() for needle in needles):
                            found.append(f"{table}.{name}")
    finally:
        engine.dispose()
    return found


async def test_no_word_a_member_wrote_is_stored_from_the_console(database_url: str) -> None:
    async with transcript(database_url) as t:
        await t.run(community_script() + f"say {SECRET_LINE}\n")
        asked = posted_by(t.session, "ana", SECRET)
        await t.run(f"""
as ben
reply {asked} The Wintermoth {SECRET} ledger is at https://example.org/{SECRET}
react {asked} 👀
""")
        rows = await activity_rows(t.hearth.database)
    assert len(rows) == 3  # recorded, as metadata
    assert database_holds(database_url, SECRET, "Wintermoth") == []
    assert "community.name" in database_holds(database_url, "Data CoP")  # the scan does find what is stored


async def test_no_word_a_member_wrote_is_stored_from_slack(database_url: str) -> None:
    async with slack_world(database_url) as world:
        await world.command("setup --name Data")
        await world.drain()
        await world.event({"type": "message", "channel": "C0DATA", "user": "U0BEN", "text": SECRET_LINE,
                           "ts": "1774598400.000100", "channel_type": "channel"}, "EvSecret1")
        await world.event({"type": "message", "channel": "C0DATA", "user": "U0ANA",
                           "text": f"<https://example.org/{SECRET}|the Wintermoth ledger>",
                           "ts": "1774598500.000300", "thread_ts": "1774598400.000100"}, "EvSecret2")
        await world.event({"type": "reaction_added", "user": "U0ANA", "reaction": "eyes",
                           "item": {"type": "message", "channel": "C0DATA", "ts": "1774598400.000100"},
                           "event_ts": "1774598460.000200"}, "EvSecret3")
        await world.drain()
        await world.hearth.activity.flush()
        rows = await activity_rows(world.hearth.database)
        assert sorted(row[:6] for row in rows) == [
            ("U0ANA", ActivityKind.REACTION, "1774598400.000100", None, False, False),
            ("U0ANA", ActivityKind.REPLY, "1774598500.000300", "1774598400.000100", False, True),
            ("U0BEN", ActivityKind.POST, "1774598400.000100", None, True, False),
        ]
        assert database_holds(database_url, SECRET, "Wintermoth") == []
        assert "member.display_name" in database_holds(database_url, "ben")


def test_a_message_id_longer_than_hearth_keeps_is_not_recorded() -> None:
    from bot.activity.recorder import activity_of
    from bot.events import Actor, MessagePosted, ReactionAdded
    from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
    from bot.tenancy import Community, Member, Role

    ws = WorkspaceRef(Platform.SLACK, "T0")
    channel = ChannelRef(ws, "C0")
    community = Community(3, 1, channel, "Data", "", "UTC", "en", datetime.fromisoformat("2026-01-01T00:00+00:00"))
    member = Member(7, 1, MemberRef(ws, "U0"), "ana", Role.MEMBER)
    actor = Actor(member.ref, "ana")
    at = datetime.fromisoformat("2026-03-02T09:00+01:00")
    long_ref = MessageRef(channel, "9" * 65)
    ok = MessageRef(channel, "1774598400.000100")
    assert activity_of(MessagePosted(actor, channel, at, long_ref), community, member) is None
    assert activity_of(MessagePosted(actor, channel, at, ok, thread=long_ref), community, member) is None
    assert activity_of(ReactionAdded(actor, channel, at, long_ref, "eyes"), community, member) is None
    row = activity_of(MessagePosted(actor, channel, at, ok, thread=ok, links=("https://example.org",)),
                      community, member)
    assert row is not None and (row.kind, row.thread_id, row.has_links, row.at.tzinfo) == (
        ActivityKind.REPLY, ok.id, True, datetime.fromisoformat("2026-03-02T08:00+00:00").tzinfo)
    assert (row.workspace_id, row.community_id, row.member_id, row.at.hour) == (1, 3, 7, 8)


async def test_a_message_outside_every_community_records_nobody(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-12-03T09:00"))
        await t.run("as stranger\nin #random\nsay Hello anyone?")
        async with t.hearth.uow(read_only=True) as uow:
            workspace = await uow.workspaces.get(t.session.workspace.ref)
            assert workspace is not None
            assert await uow.members.get(workspace.id, t.session.workspace.member("stranger").member) is None
