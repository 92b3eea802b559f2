"""Reads from what is already computed: each person's talent result (kept by a job), and what
waits for whom (marks and counters the workflows keep, checked nightly).

The counters start empty: the first maintenance round of the day recomputes them from the
items (`performance.waiting.check`), so an upgraded agency's counts are right within a round.

Revision ID: 0027
Revises: 0026 (0025 on this branch until 0026 is merged)
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import tenant_column

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None
KINDS = "kind IN ('skp', 'entry', 'evaluation')"


def upgrade() -> None:
    op.create_table(
        "talent_result",
        tenant_column("talent_result"),
        sa.Column("employee_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("campaign_id", sa.BigInteger),
        sa.Column("jpm", sa.Numeric(7, 2)),
        sa.Column("category", sa.String(20)),
        sa.Column("predikat", sa.String(20)),
        sa.Column("kinerja", sa.String(20)),
        sa.Column("potensial", sa.String(20)),
        sa.Column("box", sa.SmallInteger),
        sa.Column("gaps", postgresql.JSONB, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "employee_id", name="pk_talent_result"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_talent_result_employee",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("box BETWEEN 1 AND 9", name="ck_talent_result_box"),
    )
    op.create_index("ix_talent_result_tenant_id_box", "talent_result", ["tenant_id", "box"])
    rls.enable(op, "talent_result")
    op.create_table(
        "waiting_mark",
        tenant_column("waiting_mark"),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("item_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("holder", sa.String(24), nullable=False),
        sa.Column("owner_id", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "kind", "item_id", "holder", name="pk_waiting_mark"),
        sa.CheckConstraint(KINDS, name="ck_waiting_mark_kind"),
    )
    op.create_index(
        "ix_waiting_mark_tenant_id_holder",
        "waiting_mark",
        ["tenant_id", "holder", "kind", "owner_id"],
    )
    rls.enable(op, "waiting_mark")
    op.create_table(
        "waiting_counter",
        tenant_column("waiting_counter"),
        sa.Column("holder", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "holder", "kind", name="pk_waiting_counter"),
        sa.CheckConstraint(KINDS, name="ck_waiting_counter_kind"),
    )
    rls.enable(op, "waiting_counter")


def downgrade() -> None:
    op.drop_table("waiting_counter")
    op.drop_table("waiting_mark")
    op.drop_table("talent_result")
