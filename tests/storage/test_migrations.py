"""Migrations: the only way the schema changes, so they must agree with the models on every backend."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage.database import create_migration_engine
from storage.migrate import MIGRATIONS, alembic_config, current_revision, head_revision, is_at_head, upgrade
from storage.tables import is_model_object, metadata

REPOSITORY = Path(__file__).parents[2]
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_there_is_exactly_one_head() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD]
    assert HEAD is not None


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision() == HEAD


def test_only_a_database_at_the_head_is_at_the_head(unmigrated_database_url: str) -> None:
    assert not is_at_head(unmigrated_database_url)
    upgrade(unmigrated_database_url, "0001")
    assert not is_at_head(unmigrated_database_url)
    upgrade(unmigrated_database_url)
    assert is_at_head(unmigrated_database_url)


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_migration_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                  "include_object": is_model_object})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_the_migrated_schema_has_the_constraints_by_name(database_url: str) -> None:
    engine = create_migration_engine(database_url)
    try:
        with engine.connect() as connection:
            schema = inspect(connection)
            unique = {
                c["name"]
                for table in ("workspace", "community", "member")
                for c in schema.get_unique_constraints(table)
            }
            foreign = {
                fk["name"]: fk["options"].get("ondelete")
                for table in ("community", "member")
                for fk in schema.get_foreign_keys(table)
            }
            indexes = {index["name"] for index in schema.get_indexes("member")}
    finally:
        engine.dispose()
    assert {
        "uq_workspace_platform_external_id",
        "uq_community_workspace_id_channel_id",
        "uq_member_workspace_id_external_id",
    } <= unique
    assert foreign == {"fk_community_workspace_id_workspace": "CASCADE", "fk_member_workspace_id_workspace": "CASCADE"}
    assert "ix_member_workspace_id_role" in indexes


def test_upgrading_again_changes_nothing(database_url: str) -> None:
    assert current_revision(database_url) == HEAD
    upgrade(database_url)
    upgrade(database_url, "head")
    assert current_revision(database_url) == HEAD


def test_upgrade_creates_the_directory_of_a_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'hearth.db'}"
    upgrade(url)
    assert (tmp_path / "nested" / "dir" / "hearth.db").is_file()
    assert current_revision(url) == HEAD


async def test_upgrade_works_while_an_event_loop_runs(tmp_path: Path) -> None:
    in_thread = f"sqlite:///{tmp_path / 'thread.db'}"
    await asyncio.to_thread(upgrade, in_thread)
    assert current_revision(in_thread) == HEAD

    # Called straight from a coroutine it blocks the loop for a moment, but still works.
    direct = f"sqlite:///{tmp_path / 'direct.db'}"
    upgrade(direct)
    assert current_revision(direct) == HEAD


def test_upgrade_creates_the_schema_from_nothing(unmigrated_database_url: str) -> None:
    assert current_revision(unmigrated_database_url) is None
    upgrade(unmigrated_database_url)
    assert current_revision(unmigrated_database_url) == HEAD


async def test_upgrades_started_together_in_one_process_all_succeed(unmigrated_database_url: str) -> None:
    await asyncio.gather(*(asyncio.to_thread(upgrade, unmigrated_database_url) for _ in range(4)))
    assert current_revision(unmigrated_database_url) == HEAD


async def test_processes_upgrading_at_once_all_succeed(unmigrated_database_url: str) -> None:
    # Several bot processes starting together on one empty database: one migrates, the others wait and
    # then find it done (without the lock, they would fail creating tables that already exist).
    script = "import sys; from storage.migrate import upgrade; upgrade(sys.argv[1])"
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            script,
            unmigrated_database_url,
            cwd=REPOSITORY,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(4)
    ]
    errors = [(await process.communicate())[1].decode() for process in processes]
    assert errors == [""] * 4
    assert [process.returncode for process in processes] == [0] * 4
    assert current_revision(unmigrated_database_url) == HEAD


def test_the_migrations_are_found_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert MIGRATIONS.is_absolute()
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    upgrade(url)
    assert current_revision(url) == HEAD


def test_the_slack_tables_have_slack_sdks_own_shapes() -> None:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import MetaData, Table

    from storage.tables import slack_bots, slack_installations, slack_oauth_states

    theirs = MetaData()
    built = {
        "slack_installations": SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations"),
        "slack_bots": SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states"),
    }

    def shape(table: Table) -> tuple[object, ...]:
        columns = tuple((c.name, str(c.type), c.nullable, c.primary_key) for c in table.columns)
        indexes = sorted((i.name, tuple(c.name for c in i.columns)) for i in table.indexes)
        return columns, indexes

    for ours in (slack_installations, slack_bots, slack_oauth_states):
        assert shape(ours) == shape(built[ours.name])


def test_the_library_index_loses_the_rows_items_left_behind(tmp_path: Path) -> None:
    """Before 0022 an erased workspace's items stayed in SQLite's FTS5 table; the upgrade removes those rows, and
    from then on the table's row goes with its item."""
    url = f"sqlite:///{tmp_path / 'hearth.db'}"
    upgrade(url, "0021")
    with sqlite3.connect(tmp_path / "hearth.db") as connection:
        connection.execute("INSERT INTO library_search (rowid, words) VALUES (7, 'left behind')")
    upgrade(url)
    with sqlite3.connect(tmp_path / "hearth.db") as connection:
        assert connection.execute("SELECT count(*) FROM library_search").fetchone() == (0,)
        triggers = connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert ("library_item_unindexed",) in triggers


