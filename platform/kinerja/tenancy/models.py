"""The tenant: one government agency (OPD) of Kota Medan with its own isolated data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Identity, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, Timestamps
from kinerja.tenancy.kinds import ACTIVE, KINDS, STATUSES


def _in(column: str, values: Any) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Tenant(Timestamps, Base):
    __tablename__ = "tenant"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'", name="slug"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE, server_default=ACTIVE)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"
