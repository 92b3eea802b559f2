"""TPP: the city's base per kelas and its tables (global), its exception per position, the
agency's attendance events, its months and their computed lines (snapshots, versioned after
closing), and the one SECURITY DEFINER function that gives the city each agency's totals of a
month (aggregates only, no personal row).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column, timestamps

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

TABLES = ("tpp_position_base", "attendance_event", "tpp_month", "tpp_line")


def _employee_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "employee_id"],
        ["employee.tenant_id", "employee.id"],
        name=f"fk_{table}_employee",
    )


def upgrade() -> None:
    # The city's own data (global): the base per kelas and the tables of kinerja.rules.tpp
    # (an absent key means the default there).
    op.create_table(
        "tpp_base",
        sa.Column("kelas", sa.SmallInteger, nullable=False, autoincrement=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("updated_by", sa.BigInteger),
        moment("updated_at"),
        sa.PrimaryKeyConstraint("kelas", name="pk_tpp_base"),
        sa.CheckConstraint("kelas BETWEEN 1 AND 17", name="ck_tpp_base_kelas"),
        sa.CheckConstraint("amount >= 0", name="ck_tpp_base_amount"),
    )
    op.create_table(
        "tpp_setting",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("value", postgresql.JSONB, nullable=False),
        sa.Column("updated_by", sa.BigInteger),
        moment("updated_at"),
        sa.PrimaryKeyConstraint("key", name="pk_tpp_setting"),
    )
    op.create_table(
        "tpp_position_base",
        tenant_column("tpp_position_base"),
        sa.Column("position_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("updated_by", sa.BigInteger),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "position_id", name="pk_tpp_position_base"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_tpp_position_base_position",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("amount >= 0", name="ck_tpp_position_base_amount"),
    )
    op.create_table(
        "attendance_event",
        tenant_column("attendance_event"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("minutes", sa.Integer),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("reason", sa.Text),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_attendance_event"),
        _employee_fk("attendance_event"),
        sa.UniqueConstraint(
            "tenant_id",
            "employee_id",
            "day",
            "code",
            name="uq_attendance_event_tenant_id_employee_id_day_code",
        ),
        sa.CheckConstraint(
            "source IN ('import', 'api', 'correction')", name="ck_attendance_event_source"
        ),
        sa.CheckConstraint("minutes IS NULL OR minutes >= 0", name="ck_attendance_event_minutes"),
    )
    op.create_index("ix_attendance_event_tenant_id_day", "attendance_event", ["tenant_id", "day"])
    op.create_table(
        "tpp_month",
        tenant_column("tpp_month"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month", sa.SmallInteger, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True)),
        sa.Column("computed_by", sa.BigInteger),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_by", sa.BigInteger),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
        sa.Column("locked_by", sa.BigInteger),
        *timestamps(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_tpp_month"),
        sa.UniqueConstraint("tenant_id", "year", "month", name="uq_tpp_month_tenant_id_year_month"),
        sa.CheckConstraint("status IN ('open', 'closed', 'locked')", name="ck_tpp_month_status"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="ck_tpp_month_month"),
        sa.CheckConstraint("version >= 1", name="ck_tpp_month_version"),
    )
    op.create_table(
        "tpp_line",
        tenant_column("tpp_line"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("month_id", sa.BigInteger, nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("position_id", sa.BigInteger),
        sa.Column("kelas", sa.SmallInteger),
        sa.Column("base", sa.BigInteger, nullable=False),
        sa.Column("base_source", sa.String(10), nullable=False),
        sa.Column("predikat", sa.String(16)),
        sa.Column("evaluation_id", sa.BigInteger),
        sa.Column("predikat_source", sa.String(10), nullable=False),
        sa.Column("predikat_percent", sa.Numeric(7, 4), nullable=False),
        sa.Column("working_days", sa.SmallInteger, nullable=False),
        sa.Column("days_with_entry", sa.SmallInteger, nullable=False),
        sa.Column("compliance", sa.Numeric(7, 6), nullable=False),
        sa.Column("required_compliance", sa.Numeric(7, 6), nullable=False),
        sa.Column("kinerja_pct", sa.Numeric(9, 4), nullable=False),
        sa.Column("disiplin_pct", sa.Numeric(9, 4), nullable=False),
        sa.Column("events", postgresql.JSONB, nullable=False),
        sa.Column("deductions", postgresql.JSONB, nullable=False),
        sa.Column("weight_kinerja", sa.SmallInteger, nullable=False),
        sa.Column("weight_disiplin", sa.SmallInteger, nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_by", sa.BigInteger),
        moment("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_tpp_line"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "month_id"],
            ["tpp_month.tenant_id", "tpp_month.id"],
            name="fk_tpp_line_month",
            ondelete="CASCADE",
        ),
        _employee_fk("tpp_line"),
        sa.UniqueConstraint(
            "tenant_id",
            "month_id",
            "employee_id",
            "version",
            name="uq_tpp_line_tenant_id_month_id_employee_id_version",
        ),
        sa.CheckConstraint(
            "base_source IN ('position', 'kelas', 'none')", name="ck_tpp_line_base_source"
        ),
        sa.CheckConstraint(
            "predikat_source IN ('covering', 'latest', 'none')",
            name="ck_tpp_line_predikat_source",
        ),
        sa.CheckConstraint("total >= 0 AND base >= 0", name="ck_tpp_line_amounts"),
        sa.CheckConstraint("weight_kinerja + weight_disiplin = 100", name="ck_tpp_line_weights"),
    )
    op.create_index("ix_tpp_line_tenant_id_employee_id", "tpp_line", ["tenant_id", "employee_id"])
    for table in TABLES:
        rls.enable(op, table)
    # Aggregates only: per agency, the month's state and the sums of its current lines (each
    # employee's highest version), for the city's totals. No NIP, no name, no line.
    op.execute("""
        CREATE FUNCTION kinerja_tpp_totals(p_year integer, p_month integer)
        RETURNS TABLE (tenant_id bigint, status text, version integer, employees bigint,
                       total numeric, kinerja_avg numeric, disiplin_avg numeric)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT m.tenant_id, m.status::text, m.version, count(c.employee_id),
                   coalesce(sum(c.total), 0), avg(c.kinerja_pct), avg(c.disiplin_pct)
            FROM tpp_month m
            LEFT JOIN LATERAL (
                SELECT DISTINCT ON (l.employee_id) l.employee_id, l.total, l.kinerja_pct,
                       l.disiplin_pct
                FROM tpp_line l
                WHERE l.tenant_id = m.tenant_id AND l.month_id = m.id
                ORDER BY l.employee_id, l.version DESC
            ) c ON true
            WHERE m.year = p_year AND m.month = p_month
            GROUP BY m.tenant_id, m.status, m.version
        $$
    """)
    op.execute("REVOKE EXECUTE ON FUNCTION kinerja_tpp_totals(integer, integer) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS kinerja_tpp_totals(integer, integer)")
    for table in reversed(TABLES):
        op.drop_table(table)
    op.drop_table("tpp_setting")
    op.drop_table("tpp_base")
