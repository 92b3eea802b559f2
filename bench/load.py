"""A day at Kinerja under locust: the sustainable rate and the deadline surge, at Medan scale.

Run from the repository root: `.venv/bin/python -m bench.load [--employees 2000]
[--workers 2] [--threads 4] [--steps 4,8,16,32,64] [--step-seconds 20] [--surge-seconds 60]`;
the full run is `--employees 25000` (the data takes minutes to generate). Needs gunicorn and
locust (the dev tools) and PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers).

It generates the data of `bench.medan_scale` (70 agencies, `--employees` employees with their
hierarchy, approved SKP, a daily entry for every working day of the year so far), gives each
locust user a (staff, their superior) pair with accounts, a password and API tokens (through
`kinerja.identity.tokens`), serves Kinerja and the bare anchor (`bench.wsgi_bare`) under
gunicorn as `bench.log_surge` does, signs the staff in (a browser session each, timed on its
own), and runs `bench/locustfile.py` in locust subprocesses:

- the day's mix: 70 % reads (the superior's feed of the team's entries, my entries, my SKP,
  the agency's home page with a browser session), 20 % entry creates (a JPEG in one of ten,
  each with its own Idempotency-Key, resent with it after a dropped connection or a 5xx), 10 %
  approvals by the superior of the team's waiting entries;
- (a) the sustainable rate: users stepped up (no think time) until the mix's p95 passes
  `--p95-ms` (300); the highest rate whose p95 stayed within it, per kind, against the same
  locust at the same users posting to the bare endpoint (the anchor);
- (b) the deadline surge: every employee's entries of the day (`--entries-per-employee`) in the
  last two hours, ten times compressed: employees x entries / 7,200 s x 10 creates per second,
  the mix around them at that rate (creates are 20 % of it), or what the machine gives, for
  `--surge-seconds`; then the database is counted: every acknowledged create stored once (lost
  and doubled 0), and 0 errors (5xx or dropped connections);
- the resident memory of each web worker after the load (target: at most 150 MB).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import table
from bench.log_surge import serve, server_env
from kinerja import clock
from tests.idp_support import free_port

PASSWORD = "beban-harian-2026"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MIX = ("feed", "my entries", "my SKP", "home page", "create entry", "approve entry")
SURGE_WINDOW = 7_200  # the last two hours of the working day, in seconds
COMPRESSION = 10
STEPS, SURGE = "load-steps", "load-surge"  # the Idempotency-Keys' prefixes of the two parts


def say(what: str) -> None:
    """Progress on stderr (a full run takes many minutes); the report goes to stdout."""
    print(f"[bench.load {clock.now():%H:%M:%S}] {what}", file=sys.stderr, flush=True)


# --- the data ------------------------------------------------------------------------------------
def sample_pairs(conn: Any, count: int) -> list[dict[str, Any]]:
    """(staff, their superior) pairs, each superior once, spread over the agencies round-robin."""
    rows = conn.execute(
        """SELECT slug, tenant_id, staff_id, staff_nip, boss_id, boss_nip FROM (
             SELECT t.slug, e.tenant_id, e.id AS staff_id, e.nip AS staff_nip,
               b.id AS boss_id, b.nip AS boss_nip,
               row_number() OVER (PARTITION BY e.tenant_id ORDER BY e.superior_id) AS n
             FROM (SELECT DISTINCT ON (tenant_id, superior_id) * FROM employee
                   WHERE superior_id IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM employee u WHERE u.tenant_id = employee.tenant_id
                                     AND u.superior_id = employee.id)
                   ORDER BY tenant_id, superior_id, id) e
             JOIN employee b ON b.tenant_id = e.tenant_id AND b.id = e.superior_id
             JOIN tenant t ON t.id = e.tenant_id) pairs
           ORDER BY n, tenant_id LIMIT %s""",
        (count,),
    ).fetchall()
    keys = ("slug", "tenant_id", "staff_id", "staff_nip", "boss_id", "boss_nip")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def give_accounts(conn: Any, pairs: list[dict[str, Any]]) -> None:
    """An account (the bench's password) and the pegawai role for every person of the pairs,
    as the owner; the app's own services would audit each, which a bench does not need."""
    from kinerja.identity.passwords import hash_password

    hashed = hash_password(PASSWORD)
    for pair in pairs:
        for who in ("staff", "boss"):
            user_id = conn.execute(
                """INSERT INTO app_user (display_name, email, nip, password_hash, is_city_admin,
                     sso_city_admin, active, created_at, updated_at)
                   VALUES (%s, %s, %s, %s, false, false, true, now(), now()) RETURNING id""",
                (f"Pegawai {pair[who + '_id']}", None, pair[who + "_nip"], hashed),
            ).fetchone()[0]
            conn.execute(
                "UPDATE employee SET user_id = %s WHERE tenant_id = %s AND id = %s",
                (user_id, pair["tenant_id"], pair[who + "_id"]),
            )
            conn.execute(
                """INSERT INTO membership (tenant_id, user_id, role, source)
                   VALUES (%s, %s, 'pegawai', 'employee')""",
                (pair["tenant_id"], user_id),
            )
            pair[who + "_user"] = user_id
    conn.commit()


def give_tokens(app: Any, pairs: list[dict[str, Any]]) -> None:
    """A personal API token for each person, through the app's token functions."""
    from kinerja.db import db
    from kinerja.identity import tokens

    with app.app_context():
        for pair in pairs:
            with db.unit_of_work(pair["tenant_id"]) as session:
                for who in ("staff", "boss"):
                    issued = tokens.issue(
                        session, pair["tenant_id"], pair[who + "_user"], "pegawai", "bench", 2
                    )
                    pair[who + "_token"] = issued.token
        db.engine.dispose()


def sign_in(url: str, pairs: list[dict[str, Any]], threads: int) -> list[tuple[float, bool]]:
    """Each pair's staff signed in with the password, as a browser does (the form's page, then
    the form), `threads` at a time, before the load: a sign-in is a password hash's work, once
    a day, and would blur the mix's figures. The session cookie goes into the pair; (ms, ok)
    of each sign-in."""
    import re

    import requests

    def one(pair: dict[str, Any]) -> tuple[float, bool]:
        browser = requests.Session()
        started = time.perf_counter()
        page = browser.get(f"{url}/auth/login", timeout=120)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        form = {"login": pair["staff_nip"], "password": PASSWORD}
        form["csrf_token"] = found.group(1) if found else ""
        done = browser.post(f"{url}/auth/local", data=form, allow_redirects=False, timeout=120)
        pair["session"] = browser.cookies.get("kinerja_session", "")
        return (time.perf_counter() - started) * 1000, done.status_code == 303

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, pairs))


