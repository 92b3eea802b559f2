"""Continuous feedback: threads between an employee and their superior, messages, read receipts.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = ("feedback_thread", "feedback_message", "feedback_read")


def upgrade() -> None:
    op.create_table(
        "feedback_thread",
        tenant_column("feedback_thread"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("superior_id", sa.BigInteger, nullable=False),
        sa.Column("subject", sa.String(8), nullable=False),
        sa.Column("subject_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        moment("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_feedback_thread"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_feedback_thread_employee",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "superior_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_feedback_thread_superior",
        ),
        sa.CheckConstraint(
            "subject IN ('skp', 'rhk', 'iki', 'entry')", name="ck_feedback_thread_subject"
        ),
    )
    op.create_index(
        "ix_feedback_thread_tenant_id_employee_id", "feedback_thread", ["tenant_id", "employee_id"]
    )
    op.create_table(
        "feedback_message",
        tenant_column("feedback_message"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("thread_id", sa.BigInteger, nullable=False),
        sa.Column("author_id", sa.BigInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        moment("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_feedback_message"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "thread_id"],
            ["feedback_thread.tenant_id", "feedback_thread.id"],
            name="fk_feedback_message_thread",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_feedback_message_tenant_id_thread_id", "feedback_message", ["tenant_id", "thread_id"]
    )
    op.create_table(
        "feedback_read",
        tenant_column("feedback_read"),
        sa.Column("thread_id", sa.BigInteger, nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("last_read", sa.BigInteger, nullable=False),
        moment("read_at"),
        sa.PrimaryKeyConstraint("tenant_id", "thread_id", "employee_id", name="pk_feedback_read"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "thread_id"],
            ["feedback_thread.tenant_id", "feedback_thread.id"],
            name="fk_feedback_read_thread",
            ondelete="CASCADE",
        ),
    )
    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
