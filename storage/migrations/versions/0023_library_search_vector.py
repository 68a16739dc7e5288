"""On PostgreSQL the library's items keep their search vector: a stored generated column `search_vector`
(`to_tsvector('simple', search_text)`, the words being stemmed already) with the GIN index on it, in place of the
GIN index over the expression. Through the expression index PostgreSQL found the matches, but then computed
`to_tsvector` of each match's words again, to check it and to rank it: a common word's search spent most of its
time there.

SQLite searches its FTS5 table: nothing to do there.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE library_item ADD COLUMN search_vector tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED")
    op.execute("DROP INDEX IF EXISTS ix_library_item_search")
    op.execute("CREATE INDEX ix_library_item_search ON library_item USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_library_item_search")
    op.execute("ALTER TABLE library_item DROP COLUMN search_vector")
    op.execute("CREATE INDEX ix_library_item_search ON library_item USING gin (to_tsvector('simple', search_text))")
