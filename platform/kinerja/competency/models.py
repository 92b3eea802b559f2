"""Tables of competencies and talent: the city's default required levels, each position's
standard, the agency's talent policy, assessment campaigns with their rater tasks and ratings,
and the agency's own development options."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned


class CompetencyDefault(Base):
    """The city's change to a default required level (global): per position type, from a kelas
    jabatan (grade) up. The defaults are package data (talent.json); of all steps, the one with
    the highest `from_grade` not above the position's grade applies."""

    __tablename__ = "competency_default"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    position_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    from_grade: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    level: Mapped[int] = mapped_column(SmallInteger)


class CompetencyStandard(TenantOwned, Base):
    """A position's required level of one competency, set by the admin OPD: it overrides the
    default (level 0: not required here) or adds a technical competency of a plugin."""

    __tablename__ = "competency_standard"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_competency_standard_position",
            ondelete="CASCADE",
        ),
        CheckConstraint("level BETWEEN 0 AND 5", name="level"),
    )

    position_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)


class TalentPolicy(TenantOwned, Base):
    """The agency's choices: the JPM scale shown, the potensial cut-offs (JPM %), the weights of
    rater sources and the anonymity minimum (never below 3)."""

    __tablename__ = "talent_policy"
    __table_args__ = (
        CheckConstraint("minimum >= 3", name="minimum"),
        CheckConstraint("jpm_scale IN ('kemenpan', 'seleksi')", name="jpm_scale"),
        CheckConstraint("menengah_from <= tinggi_from", name="cutoffs"),
    )

    jpm_scale: Mapped[str] = mapped_column(String(10), default="kemenpan")
    tinggi_from: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    menengah_from: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    minimum: Mapped[int] = mapped_column(SmallInteger, default=3)
    weights: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict)


class AssessmentCampaign(TenantOwned, Base):
    """An assessment round of the agency: who is assessed, on what, by which sources."""

    __tablename__ = "assessment_campaign"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("minimum >= 3", name="minimum"),
        CheckConstraint("starts <= ends", name="dates"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # source -> weight; a source with weight 0 is off (self, superior, peer, subordinate)
    sources: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict)
    minimum: Mapped[int] = mapped_column(SmallInteger, default=3)
    # competency codes assessed; empty: each person's required competencies
    competencies: Mapped[list[str]] = mapped_column(JSONB, default=list)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AssessmentSubject(TenantOwned, Base):
    """Someone assessed in a campaign."""

    __tablename__ = "assessment_subject"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"],
            ["assessment_campaign.tenant_id", "assessment_campaign.id"],
            name="fk_assessment_subject_campaign",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_assessment_subject_employee",
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    employee_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class AssessmentTask(TenantOwned, Base):
    """One rater's task: rate one person. Its row says who rates whom and whether it is done;
    for peers and subordinates the ratings themselves carry no link back to it. One task per
    rater, person and source; answered once (`done_at` is set once: a trigger refuses a second
    claim, and a rating without an answered task behind it, migration 0020)."""

    __tablename__ = "assessment_task"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id", "subject_id"],
            [
                "assessment_subject.tenant_id",
                "assessment_subject.campaign_id",
                "assessment_subject.employee_id",
            ],
            name="fk_assessment_task_subject",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "rater_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_assessment_task_rater",
        ),
        CheckConstraint("source IN ('self', 'superior', 'peer', 'subordinate')", name="source"),
        Index("ix_assessment_task_tenant_id_rater_id", "tenant_id", "rater_id"),
        UniqueConstraint(
            "tenant_id",
            "campaign_id",
            "subject_id",
            "rater_id",
            "source",
            name="uq_assessment_task_rater",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(BigInteger)
    subject_id: Mapped[int] = mapped_column(BigInteger)
    rater_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(12))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AssessmentRating(TenantOwned, Base):
    """A level given to a person for one competency. `rater_id` is kept only for the named
    sources (self, superior, assessor); peer and subordinate ratings are stored without it, so
    nobody can learn who gave them, whatever they can read."""

    __tablename__ = "assessment_rating"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id", "subject_id"],
            [
                "assessment_subject.tenant_id",
                "assessment_subject.campaign_id",
                "assessment_subject.employee_id",
            ],
            name="fk_assessment_rating_subject",
            ondelete="CASCADE",
        ),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint(
            "source IN ('self', 'superior', 'peer', 'subordinate', 'assessor')", name="source"
        ),
        CheckConstraint(
            "rater_id IS NULL OR source NOT IN ('peer', 'subordinate')", name="anonymous"
        ),
        Index(
            "ix_assessment_rating_tenant_id_campaign_id_subject_id",
            "tenant_id",
            "campaign_id",
            "subject_id",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(BigInteger)
    subject_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(12))
    rater_id: Mapped[int | None] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)


class DevelopmentOption(TenantOwned, Base):
    """A development option the admin OPD adds to the catalogue (training, coaching,
    assignment) for one competency, or for any (`code` '*')."""

    __tablename__ = "development_option"
    __table_args__ = (
        CheckConstraint("kind IN ('training', 'coaching', 'assignment')", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(String(300))


class TalentResult(TenantOwned, Base):
    """A person's result as the grid and the heat-map read it, computed by a job
    (`competency.stored`) from their latest closed campaign and latest annual predikat: no page
    computes an agency's results while someone waits. One row per person, kept for everyone
    (null fields: nothing to show yet), so the grid's totals need no other table. That a row
    needs computing again is kept in Redis (`stored.mark_stale`), not here: a flag on these
    rows would be written by every rating."""

    __tablename__ = "talent_result"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_talent_result_employee",
            ondelete="CASCADE",
        ),
        CheckConstraint("box BETWEEN 1 AND 9", name="box"),
        Index("ix_talent_result_tenant_id_box", "tenant_id", "box"),
    )

    employee_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    campaign_id: Mapped[int | None] = mapped_column(BigInteger)  # the campaign it comes from
    jpm: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    category: Mapped[str | None] = mapped_column(String(20))
    predikat: Mapped[str | None] = mapped_column(String(20))
    kinerja: Mapped[str | None] = mapped_column(String(20))
    potensial: Mapped[str | None] = mapped_column(String(20))
    box: Mapped[int | None] = mapped_column(SmallInteger)
    # {code: gap} of the competencies both required and assessed (what the heat-map averages)
    gaps: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
