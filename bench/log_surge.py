"""Daily entries under load, served by gunicorn: an authenticated entry create (validation,
insert, audit, no file) against a bare Flask endpoint in the same run, with the same workers and
threads, at 64 concurrent clients; then the surge: as many entries as fast as the clients can
send them, counted afterwards in the database (lost and doubled must both be 0).

Run from the repository root: `.venv/bin/python -m bench.log_surge [--seconds 10]
[--clients 64] [--workers 2] [--threads 4] [--surge 2000]`. Needs gunicorn (installed with the
dev tools) and PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import table
from kinerja import clock
from tests.idp_support import free_port


def worker_rss_mb(master: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), from /proc."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            found.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(found)


def server_env(database: Any, redis_url: str, storage_dir: str, **extra: str) -> dict[str, str]:
    """The environment of a Kinerja server a bench starts: the bench's database and Redis, and
    this process's own path, so the server runs this checkout's code (a worktree's), not
    whatever the venv's editable install points at. `extra`: more KINERJA_* settings."""
    from tests.support import APP_ROLE

    env = dict(os.environ)
    env.update(
        KINERJA_DATABASE_URL=database.app_url,
        KINERJA_DATABASE_OWNER_URL=database.owner_url,
        KINERJA_DATABASE_APP_ROLE=APP_ROLE,
        KINERJA_REDIS_URL=redis_url,
        KINERJA_SECRET_KEY="bench-secret-key-0123456789",
        KINERJA_PLUGINS="none",
        KINERJA_LOG_LEVEL="WARNING",
        KINERJA_STORAGE_DIR=storage_dir,
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    env.update(extra)
    return env


def serve(app: str, port: int, workers: int, threads: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            # As in production (kinerja.serving): an idle connection is kept 5 s.
            "--keep-alive",
            "5",
            # Two servers at once (the app and the anchor) would fight over the one default
            # control socket (~/.gunicorn/gunicorn.ctl); the bench never uses it.
            "--no-control-socket",
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def load(
    port: int, clients: int, seconds: float, make: Callable[[int, int], tuple[str, bytes, dict]]
) -> tuple[int, int, list[float]]:
    """`clients` threads, each on its own keep-alive connection, for `seconds`: (ok, errors,
    latencies in ms)."""
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = 0
        mine, ok, bad = [], 0, 0
        while time.monotonic() < stop:
            path, body, headers = make(n, i)
            i += 1
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                good = response.status in (200, 201)
            except OSError:
                good = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append((time.perf_counter() - started) * 1000)
            ok, bad = ok + good, bad + (not good)
        with lock:
            latencies.extend(mine)
            counts["ok"] += ok
            counts["errors"] += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], counts["errors"], latencies


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--surge", type=int, default=2000)
    args = parser.parse_args()

    from sqlalchemy import create_engine, func, select

    from bench.tenant_scoping import servers
    from kinerja.app import create_app
    from kinerja.db import db, migrate
    from kinerja.identity import tokens
    from kinerja.performance.log.models import WorkEntry
    from tests.support import (
        APP_ROLE,
        Tenants,
        add_units,
        app_config,
        build_people,
        create_database,
        drop_database,
        insert_tenant,
        plan_head_and_boss,
        plan_staff,
    )

    pg, redis_url, stop = servers()
    database = create_database(pg)
    processes: list[subprocess.Popen] = []
    try:
        migrate.upgrade(database.owner_url, database.app_url, APP_ROLE)
        config = app_config(database, redis_url, LOG_LEVEL="WARNING")
        app = create_app(config)
        owner = create_engine(database.owner_url.replace("postgresql://", "postgresql+psycopg://"))
        year = clock.this_year()
        with app.app_context():
            ids = [insert_tenant(owner, s, s.title()) for s in ("dinkes", "disdik", "dishub")]
            tenants = Tenants(*ids)
            tenants.units.update(add_units(ids[0], ["A-TOP"]))
            people = build_people(tenants)
            rhk, iki = plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
            with db.unit_of_work(ids[0]) as session:
                issued = tokens.issue(session, ids[0], people.users["staff"], "pegawai", "b", 5)
            db.engine.dispose()
        env = server_env(database, redis_url, tempfile.mkdtemp(prefix="kinerja-bench-evidence-"))
        kinerja_port, bare_port = free_port(), free_port()
        processes.append(serve("kinerja.wsgi:app", kinerja_port, args.workers, args.threads, env))
        processes.append(serve("bench.wsgi_bare:app", bare_port, args.workers, args.threads, env))
        body = {
            "entry_date": clock.today().isoformat(),
            "rhk_id": rhk,
            "iki_id": iki,
            "activity": "Merekap laporan imunisasi",
            "quantity": "2",
            "started": "08:00",
            "ended": "09:00",
        }
        raw = json.dumps(body).encode()
        auth = {"Authorization": f"Bearer {issued.token}", "Content-Type": "application/json"}

        def entry(n: int, i: int) -> tuple[str, bytes, dict]:
            headers = auth | {"Idempotency-Key": f"{n}-{i}-{uuid.uuid4().hex[:8]}"}
            return "/api/v1/tenants/dinkes/entries", raw, headers

        def bare(n: int, i: int) -> tuple[str, bytes, dict]:
            return "/bare", raw, {"Content-Type": "application/json"}

        load(bare_port, 8, 2, bare)  # warm both
        load(kinerja_port, 8, 2, entry)
        results = {}
        for name, port, make in (
            ("bare Flask POST, JSON body (anchor)", bare_port, bare),
            ("POST …/entries (auth, checks, insert, audit)", kinerja_port, entry),
        ):
            ok, errors, latencies = load(port, args.clients, args.seconds, make)
            results[name] = (
                ok / args.seconds,
                errors,
                statistics.median(latencies),
                p99(latencies),
            )
        anchor = results["bare Flask POST, JSON body (anchor)"]
        print(
            f"# daily entries under gunicorn ({args.workers} workers x {args.threads} threads, "
            f"gthread), {args.clients} concurrent clients, {args.seconds:.0f} s each"
        )
        print(table.machine())
        print("| path | req/s | x anchor | errors | p50 ms | p99 ms | p99 x anchor |")
        print("|---|---|---|---|---|---|---|")
        for name, (rate, errors, p50, top) in results.items():
            print(
                f"| {name} | {rate:.0f} | {rate / anchor[0]:.2f} | {errors} | {p50:.1f} | "
                f"{top:.1f} | {top / anchor[3]:.1f} |"
            )
        # The surge: `--surge` entries as fast as the clients go, each with its own key; a
        # failed send is retried with the same key (what the phone does), then the count.
        with app.app_context(), db.unit_of_work(ids[0]) as session:
            before = session.scalar(select(func.count()).select_from(WorkEntry)) or 0
        sent_ok = {"n": 0, "retries": 0}
        lock = threading.Lock()
        keys = [f"surge-{uuid.uuid4().hex}" for _ in range(args.surge)]
        chunks = [keys[n :: args.clients] for n in range(args.clients)]
        started = time.perf_counter()

        def surge_client(mine: list[str]) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", kinerja_port, timeout=60)
            for key in mine:
                for _attempt in range(5):
                    try:
                        connection.request(
                            "POST",
                            "/api/v1/tenants/dinkes/entries",
                            body=raw,
                            headers=auth | {"Idempotency-Key": key},
                        )
                        response = connection.getresponse()
                        response.read()
                        if response.status in (200, 201):
                            with lock:
                                sent_ok["n"] += 1
                            break
                    except OSError:
                        connection = http.client.HTTPConnection(
                            "127.0.0.1", kinerja_port, timeout=60
                        )
                    with lock:
                        sent_ok["retries"] += 1

        threads = [threading.Thread(target=surge_client, args=(c,)) for c in chunks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        with app.app_context():
            with db.unit_of_work(ids[0]) as session:
                stored = (session.scalar(select(func.count()).select_from(WorkEntry)) or 0) - before
            db.engine.dispose()
        print(f"\n# surge: {args.surge} entries from {args.clients} clients")
        print("| entries sent | answered 200/201 | retries | stored | lost | doubled | entries/s |")
        print("|---|---|---|---|---|---|---|")
        print(
            f"| {args.surge} | {sent_ok['n']} | {sent_ok['retries']} | {stored} | "
            f"{max(0, args.surge - stored)} | {max(0, stored - args.surge)} | "
            f"{args.surge / elapsed:.0f} |"
        )
        memory = worker_rss_mb(processes[0].pid)
        print(
            "\n# resident memory per Kinerja web worker after the load and the surge: "
            + ", ".join(f"{mb:.0f} MB" for mb in memory)
            + " (target: at most 150 MB each)"
        )
        owner.dispose()
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        drop_database(pg, database)
        stop()


if __name__ == "__main__":
    main()
