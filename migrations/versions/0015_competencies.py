"""Competencies and talent: the city's default required levels (global), each position's
standard, the agency's talent policy, assessment campaigns with rater tasks and ratings (peer
and subordinate ratings stored without their rater), and the agency's development options.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kinerja.db import rls
from kinerja.db.ddl import moment, tenant_column

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = (
    "competency_standard",
    "talent_policy",
    "assessment_campaign",
    "assessment_subject",
    "assessment_task",
    "assessment_rating",
    "development_option",
)


def _subject_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "campaign_id", "subject_id"],
        [
            "assessment_subject.tenant_id",
            "assessment_subject.campaign_id",
            "assessment_subject.employee_id",
        ],
        name=f"fk_{table}_subject",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    # The city's changes to the default levels (the defaults themselves are package data,
    # kinerja/competency/talent.json): a row here overrides or adds one step.
    op.create_table(
        "competency_default",
        sa.Column("position_type", sa.String(20), nullable=False),
        sa.Column("from_grade", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.PrimaryKeyConstraint("position_type", "from_grade", name="pk_competency_default"),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_competency_default_level"),
    )
    op.create_table(
        "competency_standard",
        tenant_column("competency_standard"),
        sa.Column("position_id", sa.BigInteger, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "position_id", "code", name="pk_competency_standard"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "position_id"],
            ["position.tenant_id", "position.id"],
            name="fk_competency_standard_position",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("level BETWEEN 0 AND 5", name="ck_competency_standard_level"),
    )
    op.create_table(
        "talent_policy",
        tenant_column("talent_policy"),
        sa.Column("jpm_scale", sa.String(10), nullable=False),
        sa.Column("tinggi_from", sa.Numeric(5, 2), nullable=False),
        sa.Column("menengah_from", sa.Numeric(5, 2), nullable=False),
        sa.Column("minimum", sa.SmallInteger, nullable=False),
        sa.Column("weights", postgresql.JSONB, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_talent_policy"),
        sa.CheckConstraint("minimum >= 3", name="ck_talent_policy_minimum"),
        sa.CheckConstraint(
            "jpm_scale IN ('kemenpan', 'seleksi')", name="ck_talent_policy_jpm_scale"
        ),
        sa.CheckConstraint("menengah_from <= tinggi_from", name="ck_talent_policy_cutoffs"),
    )
    op.create_table(
        "assessment_campaign",
        tenant_column("assessment_campaign"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("sources", postgresql.JSONB, nullable=False),
        sa.Column("minimum", sa.SmallInteger, nullable=False),
        sa.Column("competencies", postgresql.JSONB, nullable=False),
        sa.Column("created_by", sa.BigInteger),
        moment("created_at"),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_assessment_campaign"),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed')", name="ck_assessment_campaign_status"
        ),
        sa.CheckConstraint("minimum >= 3", name="ck_assessment_campaign_minimum"),
        sa.CheckConstraint("starts <= ends", name="ck_assessment_campaign_dates"),
    )
    op.create_table(
        "assessment_subject",
        tenant_column("assessment_subject"),
        sa.Column("campaign_id", sa.BigInteger, nullable=False),
        sa.Column("employee_id", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "campaign_id", "employee_id", name="pk_assessment_subject"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "campaign_id"],
            ["assessment_campaign.tenant_id", "assessment_campaign.id"],
            name="fk_assessment_subject_campaign",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employee_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_assessment_subject_employee",
        ),
    )
    op.create_table(
        "assessment_task",
        tenant_column("assessment_task"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger, nullable=False),
        sa.Column("subject_id", sa.BigInteger, nullable=False),
        sa.Column("rater_id", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_assessment_task"),
        _subject_fk("assessment_task"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "rater_id"],
            ["employee.tenant_id", "employee.id"],
            name="fk_assessment_task_rater",
        ),
        sa.CheckConstraint(
            "source IN ('self', 'superior', 'peer', 'subordinate')",
            name="ck_assessment_task_source",
        ),
    )
    op.create_index(
        "ix_assessment_task_tenant_id_rater_id", "assessment_task", ["tenant_id", "rater_id"]
    )
    op.create_table(
        "assessment_rating",
        tenant_column("assessment_rating"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger, nullable=False),
        sa.Column("subject_id", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("rater_id", sa.BigInteger),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("comment", sa.Text),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_assessment_rating"),
        _subject_fk("assessment_rating"),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_assessment_rating_level"),
        sa.CheckConstraint(
            "source IN ('self', 'superior', 'peer', 'subordinate', 'assessor')",
            name="ck_assessment_rating_source",
        ),
        sa.CheckConstraint(
            "rater_id IS NULL OR source NOT IN ('peer', 'subordinate')",
            name="ck_assessment_rating_anonymous",
        ),
    )
    op.create_index(
        "ix_assessment_rating_tenant_id_campaign_id_subject_id",
        "assessment_rating",
        ["tenant_id", "campaign_id", "subject_id"],
    )
    op.create_table(
        "development_option",
        tenant_column("development_option"),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_development_option"),
        sa.CheckConstraint(
            "kind IN ('training', 'coaching', 'assignment')", name="ck_development_option_kind"
        ),
    )
    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    op.drop_table("competency_default")
