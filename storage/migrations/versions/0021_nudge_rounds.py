"""The nudges' rounds: each rule's settings as a community tuned them, the log of every nudge planned and sent
(what `/nudge why` explains), and when a member's DMs turned out to be closed.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOG_INDEXES = (
    ("workspace_id", "community_id", "round_at"),
    ("workspace_id", "community_id", "rule", "subject"),
    ("workspace_id", "member_id", "planned_at"),
)


def _foreign(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "nudge_rule",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Boolean(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("work_from", sa.Integer(), nullable=False),
        sa.Column("work_to", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        _foreign("nudge_rule", "community_id", "community"),
        _foreign("nudge_rule", "workspace_id", "workspace"),
        sa.PrimaryKeyConstraint("community_id", "rule", name=op.f("pk_nudge_rule")),
    )
    op.create_table(
        "nudge_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=140), nullable=False),
        sa.Column("pointer", sa.String(length=140), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("round_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        _foreign("nudge_log", "workspace_id", "workspace"),
        _foreign("nudge_log", "community_id", "community"),
        _foreign("nudge_log", "member_id", "member"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_log")),
        sqlite_autoincrement=True,  # an id is never given again: `/nudge why` never explains another nudge
    )
    for columns in LOG_INDEXES:
        op.create_index(op.f(f"ix_nudge_log_{'_'.join(columns)}"), "nudge_log", list(columns))
    with op.batch_alter_table("nudge_wishes") as batch:
        batch.add_column(sa.Column("dm_closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nudge_wishes") as batch:
        batch.drop_column("dm_closed_at")
    for columns in LOG_INDEXES:
        op.drop_index(op.f(f"ix_nudge_log_{'_'.join(columns)}"), table_name="nudge_log")
    op.drop_table("nudge_log")
    op.drop_table("nudge_rule")
