"""What the library's items' pages say of themselves, fetched in the background: a description, the stems of the
page's text (searched with the item's own words), and where each item's fetch stands.

`fetch_state`: "wait" (to be fetched), "done", "failed", "off" (the community turned fetching off when the item
was saved), "" (an idea: nothing to fetch). Items saved before this revision wait to be fetched.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("library_item") as batch:
        batch.add_column(sa.Column("description", sa.String(length=1000), nullable=False, server_default=""))
        batch.add_column(sa.Column("page_words", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("fetch_state", sa.String(length=8), nullable=False, server_default=""))
        batch.add_column(sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE library_item SET fetch_state = 'wait' WHERE kind = 'link'")
    with op.batch_alter_table("library_item") as batch:
        batch.alter_column("description", server_default=None)
        batch.alter_column("page_words", server_default=None)
        batch.alter_column("fetch_state", server_default=None)
        batch.create_index(batch.f("ix_library_item_fetch_state"), ["fetch_state"])


def downgrade() -> None:
    with op.batch_alter_table("library_item") as batch:
        batch.drop_index(batch.f("ix_library_item_fetch_state"))
        batch.drop_column("fetched_at")
        batch.drop_column("fetch_state")
        batch.drop_column("page_words")
        batch.drop_column("description")
