"""The secret addresses of the communities' library pages on the web (`/library page`): one live address per
community at a time; a revoked one stays, answering nothing.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_page",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"],
                                name=op.f("fk_library_page_workspace_id_workspace"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_library_page_community_id_community"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_library_page")),
    )
    op.create_index(op.f("ix_library_page_workspace_id_community_id"), "library_page",
                    ["workspace_id", "community_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_library_page_workspace_id_community_id"), table_name="library_page")
    op.drop_table("library_page")
