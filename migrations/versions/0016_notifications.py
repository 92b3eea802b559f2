"""Notifications: in-app notifications per employee, their e-mail choices, reminders and
digests sent once; the language each user chose (e-mails are written in it).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = ("notification", "notification_choice", "sent_once")


def _employee_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "employee_id"],
        ["employee.tenant_id", "employee.id"],
        name=f"fk_{table}_employee",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.add_column("app_user", sa.Column("language", sa.String(5)))
    op.create_table(
        "notification",
        tenant_column("notification"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(120)),
        sa.Column("params", postgresql.JSONB, nullable=False),
        sa.Column("link", sa.String(300)),
        sa.Column("repeats", sa.Integer, nullable=False),
        moment("created_at"),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.Column("emailed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_notification"),
        _employee_fk("notification"),
    )
    op.create_index(
        "ix_notification_tenant_id_employee_id_read_at",
        "notification",
        ["tenant_id", "employee_id", "read_at"],
    )
    op.create_table(
        "notification_choice",
        tenant_column("notification_choice"),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("email", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "employee_id", "kind", name="pk_notification_choice"),
        _employee_fk("notification_choice"),
    )
    op.create_table(
        "sent_once",
        tenant_column("sent_once"),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        moment("sent_at"),
        sa.PrimaryKeyConstraint("tenant_id", "employee_id", "what", "key", name="pk_sent_once"),
        _employee_fk("sent_once"),
    )
    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    op.drop_column("app_user", "language")
