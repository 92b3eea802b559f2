"""Report form submissions (laporan), stored generically per agency.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_submission",
        sa.Column(
            "tenant_id",
            sa.BigInteger,
            sa.ForeignKey("tenant.id", name="fk_report_submission_tenant_id_tenant"),
            nullable=False,
        ),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("form_code", sa.String(60), nullable=False),
        sa.Column("plugin", sa.String(100), nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("report_date", sa.Date, nullable=False),
        sa.Column("data", postgresql.JSONB, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("decided_by", sa.BigInteger),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_report_submission"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_report_submission_employee",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected')",
            name="ck_report_submission_status",
        ),
    )
    op.create_index(
        "ix_report_submission_tenant_id_form_date",
        "report_submission",
        ["tenant_id", "form_code", "report_date"],
    )
    rls.enable(op, "report_submission")


def downgrade() -> None:
    op.drop_table("report_submission")
