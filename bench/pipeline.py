"""What the request pipeline costs an authenticated read: `GET …/units` against `/healthz`,
with the principal cache warm, cold (its versions bumped before every request) and off (the
database path, as before the cache and whenever Redis is away), and the SQL statements each
request sends. The operator's token (no person to load) is the floor: the view alone.

Run from the repository root:
`.venv/bin/python -m bench.pipeline [--units 500 --staff 40 --repeat 300]`
Uses KINERJA_TEST_DATABASE_URL / KINERJA_TEST_REDIS_URL when set, embedded servers otherwise.
Creates and drops its own database. The reader is a kepala bidang (a superior with staff, so
whom they decide on is a real query), by API token and by browser session. "SQL" counts the
statements SQLAlchemy sends; each transaction also sends BEGIN with the agency's set_config.
The same reads are then served by gunicorn over HTTP (`--no-served` skips them), the anchor
`/healthz` served alike.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from redis import Redis
from sqlalchemy import event

from bench import table
from bench.tenant_scoping import servers
from kinerja.app import create_app
from kinerja.db import db, make_engine, migrate
from kinerja.identity import tokens, versions
from tests.support import (
    OPERATOR_TOKEN,
    add_employee,
    add_units,
    add_user,
    app_config,
    create_database,
    drop_database,
    insert_tenant,
    sign_in,
)

SLUG = "opd-bench"
UNITS = f"/api/v1/tenants/{SLUG}/units?page_size=50"


Path = tuple[str, Callable[[], object], Callable[[], object], str]


def measure(paths: list[Path], repeat: int) -> dict[str, list[float]]:
    """µs per call of each path's `fn`, its `before` run untimed just before. The paths take
    turns, one call each per round, so a machine whose load drifts weighs on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name, *_ in paths}
    for round_ in range(min(20, repeat) + repeat):  # the first rounds warm pools and caches
        for name, fn, before, _kind in paths:
            before()
            start = time.perf_counter()
            fn()
            if round_ >= min(20, repeat):
                samples[name].append((time.perf_counter() - start) * 1e6)
    return samples


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


