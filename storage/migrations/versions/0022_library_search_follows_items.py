"""The FTS5 search table follows the library's items on SQLite: a trigger removes an item's row from
`library_search` whenever the item goes, however it goes (removed by a member, or with its community or workspace
through their foreign keys), and the rows items left behind before it are removed now. A row left behind matched
searches of an item that no longer existed and, once SQLite gave its id to a new item, refused that item's words.

PostgreSQL indexes the items' own column: nothing to do there.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has_index() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    return bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'library_search'").first() is not None


def upgrade() -> None:
    if not _has_index():
        return
    op.execute("DELETE FROM library_search WHERE rowid NOT IN (SELECT id FROM library_item)")
    op.execute("CREATE TRIGGER library_item_unindexed AFTER DELETE ON library_item "
               "BEGIN DELETE FROM library_search WHERE rowid = old.id; END")


def downgrade() -> None:
    if _has_index():
        op.execute("DROP TRIGGER IF EXISTS library_item_unindexed")
