"""The nudges' own records: each community's agreed rhythm, each member's wishes, and the prompt banks.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _workspace(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name=op.f(f"fk_{table}_workspace_id_workspace"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "nudge_goal",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"], name=op.f("fk_nudge_goal_community_id_community"),
                                ondelete="CASCADE"),
        _workspace("nudge_goal"),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_nudge_goal")),
    )
    op.create_table(
        "nudge_wishes",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=True),
        sa.Column("off", sa.Boolean(), nullable=False),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ignored", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_nudge_wishes_member_id_member"),
                                ondelete="CASCADE"),
        _workspace("nudge_wishes"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_nudge_wishes")),
    )
    op.create_table(
        "nudge_prompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_aside_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_nudge_prompt_community_id_community"), ondelete="CASCADE"),
        _workspace("nudge_prompt"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_prompt")),
    )
    op.create_index(op.f("ix_nudge_prompt_workspace_id_community_id"), "nudge_prompt",
                    ["workspace_id", "community_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_nudge_prompt_workspace_id_community_id"), table_name="nudge_prompt")
    op.drop_table("nudge_prompt")
    op.drop_table("nudge_wishes")
    op.drop_table("nudge_goal")
