"""BKPSDM's changes to the guidance texts (global: the same for every agency)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base


class GuidanceText(Base):
    """One text of the guidance as BKPSDM wrote it (`key` like `help.rhk.text.id`)."""

    __tablename__ = "guidance_text"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
