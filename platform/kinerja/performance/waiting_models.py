"""What waits for whom, kept as the workflows move ("Menunggu Anda" and the menu badges read it
without walking a rater chain): one mark per item and holder, and one counter per holder and
kind (`performance.waiting`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned

KINDS = ("skp", "entry", "evaluation")
_KIND_CHECK = "kind IN (" + ", ".join(repr(k) for k in KINDS) + ")"


class WaitingMark(TenantOwned, Base):
    """An item (a submitted SKP, entry or evaluation) waiting for one holder: "e:<employee id>"
    or "admin" (every admin OPD of the agency). The counters are the marks counted: a mark is
    added or removed with its counter in one statement pair, so the two cannot part."""

    __tablename__ = "waiting_mark"
    __table_args__ = (
        CheckConstraint(_KIND_CHECK, name="kind"),
        Index("ix_waiting_mark_tenant_id_holder", "tenant_id", "holder", "kind", "owner_id"),
    )

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    holder: Mapped[str] = mapped_column(String(24), primary_key=True)
    owner_id: Mapped[int] = mapped_column(BigInteger)  # whose item (never waits for themselves)


class WaitingCounter(TenantOwned, Base):
    """How many items of a kind wait for a holder: read in one row per holder."""

    __tablename__ = "waiting_counter"
    __table_args__ = (CheckConstraint(_KIND_CHECK, name="kind"),)

    holder: Mapped[str] = mapped_column(String(24), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
