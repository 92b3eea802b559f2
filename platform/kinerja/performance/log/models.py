"""Tables of daily work: entries, their evidence files, and each agency's rules for them."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps


class LogPolicy(TenantOwned, Base):
    """An agency's rules for daily entries (one row; none: the defaults)."""

    __tablename__ = "log_policy"
    __table_args__ = (CheckConstraint("deadline_days BETWEEN 0 AND 31", name="deadline_days"),)

    deadline_days: Mapped[int] = mapped_column(Integer, default=3)
    late_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    days_off_count: Mapped[bool] = mapped_column(Boolean, default=True)
    keep_location: Mapped[bool] = mapped_column(Boolean, default=False)


class WorkEntry(TenantOwned, Timestamps, Base):
    """One day's piece of work of an employee, against an RHK (and IKI) of their SKP or as
    tugas tambahan with a reason."""

    __tablename__ = "work_entry"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_work_entry_employee",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "rhk_id"], ["rhk.tenant_id", "rhk.id"], name="fk_work_entry_rhk"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "iki_id"], ["iki.tenant_id", "iki.id"], name="fk_work_entry_iki"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "report_submission_id"],
            ["report_submission.tenant_id", "report_submission.id"],
            name="fk_work_entry_report_submission",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "rencana_aksi_id"],
            ["rencana_aksi.tenant_id", "rencana_aksi.id"],
            name="fk_work_entry_rencana_aksi",
        ),
        UniqueConstraint("tenant_id", "employee_id", "idempotency_key"),
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'rejected')", name="status"),
        CheckConstraint("rhk_id IS NOT NULL OR extra_reason IS NOT NULL", name="serves"),
        Index("ix_work_entry_tenant_id_employee_id_date", "tenant_id", "employee_id", "entry_date"),
        Index("ix_work_entry_tenant_id_status_id", "tenant_id", "status", "id"),
        Index("ix_work_entry_tenant_id_rencana_aksi_id", "tenant_id", "rencana_aksi_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    employee_id: Mapped[int] = mapped_column(BigInteger)
    entry_date: Mapped[date] = mapped_column(Date)
    rhk_id: Mapped[int | None] = mapped_column(BigInteger)
    iki_id: Mapped[int | None] = mapped_column(BigInteger)
    rencana_aksi_id: Mapped[int | None] = mapped_column(BigInteger)  # the step it serves
    extra_reason: Mapped[str | None] = mapped_column(String(300))  # tugas tambahan: why
    activity: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    unit: Mapped[str | None] = mapped_column(String(40))
    started: Mapped[time | None] = mapped_column(Time)
    ended: Mapped[time | None] = mapped_column(Time)
    minutes: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    report_submission_id: Mapped[int | None] = mapped_column(BigInteger)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))  # the first request's
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # One more with every correction, even one that changes nothing: a second edit sent with
    # the same If-Match (or the same form) is then refused, never applied after the first.
    revision: Mapped[int] = mapped_column(Integer, server_default="1")


class StoredFile:
    """The columns of an evidence file kept in the storage (a photo or a PDF, cleaned, with a
    thumbnail where one can be made); the tables add what the file belongs to."""

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(400))
    thumb_key: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EvidenceFile(StoredFile, TenantOwned, Base):
    """A photo or PDF backing an entry; the bytes live in the storage under `storage_key`."""

    __tablename__ = "evidence_file"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "entry_id"],
            ["work_entry.tenant_id", "work_entry.id"],
            name="fk_evidence_file_entry",
            ondelete="CASCADE",
        ),
        CheckConstraint("kind IN ('jpeg', 'png', 'webp', 'pdf')", name="kind"),
        Index("ix_evidence_file_tenant_id_entry_id", "tenant_id", "entry_id"),
    )

    entry_id: Mapped[int] = mapped_column(BigInteger)
