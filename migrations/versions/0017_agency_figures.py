"""The city's comparison: each agency's figures per year (aggregates computed by a job), and the
one SECURITY DEFINER function that lets the city read every agency's figures, nothing else.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_figures",
        tenant_column("agency_figures"),
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("figures", postgresql.JSONB, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True)),
        moment("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "year", name="pk_agency_figures"),
    )
    rls.enable(op, "agency_figures")
    # Aggregates only: the figures of every agency for a year, for the city's comparison
    # (their daily history only when asked: it is the bulk of the row and most pages skip it).
    op.execute("""
        CREATE FUNCTION kinerja_agency_figures(p_year integer, p_history boolean)
        RETURNS TABLE (tenant_id bigint, figures jsonb, computed_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT f.tenant_id,
                   CASE WHEN p_history THEN f.figures ELSE f.figures - 'history' END,
                   f.computed_at
            FROM agency_figures f
            WHERE f.year = p_year AND f.computed_at IS NOT NULL
        $$
    """)
    op.execute("REVOKE EXECUTE ON FUNCTION kinerja_agency_figures(integer, boolean) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS kinerja_agency_figures(integer, boolean)")
    op.drop_table("agency_figures")
