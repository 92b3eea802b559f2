"""What talent results cost: one person's result through the API and the whole agency's grid
and heat-map, read from the stored results (`competency.stored`), each against an anchor
measured in the same run; and the home page of an admin OPD with 500 plans waiting for them,
read from the waiting counters (`performance.waiting`), against `/healthz`.

Run from the repository root:
`.venv/bin/python -m bench.talent [--repeat 100] [--staff 12 | --people 3000] [--waiting 500]`
Needs PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers). Builds one agency: a
head, 6 kepala bidang, 4 kepala seksi under each and `--staff` staff under each kepala seksi,
each with a position; a closed 360° campaign in which every rater answered every task (self,
superior, up to six peers, the subordinates: nine competencies each). Anchors: an authenticated
API read of one employee record (the same pipeline) for the person's result; for computing
every result (what the grid did per request before, now the refresh job) one raw SQL query that
averages the same ratings per person, source and competency; for the grid and the heat-map one
raw SQL query reading the agency's stored results whole (target: ≤ 2x); for the home page
`/healthz` (target: ≤ 3x). `--people N` sizes the agency to about N employees (the ratings are
then written by one INSERT … SELECT: the services would take most of an hour at 3,000).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench import table
from bench.plugin_dispatch import measure


def build(tenant_id: int, staff_per_kasi: int, bulk: bool = False) -> tuple[int, int, int]:
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
        tasks = session.scalars(
            select(AssessmentTask).where(AssessmentTask.campaign_id == found.id)
        )
        if bulk:
            first = session.scalar(
                select(AssessmentTask).where(AssessmentTask.campaign_id == found.id).limit(1)
            )
            assert first is not None
            _bulk_ratings(
                session, found.id, [c.code for c in campaigns.to_rate(session, first, dictionary)]
            )
        else:
            for n, task in enumerate(tasks):
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


def _bulk_ratings(session: Any, campaign_id: int, codes: list[str]) -> None:
    """Every task answered at once (marked answered first: the database refuses a rating
    without an answered task), levels 1-5 spread as the services' loop spreads them; the
    anonymous sources without a rater, as the services store them."""
    from sqlalchemy import text

    values = ", ".join(f"('{c}', {i})" for i, c in enumerate(codes))
    session.execute(
        text("UPDATE assessment_task SET done_at = now() WHERE campaign_id = :campaign"),
        {"campaign": campaign_id},
    )
    session.execute(
        text(
            f"""
            INSERT INTO assessment_rating
                (tenant_id, campaign_id, subject_id, source, rater_id, code, level)
            SELECT t.tenant_id, t.campaign_id, t.subject_id, t.source,
                   CASE WHEN t.source IN ('peer', 'subordinate') THEN NULL ELSE t.rater_id END,
                   c.code, 1 + (t.id + c.n) % 5
            FROM assessment_task t CROSS JOIN (VALUES {values}) AS c(code, n)
            WHERE t.campaign_id = :campaign
            """
        ),
        {"campaign": campaign_id},
    )


def build_waiting(tenant_id: int, waiting: int, year: int) -> int:
    """An agency whose admin OPD is also the Pejabat Penilai of `waiting` people, each with a
    submitted plan (the counters are kept as the plans are stored); the admin's employee id."""
    from datetime import UTC, datetime

    from kinerja.db import db
    from kinerja.people.models import Employee
    from kinerja.performance.models import Skp

    with db.unit_of_work(tenant_id) as session:
        admin = Employee(nip="197001012000011001", name="Admin OPD", asn_type="PNS")
        session.add(admin)
        session.flush()
        staff = [
            Employee(
                nip=f"19900101201501{n:04d}",
                name=f"Staf {n}",
                asn_type="PNS",
                superior_id=admin.id,
            )
            for n in range(waiting)
        ]
        session.add_all(staff)
        session.flush()
        now = datetime.now(UTC)
        session.add_all(
            Skp(employee_id=e.id, year=year, status="submitted", submitted_at=now) for e in staff
        )
        return admin.id


RAW_STORED = """
    SELECT r.employee_id, r.box, r.category, r.jpm, r.gaps, e.org_unit_id
    FROM talent_result r JOIN employee e ON e.tenant_id = r.tenant_id AND e.id = r.employee_id
    WHERE e.active
"""


RAW = """
    SELECT subject_id, source, code, avg(level), count(*)
    FROM assessment_rating
    GROUP BY subject_id, source, code
"""


