"""The table of Rencana Aksi steps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps


class RencanaAksi(TenantOwned, Timestamps, Base):
    """One planned step of an RHK in one evaluation period: what is done, by when, with which
    output. `done_at` is the owner's own "done" mark; approved daily entries naming the step
    are its evidence (`rules.status` reads both)."""

    __tablename__ = "rencana_aksi"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "skp_id"],
            ["skp.tenant_id", "skp.id"],
            name="fk_rencana_aksi_skp",
            ondelete="CASCADE",
        ),
        # A step goes with its result (and the result with its plan).
        ForeignKeyConstraint(
            ["tenant_id", "rhk_id"],
            ["rhk.tenant_id", "rhk.id"],
            name="fk_rencana_aksi_rhk",
            ondelete="CASCADE",
        ),
        CheckConstraint("period BETWEEN 1 AND 12", name="period"),
        Index("ix_rencana_aksi_tenant_id_skp_id_due", "tenant_id", "skp_id", "due"),
        Index("ix_rencana_aksi_tenant_id_rhk_id_period", "tenant_id", "rhk_id", "period"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    skp_id: Mapped[int] = mapped_column(BigInteger)
    rhk_id: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[int] = mapped_column(Integer)  # 1…n of the agency's frequency that year
    text: Mapped[str] = mapped_column(Text)  # what is done
    due: Mapped[date] = mapped_column(Date)  # by when, inside the period
    output: Mapped[str] = mapped_column(String(300))  # what it produces
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[int | None] = mapped_column(BigInteger)  # user id
