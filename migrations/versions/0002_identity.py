"""Identity: users, memberships, positions, employees, API tokens and the append-only audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _ts() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _tenant(table: str) -> sa.Column:
    return sa.Column(
        "tenant_id",
        sa.BigInteger,
        sa.ForeignKey("tenant.id", name=f"fk_{table}_tenant_id_tenant"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("nip", sa.String(18)),
        sa.Column("oidc_issuer", sa.String(500)),
        sa.Column("oidc_subject", sa.String(255)),
        sa.Column("password_hash", sa.Text),
        sa.Column("is_city_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
        *_ts(),
        sa.PrimaryKeyConstraint("id", name="pk_app_user"),
        sa.UniqueConstraint("nip", name="uq_app_user_nip"),
        sa.UniqueConstraint(
            "oidc_issuer", "oidc_subject", name="uq_app_user_oidc_issuer_oidc_subject"
        ),
    )

    op.create_table(
        "membership",
        _tenant("membership"),
        sa.Column(
            "user_id",
            sa.BigInteger,
            sa.ForeignKey("app_user.id", name="fk_membership_user_id_app_user"),
            nullable=False,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "role", name="pk_membership"),
        sa.CheckConstraint("role IN ('pegawai', 'admin_opd')", name="ck_membership_role"),
    )
    rls.enable(op, "membership")

    op.create_table(
        "position",
        _tenant("position"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("grade", sa.Integer),
        *_ts(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_position"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_position_tenant_id_name"),
        sa.CheckConstraint(
            "type IN ('jpt_utama', 'jpt_madya', 'jpt_pratama', 'administrator', 'pengawas', "
            "'fungsional', 'pelaksana')",
            name="ck_position_type",
        ),
        sa.CheckConstraint("grade IS NULL OR grade BETWEEN 1 AND 17", name="ck_position_grade"),
    )
    rls.enable(op, "position")

    op.create_table(
        "employee",
        _tenant("employee"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("asn_type", sa.String(4), nullable=False),
        sa.Column("golongan", sa.String(8)),
        sa.Column("position_id", sa.BigInteger),
        sa.Column("org_unit_id", sa.BigInteger),
        sa.Column("superior_id", sa.BigInteger),
        sa.Column(
            "user_id",
            sa.BigInteger,
            sa.ForeignKey("app_user.id", name="fk_employee_user_id_app_user"),
        ),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        *_ts(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_employee"),
        sa.UniqueConstraint("tenant_id", "nip", name="uq_employee_tenant_id_nip"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "superior_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_employee_superior",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "org_unit_id"],
            ["org_unit.tenant_id", "org_unit.id"],
            name="fk_employee_org_unit",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_employee_position",
        ),
        sa.CheckConstraint("asn_type IN ('PNS', 'PPPK')", name="ck_employee_asn_type"),
        sa.CheckConstraint(
            "superior_id IS NULL OR superior_id <> id", name="ck_employee_not_own_superior"
        ),
    )
    op.create_index("ix_employee_tenant_id_superior_id", "employee", ["tenant_id", "superior_id"])
    op.create_index("ix_employee_tenant_id_org_unit_id", "employee", ["tenant_id", "org_unit_id"])
    op.create_index("ix_employee_user_id", "employee", ["user_id"])
    rls.enable(op, "employee")

    op.create_table(
        "api_token",
        _tenant("api_token"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column(
            "user_id",
            sa.BigInteger,
            sa.ForeignKey("app_user.id", name="fk_api_token_user_id_app_user"),
            nullable=False,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(24), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_api_token"),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
        sa.CheckConstraint("role IN ('pegawai', 'admin_opd')", name="ck_api_token_role"),
    )
    rls.enable(op, "api_token")

    op.create_table(
        "audit_log",
        _tenant("audit_log"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger),
        sa.Column("actor_role", sa.String(20)),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(64)),
        sa.Column("subject_employee_id", sa.BigInteger),
        sa.Column("changes", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("request_id", sa.String(64)),
        sa.Column("address", sa.String(64)),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_tenant_id_at", "audit_log", ["tenant_id", "at"])
    op.create_index(
        "ix_audit_log_tenant_id_subject", "audit_log", ["tenant_id", "subject_employee_id"]
    )
    rls.enable(op, "audit_log")
    # Append-only for everyone, the owner included (the grants already bind the app role).
    op.execute("""
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$
    """)
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )

    # The agencies a user belongs to, across tenants, for the "choose your agency" step after
    # sign-in. SECURITY DEFINER runs as the owner, past RLS, and returns only that user's rows.
    op.execute("""
        CREATE FUNCTION kinerja_user_memberships(p_user_id bigint)
        RETURNS TABLE (tenant_id bigint, role varchar)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT m.tenant_id, m.role FROM membership m WHERE m.user_id = p_user_id
        $$
    """)
    # Which agencies have an active employee with this NIP (linking a new SSO identity).
    op.execute("""
        CREATE FUNCTION kinerja_employees_by_nip(p_nip varchar)
        RETURNS TABLE (tenant_id bigint, employee_id bigint, user_id bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT e.tenant_id, e.id, e.user_id FROM employee e
            WHERE e.nip = p_nip AND e.active
        $$
    """)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS kinerja_employees_by_nip(varchar)")
    op.execute("DROP FUNCTION IF EXISTS kinerja_user_memberships(bigint)")
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("api_token")
    op.drop_table("employee")
    op.drop_table("position")
    op.drop_table("membership")
    op.drop_table("app_user")
