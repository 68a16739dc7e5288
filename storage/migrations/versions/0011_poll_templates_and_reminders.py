"""Communities' own survey templates, and a poll's reminder lead.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("poll") as batch:
        batch.add_column(sa.Column("remind_minutes", sa.Integer(), nullable=True))
    op.create_table(
        "poll_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_poll_template_community_id_community"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_poll_template_workspace_id_workspace"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_template")),
        sa.UniqueConstraint("community_id", "name", name=op.f("uq_poll_template_community_id_name")),
    )


def downgrade() -> None:
    op.drop_table("poll_template")
    with op.batch_alter_table("poll") as batch:
        batch.drop_column("remind_minutes")
