"""What the year's plan costs: one SKP through the API, a transition, and the whole agency's
cascade (Matriks Peran Hasil), each against an anchor measured in the same run.

Run from the repository root: `.venv/bin/python -m bench.skp [--repeat 200] [--staff 12]`
Needs PostgreSQL and Redis (the KINERJA_TEST_* URLs, or embedded servers). Builds one agency
through the services: a head, 6 kepala bidang, 4 kepala seksi under each and `--staff` staff
under each kepala seksi, every one with an approved SKP of 3 results x 2 indicators cascading
from their superior's. Anchors: an authenticated API read of one employee record (the same
pipeline: token, principal, one object) for the SKP paths (`/healthz` printed for scale), and
for the matrix one raw SQL query that reads the same rows the matrix is built from.
"""

from __future__ import annotations

import argparse
import time

from bench import table
from bench.plugin_dispatch import measure

IKI = [
    {"text": "Jumlah", "aspect": "kuantitas", "target_low": "12", "unit": "laporan"},
    {"text": "Tepat waktu", "aspect": "waktu", "target_low": "100", "unit": "%"},
]


def build(tenant_id: int, staff_per_kasi: int) -> tuple[int, int, int, int]:
    """The agency's people and their approved plans; (employees, a staff SKP id, its owner's
    user id, its owner's employee id)."""
    from kinerja.db import db
    from kinerja.identity import users
    from kinerja.people.models import Employee
    from kinerja.performance import flow, plan, targets
    from kinerja.performance import skp as skps
    from kinerja.performance.inputs import RhkInput
    from kinerja.permissions import Principal
    from tests.support import add_user

    year = 2026
    count = 0

    def person(session, name: str, superior: Employee | None) -> Employee:
        nonlocal count
        count += 1
        employee = Employee(
            nip=f"19800101200501{count:04d}",
            name=name,
            asn_type="PNS",
            golongan="III/a",
            superior_id=superior.id if superior else None,
        )
        session.add(employee)
        session.flush()
        return employee

    def planned(session, employee: Employee, links: list[dict]) -> list[int]:
        skp = skps.create(session, employee, year)
        rows = [
            plan.add_rhk(
                session,
                skp,
                RhkInput().read({"text": f"Hasil {n} {employee.name}", "iki": IKI, **link}),
            )
            for n, link in enumerate(links)
        ]
        owner = Principal(1, tenant_id, frozenset({"pegawai"}), employee.id)
        flow.act(session, owner, skp, "submit")
        rater = skps.chain(session, employee).rater
        by = (
            Principal(1, tenant_id, frozenset({"pegawai"}), rater.id)
            if rater
            else Principal(1, tenant_id, frozenset({"admin_opd"}), -1)
        )
        flow.act(session, by, skp, "approve")
        return [r.id for r in rows]

    with db.unit_of_work(tenant_id) as session:
        target = targets.create(session, year, {"code": "SS1", "text": "Sasaran"})
        head = person(session, "Kepala", None)
        head_rows = planned(session, head, [{"org_target_id": target.id}] * 3)
    sample = 0
    for b in range(6):
        with db.unit_of_work(tenant_id) as session:
            head = session.get(Employee, {"tenant_id": tenant_id, "id": 1}) or head
            kabid = person(session, f"Kabid {b}", head)
            kabid_rows = planned(session, kabid, [{"parent_rhk_id": r} for r in head_rows])
            for s in range(4):
                kasi = person(session, f"Kasi {b}.{s}", kabid)
                kasi_rows = planned(session, kasi, [{"parent_rhk_id": r} for r in kabid_rows])
                for t in range(staff_per_kasi):
                    staff = person(session, f"Staf {b}.{s}.{t}", kasi)
                    planned(session, staff, [{"parent_rhk_id": r} for r in kasi_rows])
                    sample = staff.id
    user = add_user("bench-staff", None)
    with db.unit_of_work(tenant_id) as session:
        session.get(Employee, {"tenant_id": tenant_id, "id": sample}).user_id = user
        users.ensure_membership(session, user, "pegawai")
        skp_id = skps.of_employee(session, sample, year).id
    return count, skp_id, user, sample


