"""What a community decides for itself beyond its name, goal, time zone and language (who asks polls).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("community") as batch:
        # Every community there is keeps the defaults: an empty object.
        batch.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("community") as batch:
        batch.alter_column("settings", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("community") as batch:
        batch.drop_column("settings")
