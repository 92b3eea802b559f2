"""What tenant isolation costs: the same page of org units read five ways, with anchors.

Run from the repository root:
`.venv/bin/python -m bench.tenant_scoping [--tenants 50 --units 500 --repeat 300]`
Uses KINERJA_TEST_DATABASE_URL / KINERJA_TEST_REDIS_URL when set, embedded servers otherwise.
Creates and drops its own database. Prints one table; ratios are against the anchor of the same
kind measured in the same run: one raw SQL statement for the ORM, the same transaction without
RLS (as the superuser owner) for RLS, /healthz for HTTP.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from sqlalchemy import select

from kinerja.app import create_app
from kinerja.db import db, migrate
from kinerja.organisation.models import OrgUnit
from tests.conftest import OPERATOR_TOKEN, app_config, create_database, drop_database

# The same columns the ORM loads for an OrgUnit, so every row does the same work in the database.
COLUMNS = "tenant_id, id, parent_id, code, name, created_at, updated_at"
QUERY = f"SELECT {COLUMNS} FROM org_unit WHERE tenant_id = %s ORDER BY code, id LIMIT 50"
SET_TENANT = "SELECT set_config('kinerja.tenant_id', %s, true)"


def measure(fn: Callable[[], object], repeat: int) -> list[float]:
    for _ in range(min(20, repeat)):  # warm caches and pools
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


def servers() -> tuple[str, str, Callable[[], None]]:
    pg = os.environ.get("KINERJA_TEST_DATABASE_URL")
    redis_url = os.environ.get("KINERJA_TEST_REDIS_URL")
    stops: list[Callable[[], None]] = []
    if not pg:
        from kinerja.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(Path(tempfile.mkdtemp(prefix="kinerja-bench-pg-")))
        pg = server.start()
        stops.append(server.stop)
    if not redis_url:
        from kinerja.embedded import EmbeddedRedis

        redis_server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="kinerja-bench-redis-")))
        redis_url = redis_server.start()
        stops.append(redis_server.stop)
    # Every bench makes a fresh database under the same Redis: what an earlier run cached of
    # its agencies (the same slugs, other ids) must not answer for this one's.
    from redis import Redis

    from kinerja.identity import versions

    versions.forget_all(Redis.from_url(redis_url))
    return pg, redis_url, lambda: [stop() for stop in stops]  # type: ignore[func-returns-value]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()

    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        with psycopg.connect(database.owner_url) as conn:
            for t in range(args.tenants):
                tid = conn.execute(
                    "INSERT INTO tenant (slug, name, kind) VALUES (%s, %s, 'dinas') RETURNING id",
                    (f"opd-{t:03d}", f"OPD {t}"),
                ).fetchone()[0]
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO org_unit (tenant_id, code, name) VALUES (%s, %s, %s)",
                        [(tid, f"U{u:05d}", f"Unit {u}") for u in range(args.units)],
                    )
            conn.execute("ANALYZE")
            target = conn.execute("SELECT id FROM tenant WHERE slug = 'opd-025'").fetchone()[0]

        owner = psycopg.connect(database.owner_url, autocommit=True)
        owner_tx = psycopg.connect(database.owner_url)  # superuser: RLS does not apply
        app_role = psycopg.connect(database.app_url)  # the application role: RLS applies

        def raw_owner() -> object:
            return owner.execute(QUERY, (target,)).fetchall()

        def transaction(conn: psycopg.Connection) -> Callable[[], object]:
            """What every tenant transaction does: BEGIN with set_config, the query, COMMIT."""

            def run() -> object:
                with conn.transaction():
                    conn.execute(SET_TENANT, (str(target),))
                    return conn.execute(QUERY, (target,)).fetchall()

            return run

        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        client = app.test_client()
        operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}

        def orm() -> object:
            with app.app_context(), db.unit_of_work(target) as session:
                return session.scalars(
                    select(OrgUnit).order_by(OrgUnit.code, OrgUnit.id).limit(50)
                ).all()

        def http_units() -> object:
            response = client.get("/api/v1/tenants/opd-025/units?page_size=50", headers=operator)
            assert response.status_code == 200 and len(response.get_json()) == 50
            return response

        def http_health() -> object:
            return client.get("/healthz")

        rls_off, rls_on = transaction(owner_tx), transaction(app_role)
        assert len(raw_owner()) == len(rls_off()) == len(rls_on()) == len(orm()) == 50  # type: ignore[arg-type]
        rows = [
            ("raw SQL, one statement (anchor)", measure(raw_owner, args.repeat), "data"),
            ("same transaction, RLS off (anchor)", measure(rls_off, args.repeat), "tx"),
            ("same transaction, RLS on", measure(rls_on, args.repeat), "tx"),
            ("ORM unit of work, filter + RLS", measure(orm, args.repeat), "data"),
            ("GET /healthz (anchor)", measure(http_health, args.repeat), "http"),
            ("GET /api/v1/tenants/<t>/units", measure(http_units, args.repeat), "http"),
        ]
        anchors = {kind: statistics.median(s) for name, s, kind in rows if "anchor" in name}
        print(
            f"# tenant scoping: {args.tenants} tenants x {args.units} units "
            f"({args.tenants * args.units} rows), page of 50, {args.repeat} runs each"
        )
        where = "service" if os.environ.get("KINERJA_TEST_DATABASE_URL") else "embedded"
        print(
            f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, PostgreSQL and Redis: {where}"
        )
        print(f"| {'path':45} | median µs | p95 µs | x anchor |")
        print(f"|{'-' * 47}|-----------|--------|----------|")
        for name, samples, kind in rows:
            med = statistics.median(samples)
            p95 = statistics.quantiles(samples, n=20)[18]
            print(f"| {name:45} | {med:9.0f} | {p95:6.0f} | {med / anchors[kind]:8.2f} |")
        for conn in (owner, owner_tx, app_role):
            conn.close()
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_database(pg, database)
        stop()


if __name__ == "__main__":
    main()
