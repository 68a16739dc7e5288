"""The community library: items (links and ideas), their tags and their saves.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("saved_by", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("saves", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_library_item_community_id_community"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_library_item_workspace_id_workspace"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_item")),
        sa.UniqueConstraint("community_id", "key_hash", name=op.f("uq_library_item_community_id_key_hash")),
    )
    op.create_index(op.f("ix_library_item_workspace_id_community_id_saved_at"), "library_item",
                    ["workspace_id", "community_id", "saved_at"])
    op.create_table(
        "library_tag",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_library_tag_community_id_community"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["library_item.id"], name=op.f("fk_library_tag_item_id_library_item"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "tag", name=op.f("pk_library_tag")),
    )
    op.create_index(op.f("ix_library_tag_community_id_tag"), "library_tag", ["community_id", "tag"])
    op.create_table(
        "library_save",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["library_item.id"],
                                name=op.f("fk_library_save_item_id_library_item"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "member_id", name=op.f("pk_library_save")),
    )


def downgrade() -> None:
    op.drop_table("library_save")
    op.drop_table("library_tag")
    op.drop_index(op.f("ix_library_item_workspace_id_community_id_saved_at"), table_name="library_item")
    op.drop_table("library_item")
