"""Who sees the agency besides its head: the people and positions the admin OPD names (the
sekretaris …) to see the agency's figures, the predikat curve and every evaluation's state.

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_viewer",
        tenant_column("agency_viewer"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("employee_id", sa.BigInteger),
        sa.Column("position_id", sa.BigInteger),
        moment("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_agency_viewer"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_agency_viewer_employee",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_agency_viewer_position",
            ondelete="CASCADE",
        ),
        # exactly one of the two: a person, or whoever holds a position
        sa.CheckConstraint(
            "(employee_id IS NULL) <> (position_id IS NULL)", name="ck_agency_viewer_one_of"
        ),
        sa.UniqueConstraint(
            "tenant_id", "employee_id", name="uq_agency_viewer_tenant_id_employee_id"
        ),
        sa.UniqueConstraint(
            "tenant_id", "position_id", name="uq_agency_viewer_tenant_id_position_id"
        ),
    )
    rls.enable(op, "agency_viewer")


def downgrade() -> None:
    op.drop_table("agency_viewer")
