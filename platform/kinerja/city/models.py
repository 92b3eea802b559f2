"""The agency's figures of a year, computed by a background job from its own rows: the only
thing about an agency the city's comparison reads (through an allow-listed function)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned


class AgencyFigures(TenantOwned, Base):
    """Counts and shares only (no name, no NIP, no personal row), with when they were made;
    `stale` is set by the events that change them, and the next round recomputes."""

    __tablename__ = "agency_figures"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    figures: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    stale: Mapped[bool] = mapped_column(Boolean, default=True)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