async def test_postgresql_searches_the_items_stored_vector(unmigrated_database_url: str) -> None:
    """From 0023 PostgreSQL's GIN index is on the items' stored `search_vector`: an item saved before the upgrade is
    found after it, and again after a downgrade to 0022 and another upgrade."""
    url = unmigrated_database_url
    if not url.startswith("postgresql"):
        pytest.skip("SQLite searches its FTS5 table: 0023 changes nothing there")
    from alembic import command

    from bot.clock import SimulatedClock
    from bot.library.requests import SaveLink, SearchItems
    from bot.library.service import LibraryService
    from commands.library.query import read_query
    from storage.database import create_engine_for
    from storage.unit_of_work import SqlUnitOfWorkFactory
    from tests.worlds import ACME, two_communities

    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    upgrade(url, "0022")
    engine = create_engine_for(url)
    try:
        factory = SqlUnitOfWorkFactory(engine)
        acme = await two_communities(factory, members=2, at=now)
        library = LibraryService(factory, SimulatedClock(now))
        await library.save_link(SaveLink(acme.members[0], "https://example.com/contracts",
                                         title="Data contracts in practice"))

        async def found() -> list[str]:
            page = await library.search(SearchItems(acme.ana, read_query("contract", ACME)))
            return [item.heading for item in page.items]

        def indexed() -> list[str]:
            migration = create_migration_engine(url)
            try:
                with migration.connect() as connection:
                    return [row[0] for row in connection.exec_driver_sql(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_library_item_search' "
                        "AND schemaname = current_schema()")]
            finally:
                migration.dispose()

        await asyncio.to_thread(upgrade, url)
        assert await found() == ["Data contracts in practice"]
        assert [definition.endswith("USING gin (search_vector)") for definition in indexed()] == [True]
        migration = create_migration_engine(url)
        try:
            with migration.begin() as connection:
                command.downgrade(alembic_config(connection), "0022")
        finally:
            migration.dispose()
        assert [definition.endswith("USING gin (to_tsvector('simple'::regconfig, search_text))")
                for definition in indexed()] == [True]
        await asyncio.to_thread(upgrade, url)
        assert await found() == ["Data contracts in practice"]
    finally:
        await engine.dispose()