# --- locust --------------------------------------------------------------------------------------
def run_locust(
    user: str, host: str, plan: dict[str, Any], timeout: float, workdir: Path
) -> dict[str, Any]:
    """One locust process over `plan["phases"]`; its raw record (phases, samples, keys)."""
    plan = dict(plan, out=str(workdir / f"{user}.json"))
    plan_file = workdir / f"{user}-plan.json"
    plan_file.write_text(json.dumps(plan))
    env = dict(os.environ, KINERJA_LOAD_PLAN=str(plan_file))
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    log_path = workdir / f"{user}.log"
    try:
        with open(log_path, "w") as log:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--host",
                    host,
                    "--exit-code-on-error",
                    "0",
                    # At the end every user finishes its task: no create is cut off half-sent.
                    "--stop-timeout",
                    "60",
                    user,
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=True,
            )
    except subprocess.SubprocessError:
        print(log_path.read_text()[-4000:], file=sys.stderr)  # the workdir goes at the end
        raise
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = json.loads(Path(plan["out"]).read_text())
    # What the load generator itself took of the machine's cores (it shares them).
    record["cpu"] = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / (
        time.monotonic() - started
    )
    return record


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def figures(record: dict[str, Any], phase: dict[str, Any], names: tuple[str, ...]) -> dict:
    """Per kind and overall (the names given) in one phase: count, rate, p50/p95/p99, errors
    (5xx and dropped connections) and refusals (3xx and 4xx: a redirect to the sign-in page
    or a refused request is not the work asked for)."""
    seconds = max(phase["end"] - phase["start"], 1e-9)
    inside = [s for s in record["samples"] if phase["start"] <= s[0] < phase["end"]]
    found = {}
    for kind in (*names, "overall"):
        mine = [s for s in inside if s[1] == kind or (kind == "overall" and s[1] in names)]
        times = [s[2] for s in mine]
        found[kind] = {
            "count": len(mine),
            "rate": len(mine) / seconds,
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "errors": sum(1 for s in mine if s[3] == 0 or s[3] >= 500),
            "refused": sum(1 for s in mine if 300 <= s[3] < 500),
        }
    return found


