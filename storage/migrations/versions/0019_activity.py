"""The activity record: members' messages and reactions in communities' channels, as metadata only (ids, a
moment, whether a message reads as a question and has links), never their text. Indexed for the reads of the
nudges and the digest: a community's activity over time, a member's in a community, a thread's replies and a
message's reactions.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("workspace_id", "community_id", "at"),
    ("workspace_id", "community_id", "member_id", "at"),
    ("workspace_id", "channel_id", "thread_id"),
    ("workspace_id", "channel_id", "message_id"),
)


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("is_question", sa.Boolean(), nullable=False),
        sa.Column("has_links", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_activity_workspace_id_workspace"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_activity_community_id_community"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_activity_member_id_member"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    for columns in INDEXES:
        op.create_index(op.f(f"ix_activity_{'_'.join(columns)}"), "activity", list(columns))


def downgrade() -> None:
    for columns in INDEXES:
        op.drop_index(op.f(f"ix_activity_{'_'.join(columns)}"), table_name="activity")
    op.drop_table("activity")
