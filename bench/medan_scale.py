"""Medan-scale data and what the city's comparison costs over it.

Run from the repository root:
`.venv/bin/python -m bench.medan_scale [--employees 25000] [--repeat 50]`
Needs PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers). It builds a fresh
database with the 70 agencies of `tenants/*.yaml`, `--employees` employees spread over them
with a hierarchy (a head, 6 kepala bidang, 24 kepala seksi, staff under them), an approved SKP
and an approved annual evaluation each, and a daily entry for every working day of the year
(≈ 6 million at 25,000 employees), and says how long that took. Then it refreshes every
agency's figures (the background job's work, timed) and measures, in the same run:

- the city's comparison read (`city.service.read`: the allow-listed function over
  `agency_figures`, as the application role);
- anchor (a): the naive GROUP BY over the personal tables that computes the same core figures
  for every agency at request time (employees, approved SKP, days with a sent entry, approved
  on time, annual evaluations) — what the comparison must never do;
- anchor (b): a single-row primary-key read of one agency's figures.

Targets (issue #13): the comparison at least 50x faster than (a) and at most 2x (b).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import yaml

from bench import table
from bench.plugin_dispatch import measure
from kinerja import clock

PREDIKAT = "(ARRAY['SANGAT_BAIK','BAIK','BAIK','BAIK','BAIK','BAIK','BAIK','BUTUH_PERBAIKAN'])"
NAIVE = """
    SELECT t.id,
      (SELECT count(*) FROM employee e WHERE e.tenant_id = t.id AND e.active),
      (SELECT count(*) FROM skp s WHERE s.tenant_id = t.id AND s.year = %(y)s
         AND s.status = 'approved'),
      (SELECT count(DISTINCT (w.employee_id, w.entry_date)) FROM work_entry w
         WHERE w.tenant_id = t.id AND w.status <> 'draft'
         AND w.entry_date BETWEEN make_date(%(y)s, 1, 1) AND make_date(%(y)s, 12, 31)),
      (SELECT count(*) FILTER (WHERE w.status = 'approved' AND NOT w.late) FROM work_entry w
         WHERE w.tenant_id = t.id AND w.status <> 'draft'
         AND w.entry_date BETWEEN make_date(%(y)s, 1, 1) AND make_date(%(y)s, 12, 31)),
      (SELECT count(*) FROM evaluation v WHERE v.tenant_id = t.id AND v.year = %(y)s
         AND v.period = 0 AND v.status = 'approved')
    FROM tenant t