def integrity(owner_url: str, record: dict[str, Any], prefix: str) -> dict[str, int]:
    """The creates of a run counted in the database: each acknowledged key stored once."""
    import psycopg

    with psycopg.connect(owner_url) as conn:
        rows = conn.execute(
            """SELECT idempotency_key, count(*) FROM work_entry
               WHERE idempotency_key LIKE %s GROUP BY idempotency_key""",
            (prefix + "-%",),
        ).fetchall()
        with_photo = conn.execute(
            """SELECT count(DISTINCT w.id) FROM work_entry w JOIN evidence_file f
                 ON f.tenant_id = w.tenant_id AND f.entry_id = w.id
               WHERE w.idempotency_key LIKE %s""",
            (prefix + "-%",),
        ).fetchone()
    stored = {key: n for key, n in rows}
    acked = {key for key in record["acked"] if key.startswith(prefix + "-")}
    return {
        "sent": len({key for key in record["sent"] if key.startswith(prefix + "-")}),
        "acked": len(acked),
        "stored": sum(stored.values()),
        "lost": len(acked - stored.keys()),
        "doubled": sum(n - 1 for n in stored.values()),
        "unacked_stored": len(stored.keys() - acked),
        "photos": with_photo[0] if with_photo else 0,
    }


def worker_rss_mb(master: int) -> list[float]:
    import psutil

    return sorted(c.memory_info().rss / 2**20 for c in psutil.Process(master).children())