def served(database: Any, redis_url: str, token: str, repeat: int) -> list[tuple[str, float, str]]:
    """The same reads as a client sees them: Kinerja under gunicorn (one worker, one thread: one
    request at a time, nothing else on the cores), one keep-alive connection, `/healthz` and the
    units page in turn. What HTTP and the server cost is in both; the ratio is what Kinerja
    adds to a request that does nothing."""
    from bench.log_surge import serve, server_env
    from tests.idp_support import free_port

    env = server_env(
        database,
        redis_url,
        tempfile.mkdtemp(prefix="kinerja-bench-"),
        KINERJA_OPERATOR_TOKEN=OPERATOR_TOKEN,
    )
    port = free_port()
    process = serve("kinerja.wsgi:app", port, 1, 1, env)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(path: str, headers: dict[str, str]) -> Callable[[], object]:
            def run() -> object:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                assert response.status == 200, body[:200]
                return body

            return run

        def nothing() -> None:
            pass

        bearer = {"Authorization": f"Bearer {token}"}
        operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        paths: list[Path] = [
            ("served: GET /healthz (anchor)", get("/healthz", {}), nothing, "served"),
            ("served: GET …/units, operator", get(UNITS, operator), nothing, "served"),
            ("served: GET …/units, token, cache warm", get(UNITS, bearer), nothing, "served"),
        ]
        samples = measure(paths, repeat)
        connection.close()
        return [(name, statistics.median(samples[name]), kind) for name, _f, _b, kind in paths]
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument(
        "--no-served",
        dest="served",
        action="store_false",
        help="skip the reads through gunicorn and HTTP (in-process only)",
    )
    args = parser.parse_args()

    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        owner = make_engine(database.owner_url)
        tenant_id = insert_tenant(owner, SLUG, "OPD Bench")
        owner.dispose()
        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        with app.app_context():
            add_units(tenant_id, [f"U{u:05d}" for u in range(args.units)])
            head = add_employee(tenant_id, "197001011990011001", "Kepala", None, None)
            boss_user = add_user("kabid", "198001012005011001")
            boss = add_employee(
                tenant_id, "198001012005011001", "Kabid", head, boss_user, ("pegawai",)
            )
            for n in range(args.staff):
                add_employee(tenant_id, f"1990010120150110{n + 1:02d}", f"Staf {n}", boss, None)
            with db.unit_of_work(tenant_id) as session:
                token = tokens.issue(session, tenant_id, boss_user, "pegawai", "bench", 30).token
        client = app.test_client()
        browser = app.test_client()
        assert sign_in(browser, "kabid").status_code == 303
        headers = {"Authorization": f"Bearer {token}"}
        operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        redis = Redis.from_url(redis_url)
        state = app.extensions[versions.TARGET]

        def units() -> object:
            response = client.get(UNITS, headers=headers)
            assert response.status_code == 200 and len(response.get_json()) == 50
            return response

        def units_browser() -> object:
            response = browser.get(UNITS)
            assert response.status_code == 200 and len(response.get_json()) == 50
            return response

        def units_operator() -> object:  # the deployment's operator: no person to load
            response = client.get(UNITS, headers=operator)
            assert response.status_code == 200 and len(response.get_json()) == 50
            return response

        def health() -> object:
            return client.get("/healthz")

        def bump() -> None:  # what a commit that changed the agency's access does
            redis.set(versions.tenant_version(tenant_id), versions.new_value())
            redis.set(versions.TENANTS, versions.new_value())

        def cache(on: bool) -> Callable[[], None]:
            def switch() -> None:
                app.extensions[versions.TARGET] = state if on else None

            return switch

        engine = app.extensions["kinerja.db"].engine
        counter = Counter()
        event.listen(engine, "before_cursor_execute", counter)

        def statements(fn: Callable[[], object], before: Callable[[], object]) -> float:
            total, runs = 0, 20
            for _ in range(runs):
                before()
                counter.count = 0
                fn()
                total += counter.count
            return total / runs

        def off() -> None:
            cache(False)()

        def on() -> None:
            cache(True)()

        def cold() -> None:  # every request after a change to the agency's access
            cache(True)()
            bump()

        def warm(fn: Callable[[], object]) -> Callable[[], object]:
            def again() -> None:  # untimed: the request before filled the cache
                cache(True)()
                fn()

            return again

        paths: list[Path] = [
            ("GET /healthz (anchor)", health, off, "http"),
            ("GET …/units, operator (no principal: floor)", units_operator, on, "http"),
            ("GET …/units, token, cache off (database)", units, off, "http"),
            ("GET …/units, token, cache cold", units, cold, "http"),
            ("GET …/units, token, cache warm", units, warm(units), "http"),
            ("GET …/units, session cookie, cache off", units_browser, off, "http"),
            ("GET …/units, session cookie, cache warm", units_browser, warm(units_browser), "http"),
        ]
        samples = measure(paths, args.repeat)
        rows = [(name, statistics.median(samples[name]), kind) for name, _f, _b, kind in paths]
        sql = {name: statements(fn, before) for name, fn, before, _kind in paths}
        cache(True)()
        if args.served:
            rows += served(database, redis_url, token, args.repeat)
        table.medians(
            f"The request pipeline: one agency, {args.units} units (a page of 50), a kepala "
            f"bidang over {args.staff} staff, {args.repeat} rounds of every path in turn",
            rows,
        )
        print(f"| {'SQL statements per request':45} | {'count':>9} |")
        print(f"|{'-' * 47}|-----------|")
        for name, _value, _kind in rows:
            if name in sql:
                print(f"| {name:45} | {sql[name]:9.1f} |")
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_database(pg, database)
        stop()


if __name__ == "__main__":
    main()
