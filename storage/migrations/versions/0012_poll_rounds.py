"""Polls asked again and again (rounds), and what a community's own template keeps.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "poll_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("results_shown", sa.String(length=16), nullable=False),
        sa.Column("recurrence", sa.String(length=8000), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("closes_minutes", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_poll_round_community_id_community"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["series_id"], ["meeting_series.id"],
                                name=op.f("fk_poll_round_series_id_meeting_series"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_poll_round_workspace_id_workspace"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_round")),
    )
    op.create_index(op.f("ix_poll_round_workspace_id_community_id"), "poll_round", ["workspace_id", "community_id"])
    op.create_index(op.f("ix_poll_round_series_id"), "poll_round", ["series_id"])
    with op.batch_alter_table("poll") as batch:
        batch.add_column(sa.Column("template", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("round_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(op.f("fk_poll_round_id_poll_round"), "poll_round", ["round_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_unique_constraint(op.f("uq_poll_round_id_round_at"), ["round_id", "round_at"])
    with op.batch_alter_table("poll") as batch:
        batch.alter_column("template", server_default=None)
    with op.batch_alter_table("poll_template") as batch:
        batch.add_column(sa.Column("about", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("results_shown", sa.String(length=16), nullable=False, server_default="live"))
        batch.add_column(sa.Column("spec", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("poll_template") as batch:
        for column in ("about", "anonymous", "results_shown", "spec"):
            batch.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("poll_template") as batch:
        for column in ("spec", "results_shown", "anonymous", "about"):
            batch.drop_column(column)
    with op.batch_alter_table("poll") as batch:
        batch.drop_constraint(op.f("uq_poll_round_id_round_at"), type_="unique")
        batch.drop_constraint(op.f("fk_poll_round_id_poll_round"), type_="foreignkey")
        batch.drop_column("round_at")
        batch.drop_column("round_id")
        batch.drop_column("template")
    op.drop_index(op.f("ix_poll_round_series_id"), table_name="poll_round")
    op.drop_index(op.f("ix_poll_round_workspace_id_community_id"), table_name="poll_round")
    op.drop_table("poll_round")
