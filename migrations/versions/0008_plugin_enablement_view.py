"""The city admin's view of which agencies enabled which plugin (no personal data).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SECURITY DEFINER runs past RLS: it returns only (agency, plugin, on/off), on the allow-list
    # of kinerja.db.catalog, executable by the application role alone.
    op.execute("""
        CREATE FUNCTION kinerja_plugin_enablement()
        RETURNS TABLE (tenant_id bigint, plugin varchar, enabled boolean)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT p.tenant_id, p.plugin, p.enabled FROM tenant_plugin p
        $$
    """)
    op.execute("REVOKE EXECUTE ON FUNCTION kinerja_plugin_enablement() FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS kinerja_plugin_enablement()")
