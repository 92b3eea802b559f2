"""The agency's registry of puskesmas (health centres), tenant-owned like every table.

Revision ID: dk0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.plugins.api import enable_rls

revision = "dk0001"
down_revision = None
branch_labels = ("kinerja_dinkes",)
depends_on = "0008"  # the core's schema (tenant, RLS helpers) comes first


def upgrade() -> None:
    op.create_table(
        "dinkes_puskesmas",
        sa.Column(
            "tenant_id",
            sa.BigInteger,
            sa.ForeignKey("tenant.id", name="fk_dinkes_puskesmas_tenant_id_tenant"),
            nullable=False,
        ),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kecamatan", sa.String(100)),
        sa.PrimaryKeyConstraint("tenant_id", "code", name="pk_dinkes_puskesmas"),
    )
    enable_rls(op, "dinkes_puskesmas")


def downgrade() -> None:
    op.drop_table("dinkes_puskesmas")
