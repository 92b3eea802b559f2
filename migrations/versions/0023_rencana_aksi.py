"""Rencana Aksi: the planned steps per RHK and period, and the step a daily entry serves.

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.db import rls
from kinerja.db.ddl import tenant_column, timestamps

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rencana_aksi",
        tenant_column("rencana_aksi"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("skp_id", sa.BigInteger, nullable=False),
        sa.Column("rhk_id", sa.BigInteger, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("output", sa.String(300), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("done_by", sa.BigInteger),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_rencana_aksi"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "skp_id"],
            ["skp.tenant_id", "skp.id"],
            name="fk_rencana_aksi_skp",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "rhk_id"],
            ["rhk.tenant_id", "rhk.id"],
            name="fk_rencana_aksi_rhk",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("period BETWEEN 1 AND 12", name="ck_rencana_aksi_period"),
    )
    op.create_index(
        "ix_rencana_aksi_tenant_id_skp_id_due", "rencana_aksi", ["tenant_id", "skp_id", "due"]
    )
    op.create_index(
        "ix_rencana_aksi_tenant_id_rhk_id_period",
        "rencana_aksi",
        ["tenant_id", "rhk_id", "period"],
    )
    rls.enable(op, "rencana_aksi")
    op.add_column("work_entry", sa.Column("rencana_aksi_id", sa.BigInteger))
    op.create_foreign_key(
        "fk_work_entry_rencana_aksi",
        "work_entry",
        "rencana_aksi",
        ["tenant_id", "rencana_aksi_id"],
        ["tenant_id", "id"],
    )
    # The evidence of a step: its entries, found by the step.
    op.create_index(
        "ix_work_entry_tenant_id_rencana_aksi_id", "work_entry", ["tenant_id", "rencana_aksi_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_work_entry_tenant_id_rencana_aksi_id", "work_entry")
    op.drop_constraint("fk_work_entry_rencana_aksi", "work_entry", type_="foreignkey")
    op.drop_column("work_entry", "rencana_aksi_id")
    op.drop_table("rencana_aksi")
