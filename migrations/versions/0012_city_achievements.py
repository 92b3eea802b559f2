"""The city's view of each agency's yearly achievement (one level per agency: no personal data).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SECURITY DEFINER past RLS: (agency, level) only; on kinerja.db.catalog's allow-list,
    # executable by the application role alone.
    op.execute("""
        CREATE FUNCTION kinerja_org_achievements(p_year integer)
        RETURNS TABLE (tenant_id bigint, level varchar)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT a.tenant_id, a.level FROM org_achievement a WHERE a.year = p_year
        $$
    """)
    op.execute("REVOKE EXECUTE ON FUNCTION kinerja_org_achievements(integer) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS kinerja_org_achievements(integer)")
