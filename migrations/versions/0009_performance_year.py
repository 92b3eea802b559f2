"""The performance year: the city's years, the agency's frequency and targets, SKP with RHK,
IKI and approved versions, and the city's per-agency SKP counts (aggregates only).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column, timestamps

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TENANT_TABLES = ("agency_year", "org_target", "skp", "rhk", "iki", "skp_version")


def upgrade() -> None:
    op.create_table(
        "performance_year",
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        moment("updated_at"),
        sa.PrimaryKeyConstraint("year", name="pk_performance_year"),
        sa.CheckConstraint("starts < ends", name="ck_performance_year_dates"),
    )
    op.create_table(
        "agency_year",
        tenant_column("agency_year"),
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("frequency", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "year", name="pk_agency_year"),
        sa.CheckConstraint(
            "frequency IN ('monthly', 'quarterly', 'semester')", name="ck_agency_year_frequency"
        ),
    )
    op.create_table(
        "org_target",
        tenant_column("org_target"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("indicators", postgresql.JSONB, nullable=False),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_org_target"),
        sa.UniqueConstraint("tenant_id", "year", "code", name="uq_org_target_tenant_id_year_code"),
    )
    op.create_table(
        "skp",
        tenant_column("skp"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("approach", sa.String(12), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("header_submitted", postgresql.JSONB),
        sa.Column("header_approved", postgresql.JSONB),
        sa.Column("expectations", postgresql.JSONB, nullable=False),
        sa.Column("lampiran", postgresql.JSONB, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("revision_reason", sa.Text),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.BigInteger),
        sa.Column("acting", sa.Boolean, nullable=False),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_skp"),
        sa.UniqueConstraint(
            "tenant_id", "employee_id", "year", name="uq_skp_tenant_id_employee_id_year"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_skp_employee",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected')", name="ck_skp_status"
        ),
        sa.CheckConstraint("approach IN ('kuantitatif', 'kualitatif')", name="ck_skp_approach"),
    )
    op.create_index("ix_skp_tenant_id_year_status", "skp", ["tenant_id", "year", "status"])
    op.create_table(
        "rhk",
        tenant_column("rhk"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("skp_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("parent_rhk_id", sa.BigInteger),
        sa.Column("org_target_id", sa.BigInteger),
        sa.Column("cascading", sa.String(14)),
        sa.Column("perspektif", sa.String(20)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("proposed", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_rhk"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "skp_id"],
            ["skp.tenant_id", "skp.id"],
            name="fk_rhk_tenant_id_skp",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "parent_rhk_id"], ["rhk.tenant_id", "rhk.id"], name="fk_rhk_parent"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "org_target_id"],
            ["org_target.tenant_id", "org_target.id"],
            name="fk_rhk_org_target",
        ),
        sa.CheckConstraint("kind IN ('utama', 'tambahan')", name="ck_rhk_kind"),
        sa.CheckConstraint(
            "cascading IS NULL OR cascading IN ('langsung', 'tidak_langsung')",
            name="ck_rhk_cascading",
        ),
    )
    op.create_index("ix_rhk_tenant_id_skp_id", "rhk", ["tenant_id", "skp_id"])
    op.create_index("ix_rhk_tenant_id_parent_rhk_id", "rhk", ["tenant_id", "parent_rhk_id"])
    op.create_table(
        "iki",
        tenant_column("iki"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("rhk_id", sa.BigInteger, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("aspect", sa.String(10)),
        sa.Column("target_low", sa.Numeric(18, 2)),
        sa.Column("target_high", sa.Numeric(18, 2)),
        sa.Column("unit", sa.String(40)),
        sa.Column("narrative", sa.Text),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_iki"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "rhk_id"],
            ["rhk.tenant_id", "rhk.id"],
            name="fk_iki_tenant_id_rhk",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "aspect IS NULL OR aspect IN ('kuantitas', 'kualitas', 'waktu', 'biaya')",
            name="ck_iki_aspect",
        ),
        sa.CheckConstraint("target_high IS NULL OR target_low <= target_high", name="ck_iki_range"),
    )
    op.create_index("ix_iki_tenant_id_rhk_id", "iki", ["tenant_id", "rhk_id"])
    op.create_table(
        "skp_version",
        tenant_column("skp_version"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("skp_id", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", postgresql.JSONB, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.BigInteger),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_skp_version"),
        sa.UniqueConstraint(
            "tenant_id", "skp_id", "version", name="uq_skp_version_tenant_id_skp_id_version"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "skp_id"],
            ["skp.tenant_id", "skp.id"],
            name="fk_skp_version_tenant_id_skp",
            ondelete="CASCADE",
        ),
    )
    for table in TENANT_TABLES:
        rls.enable(op, table)
    # The city sees how many SKP each agency has in each state, never the SKP themselves:
    # SECURITY DEFINER past RLS, on kinerja.db.catalog's allow-list, not for PUBLIC.
    op.execute("""
        CREATE FUNCTION kinerja_skp_counts(p_year integer)
        RETURNS TABLE (tenant_id bigint, status varchar, count bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT s.tenant_id, s.status, count(*) FROM skp s WHERE s.year = p_year
            GROUP BY s.tenant_id, s.status
        $$
    """)
    op.execute("REVOKE EXECUTE ON FUNCTION kinerja_skp_counts(integer) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS kinerja_skp_counts(integer)")
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
    op.drop_table("performance_year")
