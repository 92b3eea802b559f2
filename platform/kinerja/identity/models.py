"""People and access: global users, per-tenant memberships, positions, employees, tokens, audit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps

ROLE_PEGAWAI = "pegawai"
ROLE_ADMIN_OPD = "admin_opd"
TENANT_ROLES = (ROLE_PEGAWAI, ROLE_ADMIN_OPD)


class User(Timestamps, Base):
    """A global identity: one person, who may belong to several agencies over time."""

    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(Text)
    is_city_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Membership(TenantOwned, Base):
    """A role of a user in one agency: `pegawai` or `admin_opd`."""

    __tablename__ = "membership"
    __table_args__ = (CheckConstraint("role IN ('pegawai', 'admin_opd')", name="role"),)

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Position(TenantOwned, Timestamps, Base):
    """Jabatan: a position's name, type (JPT … pelaksana) and grade (kelas jabatan)."""

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int | None] = mapped_column(Integer)


class Employee(TenantOwned, Timestamps, Base):
    """Pegawai: an ASN of this agency, placed in a unit and a position, under a superior (atasan).

    The head of an agency has no superior inside the tenant; who rates heads comes later.
    """

    __tablename__ = "employee"
    __table_args__ = (
        UniqueConstraint("tenant_id", "nip"),
        ForeignKeyConstraint(
            ["tenant_id", "superior_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_employee_superior",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "org_unit_id"],
            ["org_unit.tenant_id", "org_unit.id"],
            name="fk_employee_org_unit",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_employee_position",
        ),
        CheckConstraint("superior_id IS NULL OR superior_id <> id", name="not_own_superior"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    asn_type: Mapped[str] = mapped_column(String(4))
    golongan: Mapped[str | None] = mapped_column(String(8))
    position_id: Mapped[int | None] = mapped_column(BigInteger)
    org_unit_id: Mapped[int | None] = mapped_column(BigInteger)
    superior_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiToken(TenantOwned, Base):
    """An integration token: one tenant, one user's permissions, stored only as a hash."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(TenantOwned, Base):
    """Append-only: who did what to which object, when and from where.

    The application role may only SELECT and INSERT (see `TABLE_GRANTS`); a trigger refuses
    UPDATE and DELETE for everyone.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    subject_employee_id: Mapped[int | None] = mapped_column(BigInteger)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))


class EmployeeImport(TenantOwned, Base):
    """An uploaded employee file (CSV or XLSX) and the job that applies it."""

    __tablename__ = "employee_import"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "job_id"],
            ["background_job.tenant_id", "background_job.id"],
            name="fk_employee_import_job",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
