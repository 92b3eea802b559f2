"""What computing a TPP month costs: one agency's month for `--employees` people, against the
raw SQL that reads the same inputs (the employees with their base, the predikat, the days with
an entry, the attendance events), measured in the same run.

Run from the repository root: `.venv/bin/python -m bench.tpp [--employees 3000] [--repeat 5]`
Needs PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers). Builds one agency:
four positions with a kelas each and their bases, every employee with an approved SKP and two
approved evaluations (the year's and a period's), daily entries on most working days of last
month (one in ten rejected) and two attendance events each. Rows:
- the anchor: the four raw queries, rows fetched;
- `compute.lines`: the same reads through the ORM and the rules per employee (what the month
  costs before it is kept);
- `service.compute`: the whole job's work: the month's row lock, the lines computed and kept
  (the previous lines deleted, the new ones inserted), rolled back after each run; against a
  second anchor: the raw reads plus the same lines inserted by the same one statement (the
  write's floor: PostgreSQL checks three foreign keys per line and keeps three indexes).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from bench import table
from bench.plugin_dispatch import measure

RAW = (
    """SELECT e.id, e.position_id, p.grade, pb.amount, b.amount FROM employee e
       LEFT JOIN position p ON p.tenant_id = e.tenant_id AND p.id = e.position_id
       LEFT JOIN tpp_position_base pb ON pb.tenant_id = e.tenant_id
            AND pb.position_id = e.position_id
       LEFT JOIN tpp_base b ON b.kelas = p.grade
       WHERE e.tenant_id = :t AND e.active""",
    """SELECT DISTINCT ON (employee_id) employee_id, predikat, id
       FROM evaluation WHERE tenant_id = :t AND status = 'approved' AND predikat IS NOT NULL
            AND starts <= :last
       ORDER BY employee_id, (starts <= :first AND ends >= :last) DESC, ends DESC""",
    """SELECT employee_id, count(DISTINCT entry_date) FROM work_entry
       WHERE tenant_id = :t AND entry_date BETWEEN :first AND :last
            AND status IN ('submitted', 'approved')
       GROUP BY employee_id""",
    """SELECT employee_id, code, count(*) FROM attendance_event
       WHERE tenant_id = :t AND day BETWEEN :first AND :last GROUP BY employee_id, code""",
)


def build(tenant_id: int, employees: int, year: int, month: int) -> dict[str, int]:
    from sqlalchemy import func, insert, select

    from kinerja.db import db
    from kinerja.people.models import Employee, Position
    from kinerja.performance.evaluation.models import Evaluation
    from kinerja.performance.log.models import WorkEntry
    from kinerja.performance.models import Skp
    from kinerja.tpp import compute
    from kinerja.tpp.models import AttendanceEvent, TppBase

    days = compute.working_days(year, month, date(year, month, 28) + timedelta(days=10))
    with db.unit_of_work() as session:
        session.execute(
            insert(TppBase), [{"kelas": k, "amount": 1_000_000 + k * 250_000} for k in range(1, 18)]
        )
    with db.unit_of_work(tenant_id) as session:
        grades = (7, 9, 11, 14)
        positions = []
        for grade in grades:
            position = Position(name=f"Jabatan {grade}", type="fungsional", grade=grade)
            session.add(position)
            session.flush()
            positions.append(position.id)
        session.execute(
            insert(Employee),
            [
                {
                    "tenant_id": tenant_id,
                    "nip": f"19800101200501{n:04d}",
                    "name": f"Pegawai {n}",
                    "asn_type": "PNS",
                    "golongan": "III/a",
                    "position_id": positions[n % len(positions)],
                    "active": True,
                }
                for n in range(employees)
            ],
        )
        ids = list(session.scalars(select(Employee.id).order_by(Employee.id)))
        session.execute(
            insert(Skp),
            [
                {"tenant_id": tenant_id, "employee_id": e, "year": year, "status": "approved"}
                for e in ids
            ],
        )
        skp = dict(session.execute(select(Skp.employee_id, Skp.id)).all())
        predikat = ("BAIK", "SANGAT_BAIK", "BUTUH_PERBAIKAN", "KURANG")
        evaluations = []
        for n, e in enumerate(ids):
            for period, (starts, ends) in (
                (0, (date(year, 1, 1), date(year, 12, 31))),
                (1, (date(year, month, 1), days[-1])),
            ):
                evaluations.append(
                    {
                        "tenant_id": tenant_id,
                        "skp_id": skp[e],
                        "employee_id": e,
                        "year": year,
                        "period": period,
                        "starts": starts,
                        "ends": ends,
                        "status": "approved",
                        "predikat": predikat[(n + period) % 4],
                    }
                )
        session.execute(insert(Evaluation), evaluations)
        entries = [
            {
                "tenant_id": tenant_id,
                "employee_id": e,
                "entry_date": day,
                "activity": "Kerja",
                "extra_reason": "rutin",
                "status": "rejected" if (n + d) % 10 == 0 else "submitted",
            }
            for n, e in enumerate(ids)
            for d, day in enumerate(days)
            if (n + d) % 7 != 3
        ]
        for start in range(0, len(entries), 10_000):
            session.execute(insert(WorkEntry), entries[start : start + 10_000])
        codes = ("terlambat_1", "tanpa_keterangan", "pulang_cepat_2")
        session.execute(
            insert(AttendanceEvent),
            [
                {
                    "tenant_id": tenant_id,
                    "employee_id": e,
                    "day": days[(n + k) % len(days)],
                    "code": codes[(n + k) % 3],
                    "source": "api",
                }
                for n, e in enumerate(ids)
                for k in range(2)
            ],
        )
        counts = {
            "employees": len(ids),
            "entries": session.scalar(select(func.count()).select_from(WorkEntry)) or 0,
            "evaluations": len(evaluations),
        }
    return counts


def run(employees: int, repeat: int) -> tuple[str, list[tuple[str, float, str]]]:
    from sqlalchemy import create_engine, text

    from bench.tenant_scoping import servers
    from kinerja import clock
    from kinerja.app import create_app
    from kinerja.db import db, migrate
    from kinerja.tpp import compute, service, settings
    from tests.support import app_config, create_database, drop_database, insert_tenant

    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        owner = create_engine(database.owner_url.replace("postgresql://", "postgresql+psycopg://"))
        with app.app_context():
            tenant = insert_tenant(owner, "dinkes", "Dinas Kesehatan")
            last = clock.today().replace(day=1) - timedelta(days=1)
            year, month = last.year, last.month
            started = time.perf_counter()
            counts = build(tenant, employees, year, month)
            print(f"# built {counts} in {time.perf_counter() - started:.1f}s")
            first = date(year, month, 1)
            arguments = {"t": tenant, "first": first, "last": last}

            def raw() -> object:
                with db.unit_of_work(tenant) as session:
                    found = [session.execute(text(q), arguments).all() for q in RAW]
                assert len(found[0]) == counts["employees"]
                return found

            def lines() -> object:
                with db.unit_of_work(tenant) as session:
                    found = compute.lines(
                        session, year, month, clock.today(), settings.tables(session)
                    )
                assert len(found) == counts["employees"]
                return found

            with db.unit_of_work(tenant) as session:  # the month's row, for the write's anchor
                month_id = service.compute(session, year, month).id
                computed = compute.lines(
                    session, year, month, clock.today(), settings.tables(session)
                )
            stamped = [
                {**row, "tenant_id": tenant, "month_id": month_id, "version": 99}
                for row in computed
            ]

            def raw_kept() -> object:
                session = db.new_session(tenant)
                try:
                    found = [session.execute(text(q), arguments).all() for q in RAW]
                    service._insert_lines(session, stamped)
                finally:
                    session.rollback()
                    session.close()
                return found

            def whole() -> object:
                session = db.new_session(tenant)
                try:
                    service.compute(session, year, month)
                finally:
                    session.rollback()
                    session.close()
                return None

            rows = [
                ("raw SQL: the four inputs read (anchor)", measure(raw, repeat), "month"),
                ("compute.lines (reads + rules, not kept)", measure(lines, repeat), "month"),
                (
                    "raw SQL: inputs read + same lines inserted (anchor)",
                    measure(raw_kept, repeat),
                    "kept",
                ),
                ("service.compute (computed and kept)", measure(whole, repeat), "kept"),
            ]
            db.engine.dispose()
        owner.dispose()
        return f"{counts['employees']} employees, {counts['entries']} daily entries", rows
    finally:
        drop_database(pg, database)
        stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    size, rows = run(args.employees, args.repeat)
    table.medians(f"A TPP month for one agency of {size}", rows)


if __name__ == "__main__":
    main()
