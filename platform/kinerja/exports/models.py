"""An export: a table of the agency written to XLSX or PDF by a background job, kept in the
storage for its requester until it expires."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Identity, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned


class Export(TenantOwned, Base):
    __tablename__ = "export"
    __table_args__ = (CheckConstraint("format IN ('xlsx', 'pdf')", name="format"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    format: Mapped[str] = mapped_column(String(4))
    year: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[int | None] = mapped_column(BigInteger)  # the user who may fetch it
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    filename: Mapped[str | None] = mapped_column(String(200))
    storage_key: Mapped[str | None] = mapped_column(String(400))
    size: Mapped[int | None] = mapped_column(BigInteger)
    rows: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
