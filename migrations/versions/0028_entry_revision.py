"""A daily entry's revision: one more with every correction, so an edit's ETag (and the edit
form's version) changes even when the correction changed no field, and a second edit sent with
the same If-Match is refused (412) instead of applied after the first.

Adding a column with a constant default rewrites no row (PostgreSQL 11+): instant on a table
of millions of entries.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "work_entry",
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    )


def downgrade() -> None:
    op.drop_column("work_entry", "revision")
