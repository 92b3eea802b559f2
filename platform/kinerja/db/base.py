"""Declarative base and the tenant-owned mixin every per-agency table uses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names, so migrations can name what they alter.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), sort_order=90
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), sort_order=91
    )


class TenantOwned:
    """Rows that belong to one tenant (OPD).

    `tenant_id` leads the primary key and every foreign key between tenant-owned tables includes
    it, so no row can point into another tenant and the schema can be distributed by tenant_id.
    The ORM filters on it (kinerja.db.scoping) and PostgreSQL row-level security enforces it again.
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(BigInteger, ForeignKey("tenant.id"), primary_key=True, sort_order=-100)
