"""Faults, against real servers: PostgreSQL dropping every connection of the application (as a
restart or a failover does) while staff work, and Redis stopped while staff submit daily
entries. Requests fail cleanly (503 with Retry-After) and recover without restarting anything;
what was accepted stays; jobs asked for during the outage run once Redis is back."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from typing import Any

import pytest
from rq import SimpleWorker
from sqlalchemy import func, select

from kinerja import clock, jobs
from kinerja.db import db
from kinerja.performance.log.models import WorkEntry
from tests.support import People, plan_head_and_boss, plan_staff
from tests.test_skp_api import token

TODAY = clock.today()
API = "/api/v1/tenants/dinkes"


def entry(plan: tuple[int, int], n: int) -> dict[str, Any]:
    rhk, iki = plan
    return {
        "entry_date": TODAY.isoformat(),
        "rhk_id": rhk,
        "iki_id": iki,
        "activity": f"Kegiatan {n}",
        "quantity": "1",
    }


def stored(tenant_id: int) -> int:
    with db.unit_of_work(tenant_id) as session:
        return int(session.scalar(select(func.count()).select_from(WorkEntry)) or 0)


def test_postgresql_going_away_answers_503_and_recovers(
    client, people: People, tenants, database, pg_server
) -> None:
    """What a restart does to the application, against the real server: every connection it
    holds is dropped and, for a while, new ones are refused; then the server is back."""
    plan = plan_staff(tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year))
    staff = token(tenants.a, people.users["staff"])
    for n in range(3):
        assert client.post(f"{API}/entries", json=entry(plan, n), headers=staff).status_code == 201
    import psycopg

    from tests.support import _url

    name = database.name
    server = psycopg.connect(_url(pg_server, "postgres"), autocommit=True)
    # down: no new connections, the open ones cut
    server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    server.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE usename = 'kinerja_test_app' AND datname = %s",
        (name,),
    )
    try:
        during = [
            client.get(f"{API}/entries", headers=staff),
            client.post(f"{API}/entries", json=entry(plan, 7), headers=staff),
            client.get(f"{API}/entries", headers=staff),
        ]
        assert [a.status_code for a in during] == [503, 503, 503]
        assert all(a.headers.get("Retry-After") == "5" for a in during)
        assert all(a.get_json()["code"] == 503 for a in during)  # the API's shape, not a 500
    finally:
        server.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')  # back up
        server.close()
    after = [client.get(f"{API}/entries", headers=staff).status_code for _ in range(3)]
    assert after[-1] == 200 and set(after) <= {200, 503}  # recovered, no restart of anything
    assert client.post(f"{API}/entries", json=entry(plan, 9), headers=staff).status_code == 201
    assert stored(tenants.a) == 4  # nothing accepted before was lost, nothing refused was kept


@pytest.fixture
def private_redis() -> Any:
    """A Redis of the test's own, on a free port, that the test may stop and start."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="kinerja-redis-")

    def start() -> subprocess.Popen[bytes]:
        server = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return server
            time.sleep(0.1)
        raise RuntimeError("redis did not start")

    state = {"server": start()}

    def stop() -> None:
        state["server"].terminate()
        state["server"].wait(10)

    def restart() -> None:
        state["server"] = start()

    yield f"redis://127.0.0.1:{port}/0", stop, restart
    if state["server"].poll() is None:
        stop()


