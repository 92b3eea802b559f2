"""Employee imports: the uploaded file kept with its job, so a worker can read it durably.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.db import rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employee_import",
        sa.Column(
            "tenant_id",
            sa.BigInteger,
            sa.ForeignKey("tenant.id", name="fk_employee_import_tenant_id_tenant"),
            nullable=False,
        ),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("job_id", sa.Uuid),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_by", sa.BigInteger),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_employee_import"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "job_id"],
            ["background_job.tenant_id", "background_job.id"],
            name="fk_employee_import_job",
        ),
        sa.CheckConstraint("format IN ('csv', 'xlsx')", name="ck_employee_import_format"),
    )
    rls.enable(op, "employee_import")


def downgrade() -> None:
    op.drop_table("employee_import")