# --- the report ----------------------------------------------------------------------------------
def print_kinds(found: dict, anchor: dict | None) -> None:
    print(
        "| kind | requests | req/s | x anchor | p50 ms | p95 ms | p99 ms | p95 x anchor | errors "
        "| 3xx/4xx |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = list(found.items()) + ([("bare POST (anchor)", anchor)] if anchor else [])
    for kind, f in rows:
        ratio = f"{f['rate'] / anchor['rate']:.2f}" if anchor and anchor["rate"] else ""
        p95_ratio = f"{f['p95'] / anchor['p95']:.1f}" if anchor and anchor["p95"] else ""
        print(
            f"| {kind} | {f['count']} | {f['rate']:.1f} | {ratio} | {f['p50']:.0f} | "
            f"{f['p95']:.0f} | {f['p99']:.0f} | {p95_ratio} | {f['errors']} | {f['refused']} |"
        )


def print_integrity(counts: dict[str, int]) -> None:
    print(
        "| creates sent | acknowledged 200/201 | stored | lost | doubled | stored, not "
        "acknowledged | stored with a photo |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {counts['sent']} | {counts['acked']} | {counts['stored']} | {counts['lost']} | "
        f"{counts['doubled']} | {counts['unacked_stored']} | {counts['photos']} |"
    )


# --- the run -------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=2000, help="25000: Medan (the full run)")
    parser.add_argument("--agencies", type=int, default=70)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--steps", default="4,8,16,32,64", help="users per step")
    parser.add_argument("--step-seconds", type=float, default=20)
    parser.add_argument("--warmup-seconds", type=float, default=5)
    parser.add_argument("--p95-ms", type=float, default=300)
    parser.add_argument("--entries-per-employee", type=float, default=1)
    parser.add_argument("--surge-seconds", type=float, default=60)
    parser.add_argument("--surge-users", type=int, default=64)
    parser.add_argument(
        "--surge-rate", type=float, default=0, help="req/s instead of the computed arrival rate"
    )
    args = parser.parse_args()

    import psycopg

    from bench.medan_scale import generate
    from bench.tenant_scoping import servers
    from kinerja.app import create_app
    from kinerja.db import migrate
    from tests.support import APP_ROLE, app_config, create_database, drop_database

    steps = [int(n) for n in args.steps.split(",")]
    # (b)'s arrival rate: every employee's entries of the day in the last two hours, x10.
    creates_per_second = args.employees * args.entries_per_employee / SURGE_WINDOW * COMPRESSION
    target = args.surge_rate or creates_per_second / 0.20
    # Each user starts a task every 2 s at the most: its connection is never idle near the
    # server's 5 s keep-alive, where a request can meet a connection being closed (a real
    # client's proxy holds its connections; locust would report a dropped connection).
    surge_users = min(args.surge_users, max(1, math.ceil(target * 2)))
    pg, redis_url, stop = servers()
    database = create_database(pg)
    processes: list[subprocess.Popen] = []
    workdir = Path(tempfile.mkdtemp(prefix="kinerja-bench-load-"))
    failed = False
    try:
        say("migrating a fresh database")
        migrate.upgrade(database.owner_url, database.app_url, APP_ROLE)
        say(f"generating {args.employees:,} employees' data")
        started = time.perf_counter()
        with psycopg.connect(database.owner_url) as conn:
            agencies, counts = generate(
                conn,
                args.employees,
                clock.this_year(),
                agencies_count=args.agencies,
                until=clock.today(),
            )
            # A (staff, superior) pair for each locust user at the most: no two decide the
            # same superior's entries.
            pairs = sample_pairs(conn, max(*steps, surge_users))
            give_accounts(conn, pairs)
        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        give_tokens(app, pairs)
        built = time.perf_counter() - started
        env = server_env(
            database,
            redis_url,
            str(workdir / "evidence"),
            KINERJA_LOCAL_LOGIN="true",
            KINERJA_LOGIN_MAX_FAILURES_PER_ADDRESS="100000",
        )
        say("starting gunicorn")
        kinerja_port, bare_port = free_port(), free_port()
        with ThreadPoolExecutor(2) as pool:  # both start at once
            started_servers = [
                pool.submit(serve, app_name, port, args.workers, args.threads, env)
                for app_name, port in (
                    ("kinerja.wsgi:app", kinerja_port),
                    ("bench.wsgi_bare:app", bare_port),
                )
            ]
        # Each one that started is stopped at the end, even when the other did not start.
        processes += [f.result() for f in started_servers if not f.exception()]
        for f in started_servers:
            f.result()
        kinerja_url = f"http://127.0.0.1:{kinerja_port}"
        say(f"signing {len(pairs)} people in")
        started = time.perf_counter()
        signins = sign_in(kinerja_url, pairs, args.workers * args.threads)
        signin_seconds = time.perf_counter() - started
        failed_signins = sum(1 for _ms, ok in signins if not ok)
        plan = {"pairs": pairs, "today": clock.today().isoformat()}
        users = [min(n, len(pairs)) for n in steps]  # a small agency has fewer pairs
        surge_users = min(surge_users, len(pairs))

        # One locust run: (a) users stepped up until the p95 passes the limit (the steps after
        # it are skipped), then (b) the deadline surge at its arrival rate (or what the machine
        # gives), its users at their pace before the measured part.
        pacing = surge_users / target
        phases = [
            {"name": "warm-up", "users": users[0], "seconds": args.warmup_seconds, "keys": STEPS},
            *(
                {
                    "name": f"{n} users",
                    "users": n,
                    "seconds": args.step_seconds,
                    "stop_p95_ms": args.p95_ms,
                    "keys": STEPS,
                }
                for n in users
            ),
            {
                "name": "surge warm-up",
                "users": surge_users,
                "seconds": args.warmup_seconds,
                "pacing": pacing,
                "keys": SURGE,
            },
            {
                "name": "surge",
                "users": surge_users,
                "seconds": args.surge_seconds,
                "pacing": pacing,
                "keys": SURGE,
            },
        ]
        limit = sum(p["seconds"] for p in phases) * 2 + 120
        say(f"stepping up the users, then the surge at {target:.1f} req/s")
        day = run_locust("DayUser", kinerja_url, plan | {"phases": phases}, limit, workdir)
        measured = [
            (p, figures(day, p, MIX)) for p in day["phases"] if p["name"].endswith(" users")
        ]
        within = [(p, f) for p, f in measured if f["overall"]["p95"] <= args.p95_ms]
        best_phase, best = max(within or measured[:1], key=lambda pf: pf[1]["overall"]["rate"])
        surge = figures(day, day["phases"][-1], MIX)
        steps_integrity = integrity(database.owner_url, day, STEPS)
        surge_integrity = integrity(database.owner_url, day, SURGE)
        memory = worker_rss_mb(processes[0].pid)

        say("the anchor")
        anchor_plan = {
            "pairs": [],
            "phases": [
                {"name": "warm-up", "users": best_phase["users"], "seconds": args.warmup_seconds},
                {"name": "anchor", "users": best_phase["users"], "seconds": args.step_seconds},
            ],
        }
        anchored = run_locust(
            "BareUser", f"http://127.0.0.1:{bare_port}", anchor_plan, limit, workdir
        )
        anchor = figures(anchored, anchored["phases"][1], ("bare POST",))["bare POST"]

        print(
            f"# a day at Kinerja under locust: gunicorn {args.workers} workers x {args.threads} "
            f"threads (gthread); {agencies} agencies, {counts['employee']:,} employees, "
            f"{counts['work_entry']:,} daily entries (built in {built:.0f} s); "
            f"{len(pairs)} (staff, superior) pairs signed in"
        )
        print(table.machine())
        print(
            f"# load average before the report: {os.getloadavg()[0]:.2f}; locust itself used "
            f"{day['cpu']:.2f} of a core on average (the anchor's run: {anchored['cpu']:.2f})"
        )
        print(
            f"\n# steps (users without think time, {args.step_seconds:.0f} s each; stops when "
            f"the p95 passes {args.p95_ms:.0f} ms)"
        )
        print("| users | req/s | p50 ms | p95 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|")
        for phase, f in measured:
            o = f["overall"]
            print(
                f"| {phase['users']} | {o['rate']:.1f} | {o['p50']:.0f} | {o['p95']:.0f} | "
                f"{o['p99']:.0f} | {o['errors']} |"
            )
        verdict = "p95 within" if within else "p95 above"
        print(
            f"\n# (a) sustainable rate: {best['overall']['rate']:.1f} req/s at "
            f"{best_phase['users']} users ({verdict} {args.p95_ms:.0f} ms); anchor: the same "
            f"users posting to the bare endpoint"
        )
        print_kinds(best, anchor)
        print("\n# creates of the steps, counted in the database")
        print_integrity(steps_integrity)
        print(
            f"\n# (b) deadline surge: {args.employees:,} employees x "
            f"{args.entries_per_employee:g} entries / {SURGE_WINDOW:,} s x {COMPRESSION} = "
            f"{creates_per_second:.1f} creates/s, the mix at {creates_per_second / 0.2:.1f} req/s; "
            f"run at {target:.1f} req/s, reached "
            f"{surge['overall']['rate']:.1f} req/s with {surge_users} users for "
            f"{args.surge_seconds:.0f} s"
        )
        print_kinds(surge, anchor)
        print("\n# creates of the surge, counted in the database")
        print_integrity(surge_integrity)
        print(
            f"\n# sign-ins before the load (the page and the form, {args.workers * args.threads} "
            f"at a time, not in the mix): {len(signins)} in {signin_seconds:.1f} s, p50 "
            f"{percentile([ms for ms, _ok in signins], 0.5):.0f} ms, p95 "
            f"{percentile([ms for ms, _ok in signins], 0.95):.0f} ms, {failed_signins} failed"
        )
        print(
            "\n# resident memory per Kinerja web worker after the load: "
            + ", ".join(f"{mb:.0f} MB" for mb in memory)
            + " (target: at most 150 MB each)"
        )
        statuses = Counter(s[3] for s in day["samples"] if not 200 <= s[3] < 300)
        print(
            f"\n# the whole run, warm-ups included: {len(day['samples'])} requests; not 2xx: "
            + (", ".join(f"{n} x {code}" for code, n in sorted(statuses.items())) or "none")
        )
        for key, status, answer in day["unacked"][:5]:
            print(f"#   create {key} answered {status}: {answer}")
        faults = [
            f"{what}: {n}"
            for what, n in (
                ("errors", sum(n for code, n in statuses.items() if code == 0 or code >= 500)),
                ("refused", sum(n for code, n in statuses.items() if 300 <= code < 500)),
                ("lost", steps_integrity["lost"] + surge_integrity["lost"]),
                ("doubled", steps_integrity["doubled"] + surge_integrity["doubled"]),
                ("failed sign-ins", failed_signins),
                ("task exceptions", len(day["task_errors"]) + len(anchored["task_errors"])),
            )
            if n
        ]
        if faults:
            print("\n# FAILED: " + ", ".join(faults))
            for error in sorted(set(day["task_errors"] + anchored["task_errors"]))[:5]:
                print(f"#   {error}")
            failed = True
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        drop_database(pg, database)
        stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
