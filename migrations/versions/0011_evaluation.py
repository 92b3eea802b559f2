"""Evaluation: the agency's yearly achievement, evaluations of an SKP (periods and the year)
and their items (realisasi per IKI with evidence and feedback).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import tenant_column, timestamps

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("org_achievement", "evaluation", "evaluation_item")
RATING = "('DI_ATAS', 'SESUAI', 'DI_BAWAH')"


def upgrade() -> None:
    op.create_table(
        "org_achievement",
        tenant_column("org_achievement"),
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("head_from_organisation", sa.Boolean, nullable=False),
        sa.Column("set_by", sa.BigInteger),
        sa.Column("set_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "year", name="pk_org_achievement"),
        sa.CheckConstraint(
            "level IN ('ISTIMEWA', 'BAIK', 'BUTUH_PERBAIKAN', 'KURANG', 'SANGAT_KURANG')",
            name="ck_org_achievement_level",
        ),
    )
    op.create_table(
        "evaluation",
        tenant_column("evaluation"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("skp_id", sa.BigInteger, nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("rating_hasil", sa.String(10)),
        sa.Column("rating_perilaku", sa.String(10)),
        sa.Column("predikat", sa.String(16)),
        sa.Column("behaviour_feedback", postgresql.JSONB, nullable=False),
        sa.Column("feedback", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("curve_reason", sa.Text),
        sa.Column("rated_by", sa.BigInteger),
        sa.Column("approved_by", sa.BigInteger),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("revisions", postgresql.JSONB, nullable=False),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_evaluation"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "skp_id"], ["skp.tenant_id", "skp.id"], name="fk_evaluation_skp"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_evaluation_employee",
        ),
        sa.UniqueConstraint(
            "tenant_id", "skp_id", "period", name="uq_evaluation_tenant_id_skp_id_period"
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'rated', 'approved')", name="ck_evaluation_status"
        ),
        sa.CheckConstraint(
            f"rating_hasil IS NULL OR rating_hasil IN {RATING}", name="ck_evaluation_rating_hasil"
        ),
        sa.CheckConstraint(
            f"rating_perilaku IS NULL OR rating_perilaku IN {RATING}",
            name="ck_evaluation_rating_perilaku",
        ),
    )
    op.create_index(
        "ix_evaluation_tenant_id_year_period", "evaluation", ["tenant_id", "year", "period"]
    )
    op.create_table(
        "evaluation_item",
        tenant_column("evaluation_item"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("evaluation_id", sa.BigInteger, nullable=False),
        sa.Column("iki_id", sa.BigInteger, nullable=False),
        sa.Column("realisasi", sa.Numeric(18, 2)),
        sa.Column("realisasi_text", sa.Text),
        sa.Column("evidence", postgresql.JSONB, nullable=False),
        sa.Column("feedback", sa.Text),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_evaluation_item"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["evaluation.tenant_id", "evaluation.id"],
            name="fk_evaluation_item_evaluation",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "iki_id"], ["iki.tenant_id", "iki.id"], name="fk_evaluation_item_iki"
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "evaluation_id",
            "iki_id",
            name="uq_evaluation_item_tenant_id_evaluation_id_iki_id",
        ),
    )
    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
