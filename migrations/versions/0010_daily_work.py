"""Daily work: entries against the SKP's results, their evidence files, each agency's rules.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column, timestamps

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("log_policy", "work_entry", "evidence_file")


def upgrade() -> None:
    op.create_table(
        "log_policy",
        tenant_column("log_policy"),
        sa.Column("deadline_days", sa.Integer, nullable=False),
        sa.Column("late_allowed", sa.Boolean, nullable=False),
        sa.Column("days_off_count", sa.Boolean, nullable=False),
        sa.Column("keep_location", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_log_policy"),
        sa.CheckConstraint("deadline_days BETWEEN 0 AND 31", name="ck_log_policy_deadline_days"),
    )
    op.create_table(
        "work_entry",
        tenant_column("work_entry"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("entry_date", sa.Date, nullable=False),
        sa.Column("rhk_id", sa.BigInteger),
        sa.Column("iki_id", sa.BigInteger),
        sa.Column("extra_reason", sa.String(300)),
        sa.Column("activity", sa.Text, nullable=False),
        sa.Column("quantity", sa.Numeric(18, 2)),
        sa.Column("unit", sa.String(40)),
        sa.Column("started", sa.Time),
        sa.Column("ended", sa.Time),
        sa.Column("minutes", sa.Integer),
        sa.Column("location", sa.String(200)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("report_submission_id", sa.BigInteger),
        sa.Column("idempotency_key", sa.String(100)),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.BigInteger),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_work_entry"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_work_entry_employee",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "rhk_id"], ["rhk.tenant_id", "rhk.id"], name="fk_work_entry_rhk"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "iki_id"], ["iki.tenant_id", "iki.id"], name="fk_work_entry_iki"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "report_submission_id"],
            ["report_submission.tenant_id", "report_submission.id"],
            name="fk_work_entry_report_submission",
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "employee_id",
            "idempotency_key",
            name="uq_work_entry_tenant_id_employee_id_idempotency_key",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected')", name="ck_work_entry_status"
        ),
        sa.CheckConstraint(
            "rhk_id IS NOT NULL OR extra_reason IS NOT NULL", name="ck_work_entry_serves"
        ),
    )
    op.create_index(
        "ix_work_entry_tenant_id_employee_id_date",
        "work_entry",
        ["tenant_id", "employee_id", "entry_date"],
    )
    op.create_index(
        "ix_work_entry_tenant_id_status_id", "work_entry", ["tenant_id", "status", "id"]
    )
    op.create_table(
        "evidence_file",
        tenant_column("evidence_file"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("entry_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(400), nullable=False),
        sa.Column("thumb_key", sa.String(400)),
        moment("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_evidence_file"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "entry_id"],
            ["work_entry.tenant_id", "work_entry.id"],
            name="fk_evidence_file_entry",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("kind IN ('jpeg', 'png', 'webp', 'pdf')", name="ck_evidence_file_kind"),
    )
    op.create_index(
        "ix_evidence_file_tenant_id_entry_id", "evidence_file", ["tenant_id", "entry_id"]
    )
    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
