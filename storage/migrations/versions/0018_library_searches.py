"""Searches kept for their next pages: a member's `/library search` or filtered `/library list` with more than one
page is kept as typed, so that its Next and Previous buttons (which carry only numbers) can run it again. Kept a
week (`storage.library.KEEP_SEARCHES`), then forgotten.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_kept_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("typed", sa.String(length=1000), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_library_kept_search_workspace_id_workspace"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_library_kept_search_community_id_community"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_kept_search")),
        sqlite_autoincrement=True,  # an id is never given again: an old button never runs a newer search
    )
    op.create_index(op.f("ix_library_kept_search_kept_at"), "library_kept_search", ["kept_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_library_kept_search_kept_at"), table_name="library_kept_search")
    op.drop_table("library_kept_search")
