"""Commands, clicks and forms acknowledged to the platform and not finished yet.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "acknowledged_delivery",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("delivery_key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged", sa.Boolean(), nullable=False),
        sa.Column("handled", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "delivery_key", name=op.f("pk_acknowledged_delivery")),
    )
    op.create_index(op.f("ix_acknowledged_delivery_platform_lease_until"), "acknowledged_delivery",
                    ["platform", "lease_until"])
    op.create_index(op.f("ix_acknowledged_delivery_owner"), "acknowledged_delivery", ["owner"])


def downgrade() -> None:
    op.drop_index(op.f("ix_acknowledged_delivery_owner"), table_name="acknowledged_delivery")
    op.drop_index(op.f("ix_acknowledged_delivery_platform_lease_until"), table_name="acknowledged_delivery")
    op.drop_table("acknowledged_delivery")
