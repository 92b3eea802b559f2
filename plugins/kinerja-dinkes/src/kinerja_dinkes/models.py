"""The plugin's table: the agency's puskesmas (health centres), by code."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.plugins.api import Base, TenantOwned


class Puskesmas(TenantOwned, Base):
    __tablename__ = "dinkes_puskesmas"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kecamatan: Mapped[str | None] = mapped_column(String(100))
