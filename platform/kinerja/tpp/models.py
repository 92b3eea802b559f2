"""Tables of the TPP (Tambahan Penghasilan Pegawai): the city's amounts and tables (global), the
city's exception per position, the agency's attendance events, its months and the computed lines.

A line is a snapshot: everything the month's figure came from (the base and its source, the
predikat and its evaluation, the working days and the days with an entry, the events and the
deductions of the table in force) is copied into it, so a closed month explains itself the same
way for ever, whatever happens later to the tables, the evaluations or the events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps

OPEN, CLOSED, LOCKED = "open", "closed", "locked"
MONTH_STATES = (OPEN, CLOSED, LOCKED)
IMPORT, API, CORRECTION = "import", "api", "correction"
SOURCES = (IMPORT, API, CORRECTION)


class TppBase(Base):
    """The city's base amount of one kelas jabatan (global), in whole rupiah."""

    __tablename__ = "tpp_base"
    __table_args__ = (
        CheckConstraint("kelas BETWEEN 1 AND 17", name="kelas"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    kelas: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    amount: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TppSetting(Base):
    """One of the city's tables (global), replacing the default of `kinerja.rules.tpp` when
    present: `deductions` (code -> points), `kinerja_percent` (predikat -> percent), `weights`
    ([kinerja, disiplin]), `required_compliance` (a share as text)."""

    __tablename__ = "tpp_setting"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONB)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TppPositionBase(TenantOwned, Timestamps, Base):
    """The city's exception for one position of the agency: its base instead of its kelas'."""

    __tablename__ = "tpp_position_base"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_tpp_position_base_position",
            ondelete="CASCADE",
        ),
        CheckConstraint("amount >= 0", name="amount"),
    )

    position_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    amount: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)


class AttendanceEvent(TenantOwned, Timestamps, Base):
    """One attendance event of an employee on a day (late, left early, absent without word):
    from the admin OPD's import, an attendance system's push, or a correction with its reason."""

    __tablename__ = "attendance_event"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_attendance_event_employee",
        ),
        UniqueConstraint("tenant_id", "employee_id", "day", "code"),
        CheckConstraint("source IN ('import', 'api', 'correction')", name="source"),
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes"),
        # the month's events of the agency are read in one range scan
        Index("ix_attendance_event_tenant_id_day", "tenant_id", "day"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    employee_id: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(40))
    minutes: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)  # a correction's why


class TppMonth(TenantOwned, Timestamps, Base):
    """The agency's month: open (computed and recomputed), closed by the admin OPD (never
    changes again; a correction is a new version), locked by the city (nothing more).
    `version` counts the corrections after closing (1: as closed)."""

    __tablename__ = "tpp_month"
    __table_args__ = (
        UniqueConstraint("tenant_id", "year", "month"),
        CheckConstraint("status IN ('open', 'closed', 'locked')", name="status"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    version: Mapped[int] = mapped_column(Integer, default=1)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    computed_by: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(BigInteger)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[int | None] = mapped_column(BigInteger)


class TppLine(TenantOwned, Base):
    """One employee's TPP of the month in one version, with all it came from. The current line
    is the employee's highest version; earlier ones stay as the history of corrections."""

    __tablename__ = "tpp_line"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "month_id"],
            ["tpp_month.tenant_id", "tpp_month.id"],
            name="fk_tpp_line_month",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_tpp_line_employee",
        ),
        UniqueConstraint("tenant_id", "month_id", "employee_id", "version"),
        CheckConstraint("base_source IN ('position', 'kelas', 'none')", name="base_source"),
        CheckConstraint(
            "predikat_source IN ('covering', 'latest', 'none')", name="predikat_source"
        ),
        CheckConstraint("total >= 0 AND base >= 0", name="amounts"),
        CheckConstraint("weight_kinerja + weight_disiplin = 100", name="weights"),
        # one employee's lines across months ("TPP saya")
        Index("ix_tpp_line_tenant_id_employee_id", "tenant_id", "employee_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    month_id: Mapped[int] = mapped_column(BigInteger)
    employee_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    position_id: Mapped[int | None] = mapped_column(BigInteger)  # as it was (a snapshot)
    kelas: Mapped[int | None] = mapped_column(SmallInteger)
    base: Mapped[int] = mapped_column(BigInteger)
    base_source: Mapped[str] = mapped_column(String(10))
    predikat: Mapped[str | None] = mapped_column(String(16))
    # the evaluation the predikat came from; no foreign key: the line is a snapshot that must
    # outlive whatever happens to the evaluation
    evaluation_id: Mapped[int | None] = mapped_column(BigInteger)
    predikat_source: Mapped[str] = mapped_column(String(10))
    predikat_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    working_days: Mapped[int] = mapped_column(SmallInteger)
    days_with_entry: Mapped[int] = mapped_column(SmallInteger)
    compliance: Mapped[Decimal] = mapped_column(Numeric(7, 6))
    required_compliance: Mapped[Decimal] = mapped_column(Numeric(7, 6))
    kinerja_pct: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    disiplin_pct: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    events: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict)  # code -> count
    deductions: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)  # code -> points
    weight_kinerja: Mapped[int] = mapped_column(SmallInteger)
    weight_disiplin: Mapped[int] = mapped_column(SmallInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)  # a version after closing: why
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
