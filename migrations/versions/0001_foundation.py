"""Foundation: tenants, org units (unit kerja) and background jobs, under row-level security.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), server_default="active", nullable=False),
        sa.Column("settings", postgresql.JSONB, server_default="{}", nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("slug", name="uq_tenant_slug"),
        sa.CheckConstraint(
            "kind IN ('dinas', 'badan', 'kecamatan', 'rsud', 'sekretariat', 'inspektorat', "
            "'satuan', 'kantor')",
            name="ck_tenant_kind",
        ),
        sa.CheckConstraint("status IN ('active', 'suspended')", name="ck_tenant_status"),
        sa.CheckConstraint("slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'", name="ck_tenant_slug"),
        sa.PrimaryKeyConstraint("id", name="pk_tenant"),
    )

    op.create_table(
        "org_unit",
        sa.Column(
            "tenant_id",
            sa.BigInteger,
            sa.ForeignKey("tenant.id", name="fk_org_unit_tenant_id_tenant"),
            nullable=False,
        ),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("parent_id", sa.BigInteger),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_org_unit"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "parent_id"],
            ["org_unit.tenant_id", "org_unit.id"],
            name="fk_org_unit_parent",
        ),
        sa.UniqueConstraint("tenant_id", "code", name="uq_org_unit_tenant_id_code"),
    )
    rls.enable(op, "org_unit")

    op.create_table(
        "background_job",
        sa.Column(
            "tenant_id",
            sa.BigInteger,
            sa.ForeignKey("tenant.id", name="fk_background_job_tenant_id_tenant"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("max_attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
        sa.Column("message", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("result", postgresql.JSONB),
        sa.Column("request_id", sa.String(64)),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        *_timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_background_job"),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'retrying', 'succeeded', 'failed')",
            name="ck_background_job_status",
        ),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="ck_background_job_progress"),
    )
    op.create_index(
        "ix_background_job_tenant_id_created_at", "background_job", ["tenant_id", "created_at"]
    )
    rls.enable(op, "background_job")


def downgrade() -> None:
    op.drop_table("background_job")
    op.drop_table("org_unit")
    op.drop_table("tenant")
