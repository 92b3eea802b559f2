"""Unit kerja: the work units of an OPD (bidang, seksi, UPT, puskesmas ...) as a tree."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKeyConstraint, Identity, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps


class OrgUnit(TenantOwned, Timestamps, Base):
    __tablename__ = "org_unit"
    __table_args__ = (
        # The parent is in the same tenant: the foreign key carries tenant_id.
        ForeignKeyConstraint(
            ["tenant_id", "parent_id"],
            ["org_unit.tenant_id", "org_unit.id"],
            name="fk_org_unit_parent",
        ),
        UniqueConstraint("tenant_id", "code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<OrgUnit {self.tenant_id}/{self.code}>"
