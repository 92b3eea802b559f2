"""Tables of the performance year: the city's years, the agency's frequency and targets, SKP."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    or_,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps


class PerformanceYear(Base):
    """The city's performance year (global): its dates and whether it is closed (read-only).

    A year without a row is open and runs January to December: the city only writes a row to
    move the dates or to close the year.
    """

    __tablename__ = "performance_year"
    __table_args__ = (CheckConstraint("starts < ends", name="dates"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class AgencyYear(TenantOwned, Base):
    """The agency's periodic evaluation frequency for one year."""

    __tablename__ = "agency_year"
    __table_args__ = (
        CheckConstraint("frequency IN ('monthly', 'quarterly', 'semester')", name="frequency"),
    )

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    frequency: Mapped[str] = mapped_column(String(10))


class OrgTarget(TenantOwned, Timestamps, Base):
    """A sasaran strategis of the agency for a year (Renstra / Perjanjian Kinerja), with its
    indicators as a list of {text, target, unit}; the head's RHK cascade from these."""

    __tablename__ = "org_target"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "code"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class Skp(TenantOwned, Timestamps, Base):
    """One employee's plan for one year; its current version (`version`) and state.

    RHK and IKI rows are the working copy; every approved version is frozen in `SkpVersion`.
    The header is live while drafting and a snapshot once submitted and once approved.
    """

    __tablename__ = "skp"
    __table_args__ = (
        UniqueConstraint("tenant_id", "employee_id", "year"),
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_skp_employee",
        ),
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'rejected')", name="status"),
        CheckConstraint("approach IN ('kuantitatif', 'kualitatif')", name="approach"),
        Index("ix_skp_tenant_id_year_status", "tenant_id", "year", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    employee_id: Mapped[int] = mapped_column(BigInteger)
    year: Mapped[int] = mapped_column(Integer)
    approach: Mapped[str] = mapped_column(String(12), default="kuantitatif")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    header_submitted: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    header_approved: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    expectations: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    lampiran: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    revision_reason: Mapped[str | None] = mapped_column(Text)  # why this version was opened
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)  # user id
    acting: Mapped[bool] = mapped_column(Boolean, default=False)  # decided by the next one up

    @hybrid_property
    def in_force(self) -> bool:
        """Whether a plan is in force: approved once (a revision under way keeps the last
        approved version in force). Work is logged and evaluated against it."""
        return self.status == "approved" or self.version > 1

    @in_force.inplace.expression
    @classmethod
    def _in_force(cls) -> ColumnElement[bool]:
        return or_(cls.status == "approved", cls.version > 1)


class Rhk(TenantOwned, Base):
    """Rencana Hasil Kerja: a result the employee commits to, cascading from the superior's RHK
    (`parent_rhk_id`) or, for the head of the agency, from an organisation target."""

    __tablename__ = "rhk"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "skp_id"], ["skp.tenant_id", "skp.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "parent_rhk_id"], ["rhk.tenant_id", "rhk.id"], name="fk_rhk_parent"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "org_target_id"],
            ["org_target.tenant_id", "org_target.id"],
            name="fk_rhk_org_target",
        ),
        CheckConstraint("kind IN ('utama', 'tambahan')", name="kind"),
        CheckConstraint(
            "cascading IS NULL OR cascading IN ('langsung', 'tidak_langsung')", name="cascading"
        ),
        Index("ix_rhk_tenant_id_skp_id", "tenant_id", "skp_id"),
        Index("ix_rhk_tenant_id_parent_rhk_id", "tenant_id", "parent_rhk_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    skp_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8), default="utama")
    text: Mapped[str] = mapped_column(Text)
    parent_rhk_id: Mapped[int | None] = mapped_column(BigInteger)
    org_target_id: Mapped[int | None] = mapped_column(BigInteger)
    cascading: Mapped[str | None] = mapped_column(String(14))
    perspektif: Mapped[str | None] = mapped_column(String(20))  # JPT only
    position: Mapped[int] = mapped_column(Integer, default=0)
    proposed: Mapped[bool] = mapped_column(Boolean, default=False)  # handed down, not accepted


class Iki(TenantOwned, Base):
    """Indikator Kinerja Individu of an RHK: aspect and target (a number or a range, with a
    unit), or a narrative target in the qualitative approach; the target per evaluation period
    when set (`period_targets`, else the year's split by `kinerja.rules.iki`)."""

    __tablename__ = "iki"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "rhk_id"], ["rhk.tenant_id", "rhk.id"], ondelete="CASCADE"
        ),
        CheckConstraint(
            "aspect IS NULL OR aspect IN ('kuantitas', 'kualitas', 'waktu', 'biaya')",
            name="aspect",
        ),
        CheckConstraint("target_high IS NULL OR target_low <= target_high", name="range"),
        CheckConstraint(
            "period_targets IS NULL OR jsonb_typeof(period_targets -> 'targets') = 'array'",
            name="period_targets",
        ),
        Index("ix_iki_tenant_id_rhk_id", "tenant_id", "rhk_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    rhk_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    aspect: Mapped[str | None] = mapped_column(String(10))
    target_low: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    target_high: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    unit: Mapped[str | None] = mapped_column(String(40))
    narrative: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # {"frequency": "quarterly", "targets": [{"low": "3", "high": null}, ...]}: one per period
    # of the agency's frequency when they were set; a changed frequency falls back to the split.
    period_targets: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class SkpVersion(TenantOwned, Base):
    """An approved version of an SKP, frozen whole (header, RHK, IKI, perilaku, lampiran)."""

    __tablename__ = "skp_version"
    __table_args__ = (
        UniqueConstraint("tenant_id", "skp_id", "version"),
        ForeignKeyConstraint(
            ["tenant_id", "skp_id"], ["skp.tenant_id", "skp.id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    skp_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(Text)  # why the version was opened (None: first)
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[int | None] = mapped_column(BigInteger)
