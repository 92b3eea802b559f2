"""What talent results cost: one person's result through the API and the whole agency's grid
(every person's gap, JPM and box), each against an anchor measured in the same run.

Run from the repository root: `.venv/bin/python -m bench.talent [--repeat 100] [--staff 12]`
Needs PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers). Builds one agency: a
head, 6 kepala bidang, 4 kepala seksi under each and `--staff` staff under each kepala seksi,
each with a position; a closed 360° campaign in which every rater answered every task (self,
superior, up to six peers, the subordinates: nine competencies each). Anchors: an authenticated
API read of one employee record (the same pipeline) for the person's result, and for the grid
one raw SQL query that averages the same ratings per person, source and competency.
"""

from __future__ import annotations

import argparse
import time

from bench import table
from bench.plugin_dispatch import measure


def build(tenant_id: int, staff_per_kasi: int) -> tuple[int, int, int]:
    """The agency and its closed campaign: (employees, ratings, a staff member's id)."""
    from sqlalchemy import func, select

    from kinerja.competency import campaigns
    from kinerja.competency.models import AssessmentRating, AssessmentTask
    from kinerja.db import db
    from kinerja.people.models import Employee, Position
    from kinerja.plugins import core

    dictionary = {c.code: c for c in core.kinerja_competencies()}
    count = 0

    def person(session, name: str, superior: Employee | None, position: Position) -> Employee:
        nonlocal count
        count += 1
        employee = Employee(
            nip=f"19800101200501{count:04d}",
            name=name,
            asn_type="PNS",
            golongan="III/a",
            superior_id=superior.id if superior else None,
            position_id=position.id,
        )
        session.add(employee)
        session.flush()
        return employee

    sample = 0
    with db.unit_of_work(tenant_id) as session:
        kinds = {}
        for kind, grade in (
            ("jpt_pratama", 14),
            ("administrator", 11),
            ("pengawas", 9),
            ("fungsional", 8),
        ):
            kinds[kind] = Position(name=kind, type=kind, grade=grade)
            session.add(kinds[kind])
        session.flush()
        head = person(session, "Kepala", None, kinds["jpt_pratama"])
        for b in range(6):
            kabid = person(session, f"Kabid {b}", head, kinds["administrator"])
            for s in range(4):
                kasi = person(session, f"Kasi {b}.{s}", kabid, kinds["pengawas"])
                for t in range(staff_per_kasi):
                    sample = person(session, f"Staf {b}.{s}.{t}", kasi, kinds["fungsional"]).id
        found = campaigns.create(
            session, {"name": "Bench", "starts": "2026-01-01", "ends": "2026-06-30"}, {}, None
        )
        campaigns.open_campaign(session, found)
        for n, task in enumerate(
            session.scalars(select(AssessmentTask).where(AssessmentTask.campaign_id == found.id))
        ):
            asked = campaigns.to_rate(session, task, dictionary)
            campaigns.submit(
                session,
                task,
                {c.code: {"level": 1 + (n + i) % 5} for i, c in enumerate(asked)},
                dictionary,
            )
        campaigns.close_campaign(session, found)
        ratings = session.scalar(select(func.count()).select_from(AssessmentRating)) or 0
    return count, ratings, sample


RAW = """
    SELECT subject_id, source, code, avg(level), count(*)
    FROM assessment_rating
    GROUP BY subject_id, source, code
"""


def run(repeat: int, staff: int) -> tuple[str, list[tuple[str, float, str]]]:
    from sqlalchemy import create_engine, text

    from bench.tenant_scoping import servers
    from kinerja.app import create_app
    from kinerja.db import db, migrate
    from kinerja.identity import tokens, users
    from tests.support import add_user, app_config, create_database, drop_database, insert_tenant

    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        owner = create_engine(database.owner_url.replace("postgresql://", "postgresql+psycopg://"))
        with app.app_context():
            tenant = insert_tenant(owner, "dinkes", "Dinas Kesehatan")
            started = time.perf_counter()
            people, ratings, sample = build(tenant, staff)
            print(
                f"# built {people} employees and {ratings} ratings in "
                f"{time.perf_counter() - started:.1f}s"
            )
            admin_user = add_user("bench-admin", None)
            with db.unit_of_work(tenant) as session:
                from kinerja.people.models import Employee

                session.get(Employee, {"tenant_id": tenant, "id": 1}).user_id = admin_user
                users.ensure_membership(session, admin_user, "pegawai")
                users.ensure_membership(session, admin_user, "admin_opd")
                issued = tokens.issue(session, tenant, admin_user, "admin_opd", "b", 5)
            client = app.test_client()
            headers = {"Authorization": f"Bearer {issued.token}"}
            api = "/api/v1/tenants/dinkes"

            def get(path: str) -> object:
                response = client.get(f"{api}{path}", headers=headers)
                assert response.status_code == 200, response.get_json()
                return response

            def raw() -> object:
                with db.unit_of_work(tenant) as session:
                    rows = session.execute(text(RAW)).all()
                assert rows
                return rows

            few = max(5, repeat // 20)
            rows = [
                (
                    "GET …/employees/<id> (anchor)",
                    measure(lambda: get(f"/employees/{sample}"), repeat),
                    "api",
                ),
                (
                    "GET …/talent/people/<id> (one result)",
                    measure(lambda: get(f"/talent/people/{sample}"), repeat),
                    "api",
                ),
                ("raw SQL: means per person+source (anchor)", measure(raw, few), "agency"),
                (
                    "GET …/talent/grid (whole agency)",
                    measure(lambda: get("/talent/grid"), few),
                    "agency",
                ),
                (
                    "GET …/talent/heatmap (whole agency)",
                    measure(lambda: get("/talent/heatmap"), few),
                    "agency",
                ),
            ]
            db.engine.dispose()
        owner.dispose()
        return f"{people} employees, {ratings} ratings", rows
    finally:
        drop_database(pg, database)
        stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--staff", type=int, default=12, help="staff under each kepala seksi")
    args = parser.parse_args()
    size, rows = run(args.repeat, args.staff)
    table.medians(f"Talent results, one agency of {size} (a closed 360° campaign)", rows)


if __name__ == "__main__":
    main()