RAW = """
    SELECT r.id, s.employee_id, e.name, s.status, r.kind, r.text, r.parent_rhk_id,
           r.org_target_id, array_agg(i.text ORDER BY i.position) AS iki
    FROM rhk r JOIN skp s ON s.tenant_id = r.tenant_id AND s.id = r.skp_id
    JOIN employee e ON e.tenant_id = s.tenant_id AND e.id = s.employee_id
    LEFT JOIN iki i ON i.tenant_id = r.tenant_id AND i.rhk_id = r.id
    WHERE s.year = 2026 AND NOT r.proposed
    GROUP BY r.id, s.employee_id, e.name, s.status, r.kind, r.text, r.parent_rhk_id,
             r.org_target_id
"""


def run(repeat: int, staff: int) -> tuple[int, list[tuple[str, float, str]]]:
    from sqlalchemy import create_engine, text

    from bench.tenant_scoping import servers
    from kinerja.app import create_app
    from kinerja.db import db, migrate
    from kinerja.identity import tokens
    from kinerja.performance import cascade
    from kinerja.permissions import Principal
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
            people, skp_id, user, owner_id = build(tenant, staff)
            print(
                f"# built {people} employees with approved SKP in "
                f"{time.perf_counter() - started:.1f}s"
            )
            admin_user = add_user("bench-admin", None)
            from kinerja.identity import users

            with db.unit_of_work(tenant) as session:
                users.ensure_membership(session, admin_user, "admin_opd")
                issued = tokens.issue(session, tenant, user, "pegawai", "b", 5)
            client = app.test_client()
            headers = {"Authorization": f"Bearer {issued.token}"}
            api = "/api/v1/tenants/dinkes/skp"

            def detail() -> object:
                response = client.get(f"{api}/{skp_id}", headers=headers)
                assert response.status_code == 200, response.get_json()
                return response

            def post(action: str, reason: str | None = None) -> object:
                body = {"action": action, "reason": reason}
                response = client.post(f"{api}/{skp_id}/transitions", headers=headers, json=body)
                assert response.status_code == 200, response.get_json()
                return response

            post("revise", "bench")  # a revision opens a draft: submit and withdraw from there

            def cycle() -> object:
                post("submit")  # checks every requirement and takes the header snapshot
                return post("withdraw")

            admin = Principal(admin_user, tenant, frozenset({"admin_opd"}), None)

            def matrix() -> object:
                with db.unit_of_work(tenant) as session:
                    roots, _ = cascade.build(session, admin, 2026)
                assert roots and roots[0].children
                return roots

            def raw() -> object:
                with db.unit_of_work(tenant) as session:
                    rows = session.execute(text(RAW)).all()
                assert rows
                return rows

            few = max(5, repeat // 20)

            def employee() -> object:  # the same pipeline: token, principal, one record
                response = client.get(
                    f"/api/v1/tenants/dinkes/employees/{owner_id}", headers=headers
                )
                assert response.status_code == 200, response.get_json()
                return response

            rows = [
                ("GET /healthz", measure(lambda: client.get("/healthz"), repeat), "-"),
                ("GET …/employees/<id> (anchor)", measure(employee, repeat), "api"),
                ("GET …/skp/<id> (one SKP, 3 RHK x 2 IKI)", measure(detail, repeat), "api"),
                ("submit + withdraw (2 POSTs)", measure(cycle, few), "api"),
                ("raw SQL: the matrix's rows (anchor)", measure(raw, few), "matrix"),
                ("cascade.build: the whole agency's tree", measure(matrix, few), "matrix"),
            ]
            db.engine.dispose()
        owner.dispose()
        return people, rows
    finally:
        drop_database(pg, database)
        stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--staff", type=int, default=12, help="staff under each kepala seksi")
    args = parser.parse_args()
    people, rows = run(args.repeat, args.staff)
    table.medians(f"SKP paths, one agency of {people} employees with approved plans", rows)


if __name__ == "__main__":
    main()
