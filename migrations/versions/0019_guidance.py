"""Guidance texts as BKPSDM edits them (global; the defaults are package data).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.db.ddl import moment

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guidance_text",
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        moment("updated_at"),
        sa.PrimaryKeyConstraint("key", name="pk_guidance_text"),
    )


def downgrade() -> None:
    op.drop_table("guidance_text")