def run(
    repeat: int, staff: int, bulk: bool = False, waiting: int = 500
) -> tuple[str, list[tuple[str, float, str]]]:
    from sqlalchemy import create_engine, text

    from bench.tenant_scoping import servers
    from kinerja import clock
    from kinerja.app import create_app
    from kinerja.competency import catalogue, results, stored
    from kinerja.db import db, migrate
    from kinerja.identity import tokens, users
    from tests.support import (
        add_user,
        app_config,
        create_database,
        drop_database,
        insert_tenant,
    )

    pg, redis_url, stop = servers()
    database = create_database(pg)
    try:
        migrate.upgrade(database.owner_url, database.app_url, "kinerja_test_app")
        app = create_app(app_config(database, redis_url, LOG_LEVEL="WARNING"))
        owner = create_engine(database.owner_url.replace("postgresql://", "postgresql+psycopg://"))
        with app.app_context():
            tenant = insert_tenant(owner, "dinkes", "Dinas Kesehatan")
            started = time.perf_counter()
            people, ratings, sample = build(tenant, staff, bulk)
            print(
                f"# built {people} employees and {ratings} ratings in "
                f"{time.perf_counter() - started:.1f}s",
                flush=True,
            )
            started = time.perf_counter()
            with db.unit_of_work(tenant) as session:  # what the refresh job does
                stored.compute(session, None, catalogue.dictionary_of(session, tenant))
            print(
                f"# stored everyone's results in {time.perf_counter() - started:.1f}s",
                flush=True,
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

            def stored_raw() -> object:
                with db.unit_of_work(tenant) as session:
                    rows = session.execute(text(RAW_STORED)).all()
                assert rows
                return rows

            def compute_all() -> object:
                with db.unit_of_work(tenant) as session:
                    ids = list(session.scalars(text("SELECT id FROM employee WHERE active")))
                    return results.of_people(session, ids, catalogue.dictionary_of(session, tenant))

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
                ("every result computed (the refresh job)", measure(compute_all, 3), "agency"),
                ("raw SQL: stored results read whole (anchor)", measure(stored_raw, few), "stored"),
                (
                    "GET …/talent/grid (stored)",
                    measure(lambda: get("/talent/grid"), few),
                    "stored",
                ),
                (
                    "GET …/talent/grid?box=5 (stored, a page)",
                    measure(lambda: get("/talent/grid?box=5"), few),
                    "stored",
                ),
                (
                    "GET …/talent/heatmap (stored)",
                    measure(lambda: get("/talent/heatmap"), few),
                    "stored",
                ),
            ]
            rows += home(app, owner, waiting, repeat, clock.this_year())
            db.engine.dispose()
        owner.dispose()
        return f"{people} employees, {ratings} ratings", rows
    finally:
        drop_database(pg, database)
        stop()


def home(
    app: Any, owner: Any, waiting: int, repeat: int, year: int
) -> list[tuple[str, float, str]]:
    """The home page of an admin OPD with `waiting` plans waiting for them, against /healthz."""
    from kinerja.db import db
    from kinerja.identity import users
    from kinerja.people.models import Employee
    from tests.support import add_user, insert_tenant, sign_in

    def agency(slug: str, plans: int) -> Any:
        """An agency whose admin OPD has `plans` waiting; a client signed in as them."""
        tenant = insert_tenant(owner, slug, f"Dinas {slug}")
        admin_id = build_waiting(tenant, plans, year)
        user = add_user(f"{slug}-admin", None)
        with db.unit_of_work(tenant) as session:
            session.get(Employee, {"tenant_id": tenant, "id": admin_id}).user_id = user
            users.ensure_membership(session, user, "pegawai")
            users.ensure_membership(session, user, "admin_opd")
        client = app.test_client()
        sign_in(client, f"{slug}-admin")
        return client

    client = agency("bench2", waiting)
    idle = agency("bench3", 0)
    page = client.get("/t/bench2/")
    assert page.status_code == 200 and f">{waiting}<" in page.get_data(as_text=True), "count"

    def healthz() -> object:
        response = client.get("/healthz")
        assert response.status_code == 200
        return response

    def home_page() -> object:
        response = client.get("/t/bench2/")
        assert response.status_code == 200
        return response

    def idle_page() -> object:
        response = idle.get("/t/bench3/")
        assert response.status_code == 200
        return response

    return [
        ("GET /healthz (anchor)", measure(healthz, repeat), "home"),
        ("GET /t/<t>/ (home, admin OPD, 0 waiting)", measure(idle_page, repeat), "home"),
        (f"GET /t/<t>/ (home, admin OPD, {waiting} waiting)", measure(home_page, repeat), "home"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--staff", type=int, default=12, help="staff under each kepala seksi")
    parser.add_argument("--people", type=int, help="about this many employees (sets --staff)")
    parser.add_argument("--waiting", type=int, default=500, help="plans waiting on the home page")
    args = parser.parse_args()
    staff = max(1, round((args.people - 31) / 24)) if args.people else args.staff
    size, rows = run(args.repeat, staff, bulk=bool(args.people), waiting=args.waiting)
    table.medians(f"Talent results, one agency of {size} (a closed 360° campaign)", rows)


if __name__ == "__main__":
    main()
