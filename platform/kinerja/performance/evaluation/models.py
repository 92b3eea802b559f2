"""Tables of the evaluation: the agency's achievement per year, evaluations and their items."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps
from kinerja.performance.log.models import StoredFile


class OrgAchievement(TenantOwned, Base):
    """The agency's organisational achievement of a year (it bounds the predikat curve), and
    whether the head's Rating Hasil Kerja follows it."""

    __tablename__ = "org_achievement"
    __table_args__ = (
        CheckConstraint(
            "level IN ('ISTIMEWA', 'BAIK', 'BUTUH_PERBAIKAN', 'KURANG', 'SANGAT_KURANG')",
            name="level",
        ),
    )

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    level: Mapped[str] = mapped_column(String(16))
    head_from_organisation: Mapped[bool] = mapped_column(Boolean, default=True)
    set_by: Mapped[int | None] = mapped_column(BigInteger)
    set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Evaluation(TenantOwned, Timestamps, Base):
    """One evaluation of an SKP: a period of the agency's frequency (1…n) or the year (0)."""

    __tablename__ = "evaluation"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "skp_id"], ["skp.tenant_id", "skp.id"], name="fk_evaluation_skp"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_evaluation_employee",
        ),
        UniqueConstraint("tenant_id", "skp_id", "period"),
        CheckConstraint("status IN ('draft', 'submitted', 'rated', 'approved')", name="status"),
        CheckConstraint(
            "rating_hasil IS NULL OR rating_hasil IN ('DI_ATAS', 'SESUAI', 'DI_BAWAH')",
            name="rating_hasil",
        ),
        CheckConstraint(
            "rating_perilaku IS NULL OR rating_perilaku IN ('DI_ATAS', 'SESUAI', 'DI_BAWAH')",
            name="rating_perilaku",
        ),
        Index("ix_evaluation_tenant_id_year_period", "tenant_id", "year", "period"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    skp_id: Mapped[int] = mapped_column(BigInteger)
    employee_id: Mapped[int] = mapped_column(BigInteger)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)  # 0: the year
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    rating_hasil: Mapped[str | None] = mapped_column(String(10))
    rating_perilaku: Mapped[str | None] = mapped_column(String(10))
    predikat: Mapped[str | None] = mapped_column(String(16))
    behaviour_feedback: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    feedback: Mapped[str | None] = mapped_column(Text)  # the rater's overall feedback
    reason: Mapped[str | None] = mapped_column(Text)  # why returned or revised
    curve_reason: Mapped[str | None] = mapped_column(Text)  # approved against the curve: why
    rated_by: Mapped[int | None] = mapped_column(BigInteger)
    approved_by: Mapped[int | None] = mapped_column(BigInteger)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revisions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class EvaluationItem(TenantOwned, Base):
    """Realisasi of one IKI in an evaluation, its evidence (daily entries) and the feedback."""

    __tablename__ = "evaluation_item"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id"],
            ["evaluation.tenant_id", "evaluation.id"],
            name="fk_evaluation_item_evaluation",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "iki_id"], ["iki.tenant_id", "iki.id"], name="fk_evaluation_item_iki"
        ),
        UniqueConstraint("tenant_id", "evaluation_id", "iki_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(BigInteger)
    iki_id: Mapped[int] = mapped_column(BigInteger)
    realisasi: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    realisasi_text: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[int]] = mapped_column(JSONB, default=list)  # daily entry ids
    reports: Mapped[list[int]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )  # report submission ids
    feedback: Mapped[str | None] = mapped_column(Text)


class EvaluationFile(StoredFile, TenantOwned, Base):
    """A file of its own backing one IKI's realisasi (a certificate, a signed letter); the
    bytes live in the storage like a daily entry's evidence."""

    __tablename__ = "evaluation_file"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "evaluation_id", "iki_id"],
            [
                "evaluation_item.tenant_id",
                "evaluation_item.evaluation_id",
                "evaluation_item.iki_id",
            ],
            name="fk_evaluation_file_item",
            ondelete="CASCADE",
        ),
        CheckConstraint("kind IN ('jpeg', 'png', 'webp', 'pdf')", name="kind"),
        Index("ix_evaluation_file_tenant_id_evaluation_id", "tenant_id", "evaluation_id"),
    )

    evaluation_id: Mapped[int] = mapped_column(BigInteger)
    iki_id: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
