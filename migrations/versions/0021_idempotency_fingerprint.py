"""Idempotency keys bound to the request: a fingerprint beside each daily entry's key, and keys
(with their fingerprint) for report submissions.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Entries created before keep a NULL fingerprint: a retry of them replays as it did.
    op.add_column("work_entry", sa.Column("idempotency_fingerprint", sa.String(64)))
    op.add_column("report_submission", sa.Column("idempotency_key", sa.String(100)))
    op.add_column("report_submission", sa.Column("idempotency_fingerprint", sa.String(64)))
    op.create_unique_constraint(
        "uq_report_submission_tenant_id_employee_id_idempotency_key",
        "report_submission",
        ["tenant_id", "employee_id", "idempotency_key"],
    )


def downgrade() -> None:
    op.drop_constraint(
        "uq_report_submission_tenant_id_employee_id_idempotency_key", "report_submission"
    )
    op.drop_column("report_submission", "idempotency_fingerprint")
    op.drop_column("report_submission", "idempotency_key")
    op.drop_column("work_entry", "idempotency_fingerprint")
