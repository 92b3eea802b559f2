"""Hardening: roles remember their source, SSO city admins apart, SECURITY DEFINER not public,
import files can be deleted.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DEFINER_FUNCTIONS = ("kinerja_user_memberships(bigint)", "kinerja_employees_by_nip(varchar)")


def upgrade() -> None:
    # Each source of a role (by hand, SSO groups, the employee record) adds and removes only its
    # own grants: removing a group at the provider must not take away a role an admin gave.
    op.add_column(
        "membership",
        sa.Column("source", sa.String(10), nullable=False, server_default="admin"),
    )
    op.execute("UPDATE membership SET source = 'employee' WHERE role = 'pegawai'")
    op.drop_constraint("pk_membership", "membership", type_="primary")
    op.create_primary_key("pk_membership", "membership", ["tenant_id", "user_id", "role", "source"])
    op.create_check_constraint(
        "ck_membership_source", "membership", "source IN ('admin', 'sso', 'employee')"
    )
    op.add_column(
        "app_user",
        sa.Column("sso_city_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.alter_column("employee_import", "content", nullable=True)
    op.execute("""
        CREATE OR REPLACE FUNCTION kinerja_user_memberships(p_user_id bigint)
        RETURNS TABLE (tenant_id bigint, role varchar)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT DISTINCT m.tenant_id, m.role FROM membership m WHERE m.user_id = p_user_id
        $$
    """)
    # Functions are executable by PUBLIC unless revoked: only the application role may call
    # these (granted by `kinerja db upgrade`, see kinerja.db.migrate).
    for function in DEFINER_FUNCTIONS:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC")


def downgrade() -> None:
    for function in DEFINER_FUNCTIONS:
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO PUBLIC")
    op.execute("DELETE FROM employee_import WHERE content IS NULL")
    op.alter_column("employee_import", "content", nullable=False)
    op.drop_column("app_user", "sso_city_admin")
    op.drop_constraint("ck_membership_source", "membership", type_="check")
    op.drop_constraint("pk_membership", "membership", type_="primary")
    op.execute(
        "DELETE FROM membership m USING membership o WHERE m.tenant_id = o.tenant_id "
        "AND m.user_id = o.user_id AND m.role = o.role AND m.source > o.source"
    )
    op.create_primary_key("pk_membership", "membership", ["tenant_id", "user_id", "role"])
    op.drop_column("membership", "source")
