"""What the request pipeline costs an authenticated read: `GET …/units` against `/healthz`,
with the principal cache warm, cold (its versions bumped before every request) and off (the
database path, as before the cache and whenever Redis is away), and the SQL statements each
request sends. The operator's token (no person to load) is the floor: the view alone.

Run from the repository root:
`.venv/bin/python -m bench.pipeline [--units 500 --staff 40 --repeat 300]`
Uses KINERJA_TEST_DATABASE_URL / KINERJA_TEST_REDIS_URL when set, embedded servers otherwise.
Creates and drops its own database. The reader is a kepala bidang (a superior with staff, so
whom they decide on is a real query), by API token and by browser session. "SQL" counts the
statements SQLAlchemy sends; each transaction also sends BEGIN and the agency's set_config.
"""

from __future__ import annotations

import argparse
import statistics
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


def measure(
    fn: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> list[float]:
    """µs per call of `fn`; `before` runs untimed before each call."""
    for _ in range(min(20, repeat)):  # warm pools and caches
        if before:
            before()
        fn()
    samples = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=300)
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

        def statements(fn: Callable[[], object], before: Callable[[], object] | None) -> float:
            total, runs = 0, 20
            for _ in range(runs):
                if before:
                    before()
                counter.count = 0
                fn()
                total += counter.count
            return total / runs

        paths: list[tuple[str, Callable[[], object], Callable[[], object] | None, str]] = [
            ("GET /healthz (anchor)", health, None, "http"),
            ("GET …/units, operator (no principal: floor)", units_operator, cache(False), "http"),
            ("GET …/units, token, cache off (database)", units, cache(False), "http"),
            ("GET …/units, token, cache cold", units, lambda: (cache(True)(), bump()), "http"),
            ("GET …/units, token, cache warm", units, cache(True), "http"),
            ("GET …/units, session cookie, cache off", units_browser, cache(False), "http"),
            ("GET …/units, session cookie, cache warm", units_browser, cache(True), "http"),
        ]
        rows, sql = [], {}
        for name, fn, before, kind in paths:
            if before:
                before()
            samples = measure(fn, args.repeat, before if "cold" in name else None)
            rows.append((name, statistics.median(samples), kind))
            sql[name] = statements(fn, before if "cold" in name else None)
        cache(True)()
        table.medians(
            f"The request pipeline: one agency, {args.units} units (a page of 50), a kepala "
            f"bidang over {args.staff} staff, {args.repeat} runs each",
            rows,
        )
        print(f"| {'SQL statements per request':45} | {'count':>9} |")
        print(f"|{'-' * 47}|-----------|")
        for name, _value, _kind in rows:
            print(f"| {name:45} | {sql[name]:9.1f} |")
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_database(pg, database)
        stop()


if __name__ == "__main__":
    main()
