"""One rating per 360° task, held by the database: a rater is asked once per person and source
in a campaign, a task once answered stays answered, and a rater source's ratings of a person
can never outnumber the answered tasks behind them (copies of one peer's answer would lift
the count past the anonymity minimum and give the other peers' levels away).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_unique_constraint(
        "uq_assessment_task_rater",
        "assessment_task",
        ["tenant_id", "campaign_id", "subject_id", "rater_id", "source"],
    )
    # A second claim of a task is refused whatever the code does (a stale read, a forgotten
    # conditional update): done_at goes from NULL to a moment once, and never back or on.
    op.execute("""
        CREATE FUNCTION assessment_task_answered_once() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.done_at IS NOT NULL AND NEW.done_at IS DISTINCT FROM OLD.done_at THEN
                RAISE EXCEPTION 'assessment task % was already answered', OLD.id
                    USING ERRCODE = 'unique_violation';
            END IF;
            RETURN NEW;
        END $$
    """)
    op.execute(
        "CREATE TRIGGER assessment_task_answered_once BEFORE UPDATE OF done_at "
        "ON assessment_task FOR EACH ROW EXECUTE FUNCTION assessment_task_answered_once()"
    )
    # A rater source's ratings need an answered task each: per person, source and competency
    # no more ratings than answered tasks (an assessment centre's levels have no task).
    op.execute("""
        CREATE FUNCTION assessment_rating_has_task() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.source = 'assessor' THEN
                RETURN NULL;
            END IF;
            IF (SELECT count(*) FROM assessment_rating r
                WHERE r.tenant_id = NEW.tenant_id AND r.campaign_id = NEW.campaign_id
                  AND r.subject_id = NEW.subject_id AND r.source = NEW.source
                  AND r.code = NEW.code)
               > (SELECT count(*) FROM assessment_task t
                  WHERE t.tenant_id = NEW.tenant_id AND t.campaign_id = NEW.campaign_id
                    AND t.subject_id = NEW.subject_id AND t.source = NEW.source
                    AND t.done_at IS NOT NULL)
            THEN
                RAISE EXCEPTION 'a % rating of % without an answered task', NEW.source, NEW.code
                    USING ERRCODE = 'unique_violation';
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute(
        "CREATE TRIGGER assessment_rating_has_task AFTER INSERT OR UPDATE ON assessment_rating "
        "FOR EACH ROW EXECUTE FUNCTION assessment_rating_has_task()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER assessment_rating_has_task ON assessment_rating")
    op.execute("DROP FUNCTION assessment_rating_has_task()")
    op.execute("DROP TRIGGER assessment_task_answered_once ON assessment_task")
    op.execute("DROP FUNCTION assessment_task_answered_once()")
    op.drop_constraint("uq_assessment_task_rater", "assessment_task")
