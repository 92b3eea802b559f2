"""Background jobs keep their arguments, so a job whose push to Redis failed can be re-queued.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "background_job", sa.Column("args", postgresql.JSONB, nullable=False, server_default="[]")
    )
    op.add_column(
        "background_job", sa.Column("kwargs", postgresql.JSONB, nullable=False, server_default="{}")
    )


def downgrade() -> None:
    op.drop_column("background_job", "kwargs")
    op.drop_column("background_job", "args")
