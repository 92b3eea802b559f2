"""The agency's figures of a year, computed by a background job from its own rows: the only
thing about an agency the city's comparison reads (through an allow-listed function)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned


class AgencyFigures(TenantOwned, Base):
    """Counts and shares only (no name, no NIP, no personal row), with when they were made.
    That they need making again is kept in Redis (`figures.mark_stale`): a flag on this row
    would be one hot row every approval in the agency waits on."""

    __tablename__ = "agency_figures"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    figures: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
