"""Submissions of report forms: stored generically, validated against the plugin's form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps


class ReportSubmission(TenantOwned, Timestamps, Base):
    """One filled-in report form (laporan) of an employee for a date."""

    __tablename__ = "report_submission"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_report_submission_employee",
        ),
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'rejected')", name="status"),
        Index("ix_report_submission_tenant_id_form_date", "tenant_id", "form_code", "report_date"),
        UniqueConstraint("tenant_id", "employee_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    form_code: Mapped[str] = mapped_column(String(60))
    plugin: Mapped[str] = mapped_column(String(100))
    employee_id: Mapped[int] = mapped_column(BigInteger)
    report_date: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Created exactly once under a client's key (kinerja.db.idempotency).
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))
