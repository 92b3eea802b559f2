"""Background jobs on a real Redis, run by a real rq worker (SimpleWorker, burst)."""

from __future__ import annotations

from redis import Redis
from rq import SimpleWorker
from sqlalchemy import text

from kinerja import jobs
from kinerja.db import db
from kinerja.jobs.models import BackgroundJob

from . import jobs_for_tests


def work() -> None:
    SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)


def test_job_for_tenant_a_sees_only_a_data(app, tenants, client, operator) -> None:
    with db.unit_of_work(tenants.a) as session:
        record = jobs.enqueue(session, jobs_for_tests.list_visible_units, "from-a")
        job_id = record.id
    work()
    with db.unit_of_work(tenants.a) as session:
        stored = session.get(BackgroundJob, (tenants.a, job_id))
        assert stored is not None
        assert stored.status == "succeeded"
        assert stored.result == {
            "label": "from-a",
            "orm": ["A-SUB", "A-TOP"],
            "raw": ["A-SUB", "A-TOP"],
            "tenants": [tenants.a],
        }
        assert stored.progress == 100 and stored.attempts == 1
    # The operator is not a member: status and counts, never the job's data.
    body = client.get(f"/api/v1/tenants/dinkes/jobs/{job_id}", headers=operator).get_json()
    assert body["status"] == "succeeded" and body["error"] is None
    assert "orm" not in (body["result"] or {}) and "label" not in (body["result"] or {})


def test_job_record_of_tenant_a_is_404_through_tenant_b(app, tenants, client, operator) -> None:
    with db.unit_of_work(tenants.a) as session:
        job_id = jobs.enqueue(session, jobs_for_tests.list_visible_units, "x").id
    response = client.get(f"/api/v1/tenants/disdik/jobs/{job_id}", headers=operator)
    assert response.status_code == 404
    assert str(job_id) not in response.get_data(as_text=True).replace(f"Job {job_id}", "")
    assert client.get("/api/v1/tenants/disdik/jobs", headers=operator).get_json() == []
    listed = client.get("/api/v1/tenants/dinkes/jobs", headers=operator).get_json()
    assert [j["id"] for j in listed] == [str(job_id)]


def test_job_records_need_the_operator_token(app, tenants, client) -> None:
    assert client.get("/api/v1/tenants/dinkes/jobs").status_code == 401


def test_failing_job_is_retried_then_reported_failed(
    app, tenants, client, operator, redis_url
) -> None:
    with db.unit_of_work(tenants.a) as session:
        job_id = jobs.enqueue(session, jobs_for_tests.always_fails, redis_url).id
    work()
    attempts_made = int(Redis.from_url(redis_url).get(f"attempts:{job_id}") or 0)
    retries = len(app.config["JOB_RETRY_INTERVALS"])
    assert attempts_made == retries + 1
    body = client.get(f"/api/v1/tenants/dinkes/jobs/{job_id}", headers=operator).get_json()
    assert body["status"] == "failed"
    assert body["attempts"] == retries + 1
    assert body["error"] is None  # the operator sees status and counts only
    assert body["finished_at"] is not None
    with db.unit_of_work(tenants.a) as session:
        stored = session.get(BackgroundJob, (tenants.a, job_id))
        assert stored is not None and stored.error is not None
        # The kind of error, never its text (which may carry SQL, parameters or personal data).
        assert stored.error.startswith("ValueError")
        assert "unreachable" not in stored.error
    failed = client.get("/api/v1/tenants/dinkes/jobs?status=failed", headers=operator).get_json()
    assert [j["id"] for j in failed] == [str(job_id)]
    assert str(job_id) in jobs.queue().failed_job_registry.get_job_ids()


def test_transient_failure_succeeds_on_retry(app, tenants, client, operator, redis_url) -> None:
    with db.unit_of_work(tenants.a) as session:
        job_id = jobs.enqueue(session, jobs_for_tests.fails_once, redis_url).id
    work()
    body = client.get(f"/api/v1/tenants/dinkes/jobs/{job_id}", headers=operator).get_json()
    assert (body["status"], body["attempts"], body["result"], body["error"]) == (
        "succeeded",
        2,
        {"attempt": 2},
        None,
    )


def test_job_of_a_rolled_back_transaction_never_reaches_redis(app, tenants, owner_engine) -> None:
    session = db.new_session(tenants.a)
    jobs.enqueue(session, jobs_for_tests.list_visible_units, "never")
    session.rollback()
    session.close()
    assert jobs.queue().count == 0
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM background_job")).scalar() == 0


def test_enqueued_job_carries_tenant_and_request_id(app, tenants) -> None:
    from kinerja import logs

    with logs.scope(request_id="req-42"), db.unit_of_work(tenants.a) as session:
        record = jobs.enqueue(session, jobs_for_tests.list_visible_units, "x")
    assert record.request_id == "req-42"
    queued = jobs.queue().jobs[0]
    assert queued.args[1] == tenants.a and queued.args[5] == "req-42"


def test_a_job_whose_push_fails_stays_queued_and_is_requeued_later(
    app, tenants, database, client, operator
) -> None:
    from kinerja.app import create_app
    from kinerja.cli import cli
    from tests.idp_support import free_port
    from tests.support import app_config

    down = create_app(app_config(database, f"redis://127.0.0.1:{free_port()}/0"))
    with down.app_context(), db.unit_of_work(tenants.a) as session:
        job_id = jobs.enqueue(session, jobs_for_tests.list_visible_units, "late").id
    # committed, not lost, and the request that made it did not fail
    assert (
        client.get(f"/api/v1/tenants/dinkes/jobs/{job_id}", headers=operator).get_json()["status"]
        == "queued"
    )
    assert jobs.queue().count == 0
    result = app.test_cli_runner().invoke(cli, ["jobs", "requeue", "--older-than", "0"])
    assert result.exit_code == 0 and f"requeued {job_id}" in result.output
    again = app.test_cli_runner().invoke(cli, ["jobs", "requeue", "--older-than", "0"])
    assert "0 jobs requeued" in again.output  # already in Redis: not pushed twice
    work()
    with db.unit_of_work(tenants.a) as session:
        stored = session.get(BackgroundJob, (tenants.a, job_id))
        assert stored is not None
        assert stored.status == "succeeded" and (stored.result or {})["label"] == "late"