def test_redis_stopped_while_staff_submit_entries(
    database, private_redis, people: People, tenants
) -> None:
    from kinerja.app import create_app
    from kinerja.exports import service as exports
    from tests.support import app_config

    url, stop, restart = private_redis
    app = create_app(app_config(database, url))
    client = app.test_client()
    with app.app_context():
        plan = plan_staff(
            tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
        )
        staff = token(tenants.a, people.users["staff"])
        admin = token(tenants.a, people.users["admin"], "admin_opd")
        before = stored(tenants.a)
        stop()
        created = [
            client.post(
                f"{API}/entries",
                json=entry(plan, n),
                headers={**staff, "Idempotency-Key": f"outage-{n}"},
            )
            for n in range(20)
        ]
        assert [c.status_code for c in created] == [201] * 20
        assert stored(tenants.a) == before + 20  # accepted and durable without Redis
        asked = client.post(
            f"{API}/exports", json={"kind": "skp_list", "format": "xlsx"}, headers=admin
        )
        assert asked.status_code == 202  # the job is recorded; Redis will get it later
        restart()
        again = client.post(
            f"{API}/entries", json=entry(plan, 0), headers={**staff, "Idempotency-Key": "outage-0"}
        )
        assert again.status_code in (200, 201) and stored(tenants.a) == before + 20  # no double
        with db.unit_of_work(tenants.a) as session:
            pushed = jobs.requeue(session, older_than_seconds=0)
        assert pushed  # what the workers' round does
        SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)
        done = client.get(asked.get_json()["url"], headers=admin).get_json()
        assert done["status"] == "succeeded" and done["download_url"]
        with db.unit_of_work(tenants.a) as session:
            assert exports.purge(session) == 0


def descendants(root: int) -> list[int]:
    """Every process below `root` (from /proc)."""
    from pathlib import Path

    parents = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("PPid:"):
                    parents[int(status.parent.name)] = int(line.split()[1])
        except OSError:
            continue
    found, todo = [], [root]
    while todo:
        parent = todo.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        todo += children
    return found


def test_a_worker_killed_mid_job_the_job_is_retried_and_applies_once(
    app, database, redis_url, tenants
) -> None:
    """A real `kinerja worker` is killed (SIGKILL, as a pod eviction does) while its job has
    written half of its transaction; the round puts the abandoned job back; it runs again and
    its work is there exactly once."""
    import os
    import signal
    import sys
    from datetime import UTC, datetime

    from redis import Redis

    from kinerja.jobs.models import BackgroundJob
    from kinerja.organisation.models import OrgUnit

    with db.unit_of_work(tenants.a) as session:
        record = jobs.enqueue(session, "tests.jobs_for_tests.unit_once_slowly", redis_url, "JOB-1")
        job_id = record.id
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")},
        "KINERJA_DATABASE_URL": database.app_url,
        "KINERJA_DATABASE_OWNER_URL": database.owner_url,
        "KINERJA_DATABASE_APP_ROLE": "kinerja_test_app",
        "KINERJA_REDIS_URL": redis_url,
        "KINERJA_SECRET_KEY": "worker-test-secret-key-0123456789",
        "KINERJA_JOB_QUEUE": app.config["JOB_QUEUE"],
        "KINERJA_JOB_RETRY_INTERVALS": "0,0",
        "KINERJA_PLUGINS": "none",
        "PYTHONPATH": os.getcwd(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "kinerja.cli", "worker", "--burst"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    client = Redis.from_url(redis_url)
    for _ in range(300):
        if client.get(f"halfway:{job_id}"):
            break
        time.sleep(0.1)
    else:
        os.killpg(worker.pid, signal.SIGKILL)
        raise AssertionError("the job never started")
    # The worker first, then its work horse (its own process group): a worker still alive when
    # its horse dies records the job as failed, which an eviction, killing both, never does.
    for pid in [worker.pid, *descendants(worker.pid)]:
        os.kill(pid, signal.SIGKILL)  # the worker and its work horse, no goodbye
    worker.wait(10)
    with db.unit_of_work(tenants.a) as session:
        assert (
            session.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.code == "JOB-1"))
            == 0
        )
    # The round, once the dead worker's heartbeat has expired (here: looked at from later on).
    later = datetime.now(UTC).timestamp() + 600
    assert jobs.recover_abandoned(later) == 1
    SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)
    with db.unit_of_work(tenants.a) as session:
        units = session.scalar(
            select(func.count()).select_from(OrgUnit).where(OrgUnit.code == "JOB-1")
        )
        done = session.get(BackgroundJob, (tenants.a, job_id))
        assert units == 1 and done is not None
        assert done.status == "succeeded" and done.attempts == 2
    assert int(client.get(f"attempts:{job_id}")) == 2
