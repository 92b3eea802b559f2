"""The durable record of a background job, readable through the API after Redis forgets it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps

QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED = (
    "queued",
    "running",
    "retrying",
    "succeeded",
    "failed",
)
JOB_STATUSES = (QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED)


class BackgroundJob(TenantOwned, Timestamps, Base):
    __tablename__ = "background_job"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(repr(s) for s in JOB_STATUSES) + ")", name="status"
        ),
        Index("ix_background_job_tenant_id_created_at", "tenant_id", "created_at"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    args: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
