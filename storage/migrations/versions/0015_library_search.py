"""Searching the library: each item's stemmed words, and the index over them (FTS5 on SQLite, GIN on PostgreSQL).

The index is no model of its own (`storage.tables.SEARCH_INDEXES`): on SQLite it is the FTS5 table
`library_search` (rowid: the item's id), made only where SQLite has FTS5 (the library then searches without it);
on PostgreSQL a GIN index over `to_tsvector('simple', search_text)`, the words being stemmed already.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("library_item") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("library_item") as batch:
        batch.alter_column("search_text", server_default=None)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_library_item_search ON library_item "
                   "USING gin (to_tsvector('simple', search_text))")
        return
    # Without FTS5 in this SQLite, the library searches without an index.
    with contextlib.suppress(sa.exc.OperationalError):
        op.execute("CREATE VIRTUAL TABLE library_search USING fts5(words, tokenize = 'unicode61')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_library_item_search")
    else:
        op.execute("DROP TABLE IF EXISTS library_search")
    with op.batch_alter_table("library_item") as batch:
        batch.drop_column("search_text")
