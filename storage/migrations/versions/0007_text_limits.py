"""A meeting's link may have up to 2,000 characters: the location column grows from 500 to 2,000.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostgreSQL alters the column in place; SQLite (which ignores the length) copies the table in batch mode.
    with op.batch_alter_table("meeting_series") as batch:
        batch.alter_column("location", existing_type=sa.String(length=500), type_=sa.String(length=2000),
                           existing_nullable=False)


def downgrade() -> None:
    # Links longer than 500 characters are cut: the old column cannot hold them.
    op.execute(sa.text("UPDATE meeting_series SET location = substr(location, 1, 500) WHERE length(location) > 500"))
    with op.batch_alter_table("meeting_series") as batch:
        batch.alter_column("location", existing_type=sa.String(length=2000), type_=sa.String(length=500),
                           existing_nullable=False)
