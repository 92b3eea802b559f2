"""Heavy inputs: the largest plan the input rules allow (40 RHK x 10 IKI, every text at its
limit, qualitative targets) printed as the SKP and as its annual evaluation, each made (the kept
copy removed first) and printed again (kept); a daily entry with five near-limit PNGs (16
million pixels each); an entry with a PDF PDFium needs minutes to draw. Anchors in the same run:
an authenticated API read of one employee record for the documents, and a daily entry without
files for the entries.

Run from the repository root: `.venv/bin/python -m bench.heavy [--repeat 5] [--no-slow-pdf]`
Needs PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers). A path that does not
answer 200/201 is printed with its status (the evaluation PDF of the maximum plan answered 500
before it was fixed).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import table


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """The median of `repeat` runs after one to warm up, in µs (also printed at once: a slow
    path's figure is not lost if a later one fails)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    print(
        f"# {getattr(fn, '__qualname__', fn)}: {statistics.median(samples) / 1e6:.2f}s", flush=True
    )
    return statistics.median(samples)


def run(repeat: int, slow_pdf: bool) -> list[tuple[str, float, str]]:
    from sqlalchemy import create_engine

    from bench.tenant_scoping import servers
    from kinerja import redis
    from kinerja.app import create_app
    from kinerja.db import db, migrate
    from tests import test_heavy_inputs as heavy
    from tests.support import (
        Tenants,
        add_units,
        app_config,
        build_people,
        create_database,
        drop_database,
        insert_tenant,
    )
    from tests.test_skp_api import token

    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        owner = create_engine(database.owner_url.replace("postgresql://", "postgresql+psycopg://"))
        with app.app_context():
            tenants = Tenants(
                insert_tenant(owner, "dinkes", "Dinas Kesehatan"),
                insert_tenant(owner, "disdik", "Dinas Pendidikan"),
                insert_tenant(owner, "dishub", "Dinas Perhubungan", status="suspended"),
            )
            tenants.units.update(add_units(tenants.a, ["A-TOP", "A-SUB"]))
            people = build_people(tenants)
            started = time.perf_counter()
            skp_id, evaluation_id, _last = heavy.maximum_plan(tenants, people)
            print(f"# built the maximum plan in {time.perf_counter() - started:.1f}s")
            client = app.test_client()
            staff = token(tenants.a, people.users["staff"])
            v1 = "/api/v1/tenants/dinkes"
            failed: dict[str, str] = {}

            def get(url: str, name: str, made: bool) -> Callable[[], Any]:
                def fetch() -> Any:
                    if made:  # remove the kept copy: this sample makes the document
                        kept = redis.client(app)
                        for key in kept.scan_iter("kinerja:printed:*"):
                            kept.delete(key)
                    answer = client.get(url, headers=staff)
                    if answer.status_code != 200:
                        failed[name] = f"answered {answer.status_code}"
                    return answer

                return fetch

            def employee() -> Any:
                answer = client.get(f"{v1}/employees/{people.staff}", headers=staff)
                assert answer.status_code == 200, answer.get_json()
                return answer

            rows: list[tuple[str, float, str]] = [
                ("GET …/employees/<id> (anchor)", timed(employee, repeat * 20), "api"),
            ]
            for name, url in (
                ("SKP PDF, maximum plan", f"{v1}/skp/{skp_id}/document"),
                ("evaluation PDF, maximum plan", f"{v1}/evaluations/{evaluation_id}/document"),
            ):
                rows.append((f"{name}: made", timed(get(url, name, True), repeat), "api"))
                rows.append((f"{name}: again (kept)", timed(get(url, name, False), repeat), "api"))
            planned = entries_plan(tenants, people)
            rows += entries(client, staff, planned, heavy, repeat, slow_pdf, failed)
            db.engine.dispose()
        owner.dispose()
        for name, why in failed.items():
            print(f"# {name}: {why}")
        return rows
    finally:
        drop_database(pg, database)
        stop()


def entries_plan(tenants: Any, people: Any) -> dict[str, int]:
    """Daily entries need an approved plan of their own year's RHK: the staff's plan of the
    maximum is it, so the entries use its first RHK and IKI."""
    from kinerja.db import db
    from kinerja.performance import skp as skps
    from tests.test_heavy_inputs import YEAR

    with db.unit_of_work(tenants.a) as session:
        skp = skps.of_employee(session, people.staff, YEAR)
        rhk = skps.rhk_rows(session, skp)[0]
        iki = skps.iki_by_rhk(session, [rhk.id])[rhk.id][0]
        return {"rhk": rhk.id, "iki": iki.id}


def entries(
    client: Any,
    staff: dict[str, str],
    planned: dict[str, int],
    heavy: Any,
    repeat: int,
    slow_pdf: bool,
    failed: dict[str, str],
) -> list[tuple[str, float, str]]:
    api = "/api/v1/tenants/dinkes/entries"
    png = heavy.near_limit_png()

    def post(name: str, files: list[tuple[bytes, str]]) -> Callable[[], Any]:
        def send() -> Any:
            form = heavy._entry_form(planned, files)
            answer = client.post(api, data=form, headers=staff, content_type="multipart/form-data")
            if answer.status_code != 201:
                failed[name] = f"answered {answer.status_code}: {answer.get_data()[:200]!r}"
            return answer

        return send

    def plain() -> Any:
        answer = client.post(api, json=heavy.entry(planned), headers=staff)
        assert answer.status_code == 201, answer.get_json()
        return answer

    small = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (64, 48), "red").save(small, "PNG")
    rows = [
        ("POST …/entries, no file (anchor)", timed(plain, repeat * 4), "entry"),
        (
            "POST …/entries, one small PNG",
            timed(post("small", [(small.getvalue(), "a.png")]), repeat),
            "entry",
        ),
        (
            "POST …/entries, five 16 MP PNGs (1 request)",
            timed(post("five PNGs", [(png, f"{n}.png") for n in range(5)]), repeat),
            "entry",
        ),
    ]
    if slow_pdf:
        rows.append(
            (
                "POST …/entries, a PDF drawn in minutes",
                timed(post("slow PDF", [(heavy.slow_pdf(), "spt.pdf")]), max(1, repeat // 2)),
                "entry",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-slow-pdf", action="store_true", help="skip the PDF drawn in minutes")
    args = parser.parse_args()
    rows = run(args.repeat, not args.no_slow_pdf)
    table.medians("Heavy inputs: the maximum plan's documents and large evidence", rows)


if __name__ == "__main__":
    main()
