"""Bukti dukung of an evaluation beyond daily entries: report-form submissions and files of
their own (a certificate, a signed letter) attached to one IKI's realisasi.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "evaluation_item",
        sa.Column(
            "reports", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")
        ),
    )
    op.create_table(
        "evaluation_file",
        tenant_column("evaluation_file"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("evaluation_id", sa.BigInteger, nullable=False),
        sa.Column("iki_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(400), nullable=False),
        sa.Column("thumb_key", sa.String(400)),
        sa.Column("created_by", sa.BigInteger),
        moment("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_evaluation_file"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evaluation_id", "iki_id"],
            [
                "evaluation_item.tenant_id",
                "evaluation_item.evaluation_id",
                "evaluation_item.iki_id",
            ],
            name="fk_evaluation_file_item",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "kind IN ('jpeg', 'png', 'webp', 'pdf')", name="ck_evaluation_file_kind"
        ),
    )
    op.create_index(
        "ix_evaluation_file_tenant_id_evaluation_id",
        "evaluation_file",
        ["tenant_id", "evaluation_id"],
    )
    rls.enable(op, "evaluation_file")


def downgrade() -> None:
    op.drop_table("evaluation_file")
    op.drop_column("evaluation_item", "reports")
