"""Exports: a table of the agency written to XLSX or PDF by a job, kept for its requester.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export",
        tenant_column("export"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("format", sa.String(4), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("requested_by", sa.BigInteger),
        sa.Column("job_id", sa.Uuid),
        sa.Column("filename", sa.String(200)),
        sa.Column("storage_key", sa.String(400)),
        sa.Column("size", sa.BigInteger),
        sa.Column("rows", sa.Integer),
        moment("created_at"),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_export"),
        sa.CheckConstraint("format IN ('xlsx', 'pdf')", name="ck_export_format"),
    )
    rls.enable(op, "export")


def downgrade() -> None:
    op.drop_table("export")
