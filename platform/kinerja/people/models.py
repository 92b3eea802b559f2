"""People of an agency: positions (jabatan), employees (pegawai) and employee imports."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps


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
        Index("ix_employee_tenant_id_superior_id", "tenant_id", "superior_id"),
        Index("ix_employee_tenant_id_org_unit_id", "tenant_id", "org_unit_id"),
        Index("ix_employee_user_id", "user_id"),
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
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # deleted when no longer needed
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AgencyViewer(TenantOwned, Base):
    """Someone the agency names to see it as its head does (its figures, the predikat curve,
    every evaluation's state), read-only: an employee by name, or whoever holds a position
    (the sekretaris). The admin OPD keeps the list (`people/overseers.py`)."""

    __tablename__ = "agency_viewer"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_agency_viewer_employee",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_agency_viewer_position",
            ondelete="CASCADE",
        ),
        CheckConstraint("(employee_id IS NULL) <> (position_id IS NULL)", name="one_of"),
        UniqueConstraint("tenant_id", "employee_id"),
        UniqueConstraint("tenant_id", "position_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    employee_id: Mapped[int | None] = mapped_column(BigInteger)
    position_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
