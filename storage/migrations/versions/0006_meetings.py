"""Meeting series, their changed meetings, RSVPs, agendas and calendar feeds.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("recurrence", sa.String(length=8000), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("hosts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reminder_minutes", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_meeting_series_workspace_id_workspace"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_meeting_series_community_id_community"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
    )
    op.create_index(op.f("ix_meeting_series_workspace_id_community_id"), "meeting_series",
                    ["workspace_id", "community_id"])
    op.create_index(op.f("ix_meeting_series_status"), "meeting_series", ["status"])
    op.create_table(
        "meeting_change",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("original", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["meeting_series.id"],
                                name=op.f("fk_meeting_change_series_id_meeting_series"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("series_id", "original", name=op.f("pk_meeting_change")),
    )
    op.create_table(
        "meeting_rsvp",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("original", sa.DateTime(timezone=True), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["meeting_series.id"],
                                name=op.f("fk_meeting_rsvp_series_id_meeting_series"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("series_id", "original", "member_id", name=op.f("pk_meeting_rsvp")),
    )
    op.create_table(
        "meeting_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("original", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["meeting_series.id"],
                                name=op.f("fk_meeting_agenda_item_series_id_meeting_series"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_item")),
    )
    op.create_index(op.f("ix_meeting_agenda_item_series_id_original"), "meeting_agenda_item",
                    ["series_id", "original"])
    op.create_table(
        "meeting_agenda_vote",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["meeting_agenda_item.id"],
                                name=op.f("fk_meeting_agenda_vote_item_id_meeting_agenda_item"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "member_id", name=op.f("pk_meeting_agenda_vote")),
    )
    op.create_table(
        "calendar_feed",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_calendar_feed_workspace_id_workspace"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_calendar_feed_community_id_community"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_calendar_feed")),
    )
    op.create_index(op.f("ix_calendar_feed_workspace_id_community_id"), "calendar_feed",
                    ["workspace_id", "community_id"])


def downgrade() -> None:
    for table in ("calendar_feed", "meeting_agenda_vote", "meeting_agenda_item", "meeting_rsvp", "meeting_change",
                  "meeting_series"):
        op.drop_table(table)