"""


def catalogue(count: int = 70) -> list[dict]:
    """Kota Medan's agencies from `tenants/`, and UPT agencies up to `count` (the city's
    figure of about 70 agencies counts its UPTs)."""
    found: list[dict] = []
    for path in sorted(Path("tenants").glob("*.yaml")):
        found += yaml.safe_load(path.read_text("utf-8")) or []
    for n in range(len(found), count):
        found.append({"slug": f"upt-{n:02d}", "name": f"UPT {n:02d}", "kind": "dinas"})
    return found


def generate(
    conn, employees: int, year: int, *, agencies_count: int = 70, until: date | None = None
) -> tuple[int, dict[str, int]]:
    """Everything, as the owner (plain SQL, one agency at a time); (agencies, row counts).
    `agencies_count` below 70 takes the catalogue's first ones (a tiny run of bench.load);
    `until` ends the daily entries on that day (none for days still to come)."""
    agencies = catalogue()[:agencies_count]
    per = max(40, employees // len(agencies))
    last = until or date(year, 12, 31)
    for n, agency in enumerate(agencies):
        tid = conn.execute(
            "INSERT INTO tenant (slug, name, kind) VALUES (%s, %s, %s) RETURNING id",
            (agency["slug"], agency["name"], agency.get("kind", "dinas")),
        ).fetchone()[0]
        base = (n + 1) * 1_000_000
        conn.execute(
            """INSERT INTO position (tenant_id, id, name, type, grade, created_at, updated_at)
               VALUES (%(t)s, %(b)s + 1, 'Kepala', 'jpt_pratama', 14, now(), now()),
                      (%(t)s, %(b)s + 2, 'Kepala Bidang', 'administrator', 11, now(), now()),
                      (%(t)s, %(b)s + 3, 'Kepala Seksi', 'pengawas', 9, now(), now()),
                      (%(t)s, %(b)s + 4, 'Pelaksana', 'pelaksana', 6, now(), now())""",
            {"t": tid, "b": base},
        )
        conn.execute(
            """INSERT INTO employee (tenant_id, id, nip, name, asn_type, golongan, active,
                 superior_id, position_id, created_at, updated_at)
               SELECT %(t)s, %(b)s + g, '19800101' || lpad((%(n)s * 100000 + g)::text, 10, '0'),
                 'Pegawai ' || g, 'PNS', 'III/a', true,
                 CASE WHEN g = 1 THEN NULL
                      WHEN g <= 7 THEN %(b)s + 1
                      WHEN g <= 31 THEN %(b)s + 2 + (g - 8) / 4
                      ELSE %(b)s + 8 + (g - 32) %% 24 END,
                 %(b)s + CASE WHEN g = 1 THEN 1 WHEN g <= 7 THEN 2 WHEN g <= 31 THEN 3 ELSE 4 END,
                 now(), now()
               FROM generate_series(1, %(per)s) g""",
            {"t": tid, "b": base, "n": n, "per": per},
        )
        conn.execute(
            """INSERT INTO skp (tenant_id, id, employee_id, year, approach, status, version,
                 expectations, lampiran, acting, created_at, updated_at)
               SELECT %(t)s, e.id, e.id, %(y)s, 'kuantitatif', 'approved', 1, '{}', '{}', false,
                 now(), now()
               FROM employee e WHERE e.tenant_id = %(t)s""",
            {"t": tid, "y": year},
        )
        conn.execute(
            f"""INSERT INTO evaluation (tenant_id, id, skp_id, employee_id, year, period, starts,
                 ends, status, version, behaviour_feedback, revisions, rating_hasil,
                 rating_perilaku, predikat, created_at, updated_at)
               SELECT %(t)s, e.id, e.id, e.id, %(y)s, 0, make_date(%(y)s, 1, 1),
                 make_date(%(y)s, 12, 31), 'approved', 1, '{{}}', '[]', 'SESUAI', 'SESUAI',
                 {PREDIKAT}[1 + e.id %% 8], now(), now()
               FROM employee e WHERE e.tenant_id = %(t)s""",
            {"t": tid, "y": year},
        )
        conn.execute(
            """INSERT INTO work_entry (tenant_id, employee_id, entry_date, extra_reason, activity,
                 quantity, status, late, created_at, updated_at)
               SELECT %(t)s, e.id, d::date, 'Tugas harian', 'Kegiatan harian', 1,
                 CASE WHEN (e.id + extract(doy FROM d)::int) %% 20 = 0 THEN 'rejected'
                      WHEN (e.id + extract(doy FROM d)::int) %% 10 = 1 THEN 'submitted'
                      ELSE 'approved' END,
                 (e.id + extract(doy FROM d)::int) %% 25 = 3, now(), now()
               FROM employee e
               CROSS JOIN generate_series(make_date(%(y)s, 1, 1), %(last)s::date,
                                          interval '1 day') d
               WHERE e.tenant_id = %(t)s AND extract(isodow FROM d) < 6""",
            {"t": tid, "y": year, "last": last},
        )
        conn.commit()
    conn.execute("ANALYZE")
    counts = {
        name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        for name in ("tenant", "employee", "skp", "evaluation", "work_entry")
    }
    return len(agencies), counts


def run(employees: int, repeat: int) -> None:
    import psycopg
    from sqlalchemy import select

    from bench.tenant_scoping import servers
    from kinerja.app import create_app
    from kinerja.city import figures, service
    from kinerja.city.models import AgencyFigures
    from kinerja.db import db, migrate
    from tests.support import app_config, create_database, drop_database

    year = clock.this_year() - 1  # a whole year behind us
    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        with psycopg.connect(database.owner_url) as conn:
            started = time.perf_counter()
            agencies, counts = generate(conn, employees, year)
            built = time.perf_counter() - started
        print(
            f"# generated {agencies} agencies in {built:.0f}s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        with app.app_context():
            with db.unit_of_work() as session:
                from kinerja.tenancy.models import Tenant

                tenant_ids = list(session.scalars(select(Tenant.id)))
            started = time.perf_counter()
            for tenant_id in tenant_ids:
                with db.unit_of_work(tenant_id) as session:
                    made = figures.compute(session, year, date(year, 12, 31), None)
                    figures.store(session, year, made)
            refresh = time.perf_counter() - started
            print(
                f"# full refresh of the aggregates (every agency, as the jobs do): {refresh:.1f}s"
            )
            one = tenant_ids[len(tenant_ids) // 2]
            owner = psycopg.connect(database.owner_url, autocommit=True)

            def naive() -> object:
                rows = owner.execute(NAIVE, {"y": year}).fetchall()
                assert len(rows) == len(tenant_ids)
                return rows

            def single() -> object:
                with db.unit_of_work(one) as session:
                    row = session.get(AgencyFigures, {"tenant_id": one, "year": year})
                assert row is not None
                return row

            def comparison() -> object:
                with db.unit_of_work() as session:
                    found = service.read(session, year)
                assert len(found) == len(tenant_ids)
                return found

            def comparison_table() -> object:
                with db.unit_of_work() as session:
                    return service.table(session, year)

            naive_us = measure(naive, 3)
            read_us = measure(comparison, repeat)
            print(f"# comparison read: {naive_us / read_us:,.0f}x faster than (a)")
            rows = [
                ("(b) one agency's figures by primary key (anchor)", measure(single, repeat), "pk"),
                ("comparison read (definer fn, every agency)", measure(comparison, repeat), "pk"),
                (
                    "comparison table (read + ranks + names)",
                    measure(comparison_table, repeat),
                    "pk",
                ),
                ("(a) naive GROUP BY over personal tables (anchor)", naive_us, "naive"),
                ("comparison read, against (a)", read_us, "naive"),
            ]
            owner.close()
            db.engine.dispose()
        table.medians(
            f"The city's comparison over {counts['employee']:,} employees and "
            f"{counts['work_entry']:,} daily entries",
            rows,
        )
    finally:
        drop_database(pg, database)
        stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    run(args.employees, args.repeat)


if __name__ == "__main__":
    main()
