"""The identity API: bearer tokens, employees, positions, memberships, tokens, audit log."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kinerja.cli import cli
from kinerja.db import db
from kinerja.identity import tokens as token_service


def issue(tenant_id: int, user_id: int, role: str = "pegawai", days: int | None = 30) -> str:
    with db.unit_of_work(tenant_id) as session:
        return token_service.issue(session, tenant_id, user_id, role, "test", days).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


@pytest.fixture
def admin_token(tenants, people) -> str:
    return issue(tenants.a, people.users["admin"], "admin_opd")


@pytest.fixture
def staff_token(tenants, people) -> str:
    return issue(tenants.a, people.users["staff"])


def test_token_of_tenant_a_on_tenant_b_is_404(client, tenants, people, admin_token) -> None:
    assert (
        client.get("/api/v1/tenants/dinkes/employees", headers=bearer(admin_token)).status_code
        == 200
    )
    response = client.get("/api/v1/tenants/disdik/employees", headers=bearer(admin_token))
    assert response.status_code == 404
    assert "Pegawai Disdik" not in response.get_data(as_text=True)
    assert (
        client.get(
            f"/api/v1/tenants/disdik/employees/{people.other}", headers=bearer(admin_token)
        ).status_code
        == 404
    )


def test_forged_tenant_in_a_token_is_401(client, tenants, people, admin_token) -> None:
    forged = admin_token.replace(f"knj_{tenants.a}_", f"knj_{tenants.b}_")
    assert client.get("/api/v1/tenants/disdik/employees", headers=bearer(forged)).status_code == 401


def test_revoked_and_expired_tokens_are_401(
    client, tenants, people, admin_token, owner_engine
) -> None:
    expired = issue(tenants.a, people.users["admin"], "admin_opd")
    with owner_engine.begin() as conn:
        conn.execute(
            text("UPDATE api_token SET expires_at = :t WHERE token_hash = :h"),
            {"t": datetime.now(UTC) - timedelta(minutes=1), "h": token_service.hash_token(expired)},
        )
    assert (
        client.get("/api/v1/tenants/dinkes/employees", headers=bearer(expired)).status_code == 401
    )
    listed = client.get("/api/v1/tenants/dinkes/tokens", headers=bearer(admin_token)).get_json()
    own = next(t for t in listed if t["prefix"] == admin_token[: len(t["prefix"])])
    assert (
        client.delete(
            f"/api/v1/tenants/dinkes/tokens/{own['id']}", headers=bearer(admin_token)
        ).status_code
        == 204
    )
    assert (
        client.get("/api/v1/tenants/dinkes/employees", headers=bearer(admin_token)).status_code
        == 401
    )


def test_tokens_are_stored_only_as_hashes_and_never_logged(
    client, tenants, people, staff_token, owner_engine
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        created = client.post(
            "/api/v1/tenants/dinkes/tokens",
            headers=bearer(staff_token),
            json={"name": "laptop", "expires_days": 7},
        )
    finally:
        logging.getLogger().removeHandler(handler)
    assert created.status_code == 201
    token = created.get_json()["token"]
    assert token.startswith(f"knj_{tenants.a}_")
    with owner_engine.connect() as conn:
        dump = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM api_token")) for v in row
        )
        audit_dump = str(conn.execute(text("SELECT changes FROM audit_log")).all())
    assert token not in dump and staff_token not in dump
    assert token_service.hash_token(token) in dump
    assert token not in stream.getvalue() and staff_token not in stream.getvalue()
    assert token not in audit_dump
    listed = client.get("/api/v1/tenants/dinkes/tokens", headers=bearer(staff_token)).get_json()
    assert all("token" not in t for t in listed)


def test_token_role_is_limited_to_roles_held(client, staff_token) -> None:
    response = client.post(
        "/api/v1/tenants/dinkes/tokens",
        headers=bearer(staff_token),
        json={"name": "x", "role": "admin_opd"},
    )
    assert response.status_code == 422


def test_pegawai_token_sees_only_self(client, people, staff_token) -> None:
    listed = client.get("/api/v1/tenants/dinkes/employees", headers=bearer(staff_token)).get_json()
    assert [e["id"] for e in listed] == [people.staff]
    assert (
        client.get(
            f"/api/v1/tenants/dinkes/employees/{people.peer}", headers=bearer(staff_token)
        ).status_code
        == 404
    )


def test_superior_sees_subordinates(client, tenants, people) -> None:
    token = issue(tenants.a, people.users["boss"])
    listed = client.get("/api/v1/tenants/dinkes/employees", headers=bearer(token)).get_json()
    assert {e["id"] for e in listed} == {people.superior, people.staff}
    subs = client.get(
        f"/api/v1/tenants/dinkes/employees/{people.superior}/subordinates", headers=bearer(token)
    ).get_json()
    assert [e["id"] for e in subs] == [people.staff]


def test_admin_creates_and_updates_employees_with_etags_and_audit(
    client, people, admin_token, owner_engine
) -> None:
    h = bearer(admin_token)
    created = client.post(
        "/api/v1/tenants/dinkes/employees",
        headers=h,
        json={
            "nip": "199912312024012002",
            "name": "Pegawai Baru",
            "asn_type": "PNS",
            "golongan": "III/a",
            "superior_id": people.superior,
        },
    )
    assert created.status_code == 201, created.get_json()
    new_id = created.get_json()["id"]
    path = f"/api/v1/tenants/dinkes/employees/{new_id}"
    etag = client.get(path, headers=h).headers["ETag"]
    assert client.patch(path, headers=h, json={"name": "x"}).status_code == 428
    changed = client.patch(path, headers={**h, "If-Match": etag}, json={"golongan": "III/b"})
    assert changed.status_code == 200 and changed.get_json()["golongan"] == "III/b"
    with owner_engine.connect() as conn:
        entries = conn.execute(
            text("SELECT action, changes FROM audit_log WHERE object_id = :i ORDER BY id"),
            {"i": str(new_id)},
        ).all()
    assert [e.action for e in entries] == ["employee.create", "employee.update"]
    assert entries[1].changes == {"golongan": ["III/a", "III/b"]}


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        # The NIP rule as a sentence in the reader's language, never its code
        ({"nip": "19860926201505100"}, "nip", "18 digit"),
        ({"nip": "198613262015051001"}, "nip", "(YYYYMMDD)"),
        ({"nip": "198609261985051001"}, "nip", "TMT"),
        ({"golongan": "V/a"}, "golongan", "is not a golongan of PNS"),
        ({"asn_type": "PPPK", "golongan": "III/a"}, "golongan", "is not a golongan of PPPK"),
    ],
)
def test_bad_employee_data_is_422_naming_the_field(
    client, people, admin_token, body, field, fragment
) -> None:
    data = {"nip": "199912312024012002", "name": "X", "asn_type": "PNS", **body}
    response = client.post(
        "/api/v1/tenants/dinkes/employees", headers=bearer(admin_token), json=data
    )
    assert response.status_code == 422
    messages = response.get_json()["errors"]["json"][field]
    assert any(fragment in m for m in messages), messages
    assert not any("rule" in m for m in messages), messages


def test_duplicate_nip_is_409(client, people, admin_token) -> None:
    response = client.post(
        "/api/v1/tenants/dinkes/employees",
        headers=bearer(admin_token),
        json={"nip": "198609262015051001", "name": "Dup", "asn_type": "PNS"},
    )
    assert response.status_code == 409


def test_hierarchy_cycles_and_cross_tenant_superiors_are_refused(
    client, people, admin_token
) -> None:
    h = bearer(admin_token)
    path = f"/api/v1/tenants/dinkes/employees/{people.head}"
    etag = client.get(path, headers=h).headers["ETag"]
    cycle = client.patch(path, headers={**h, "If-Match": etag}, json={"superior_id": people.staff})
    assert cycle.status_code == 409 and "cycle" in cycle.get_json()["message"]
    own = client.patch(path, headers={**h, "If-Match": etag}, json={"superior_id": people.head})
    assert own.status_code == 409
    foreign = client.patch(
        path, headers={**h, "If-Match": etag}, json={"superior_id": people.other}
    )
    assert foreign.status_code == 422


def test_pegawai_may_patch_only_own_email(client, people, staff_token) -> None:
    h = bearer(staff_token)
    path = f"/api/v1/tenants/dinkes/employees/{people.staff}"
    etag = client.get(path, headers=h).headers["ETag"]
    assert (
        client.patch(path, headers={**h, "If-Match": etag}, json={"name": "x"}).status_code == 403
    )
    ok = client.patch(path, headers={**h, "If-Match": etag}, json={"email": "saya@example.go.id"})
    assert ok.status_code == 200


def test_memberships_and_positions_are_admin_business(
    client, people, admin_token, staff_token
) -> None:
    assert (
        client.get("/api/v1/tenants/dinkes/memberships", headers=bearer(staff_token)).status_code
        == 404
    )
    listed = client.get(
        "/api/v1/tenants/dinkes/memberships", headers=bearer(admin_token)
    ).get_json()
    assert {(m["user_id"], m["role"]) for m in listed} >= {(people.users["staff"], "pegawai")}
    granted = client.post(
        "/api/v1/tenants/dinkes/memberships",
        headers=bearer(admin_token),
        json={"nip": "198609262015051001", "role": "admin_opd"},
    )
    assert granted.status_code == 201
    removed = client.delete(
        f"/api/v1/tenants/dinkes/memberships/{people.users['staff']}/admin_opd",
        headers=bearer(admin_token),
    )
    assert removed.status_code == 204
    pos = client.post(
        "/api/v1/tenants/dinkes/positions",
        headers=bearer(admin_token),
        json={"name": "Analis Kebijakan", "type": "fungsional", "grade": 9},
    )
    assert pos.status_code == 201
    assert client.post(
        "/api/v1/tenants/dinkes/positions",
        headers=bearer(staff_token),
        json={"name": "X", "type": "pelaksana"},
    ).status_code in (403, 404)
    assert (
        client.post(
            "/api/v1/tenants/dinkes/positions",
            headers=bearer(admin_token),
            json={"name": "Analis Kebijakan", "type": "fungsional"},
        ).status_code
        == 409
    )


def test_every_state_changing_call_writes_an_audit_entry(
    client, people, admin_token, staff_token, owner_engine
) -> None:
    def count() -> int:
        with owner_engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one())

    h = bearer(admin_token)
    calls = [
        lambda: client.post(
            "/api/v1/tenants/dinkes/positions", headers=h, json={"name": "P1", "type": "pelaksana"}
        ),
        lambda: client.post(
            "/api/v1/tenants/dinkes/memberships",
            headers=h,
            json={"nip": "199207082019032011", "role": "admin_opd"},
        ),
        lambda: client.delete(
            f"/api/v1/tenants/dinkes/memberships/{people.users['peer']}/admin_opd", headers=h
        ),
        lambda: client.post(
            "/api/v1/tenants/dinkes/tokens", headers=bearer(staff_token), json={"name": "t"}
        ),
        lambda: client.post(
            "/api/v1/tenants/dinkes/employees",
            headers=h,
            json={"nip": "199912312024012002", "name": "N", "asn_type": "PNS"},
        ),
    ]
    for call in calls:
        before = count()
        response = call()
        assert response.status_code in (201, 204), response.get_json()
        assert count() == before + 1


def test_audit_log_is_read_per_role(client, people, admin_token, staff_token) -> None:
    h = bearer(admin_token)
    path = f"/api/v1/tenants/dinkes/employees/{people.staff}"
    etag = client.get(path, headers=h).headers["ETag"]
    client.patch(path, headers={**h, "If-Match": etag}, json={"golongan": "III/c"})
    path_peer = f"/api/v1/tenants/dinkes/employees/{people.peer}"
    etag = client.get(path_peer, headers=h).headers["ETag"]
    client.patch(path_peer, headers={**h, "If-Match": etag}, json={"golongan": "III/c"})
    everything = client.get("/api/v1/tenants/dinkes/audit", headers=h).get_json()
    assert {e["subject_employee_id"] for e in everything} >= {people.staff, people.peer}
    mine = client.get("/api/v1/tenants/dinkes/audit", headers=bearer(staff_token)).get_json()
    assert mine and {e["subject_employee_id"] for e in mine} == {people.staff}


def test_audit_log_refuses_update_and_delete_in_the_database(
    client, people, admin_token, app_engine, owner_engine, tenants
) -> None:
    client.post(
        "/api/v1/tenants/dinkes/positions",
        headers=bearer(admin_token),
        json={"name": "P1", "type": "pelaksana"},
    )
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError), app_engine.begin() as conn:
            conn.execute(
                text("SELECT set_config('kinerja.tenant_id', :t, true)"), {"t": str(tenants.a)}
            )
            conn.execute(text(statement))
        with pytest.raises(DBAPIError, match="append-only"), owner_engine.begin() as conn:
            conn.execute(text(statement))


def test_api_writes_ignore_the_session_cookie(client, people) -> None:
    from tests.support import sign_in

    sign_in(client, "admin")
    assert client.get("/api/v1/tenants/dinkes/employees").status_code == 200  # reads: fine
    response = client.post(
        "/api/v1/tenants/dinkes/positions", json={"name": "X", "type": "pelaksana"}
    )
    assert response.status_code == 401  # writes need a token: no cross-site request forgery


def test_cli_creates_a_token_printed_once(app, tenants, people) -> None:
    result = app.test_cli_runner().invoke(
        cli,
        [
            "tokens",
            "create",
            "--tenant",
            "dinkes",
            "--nip",
            "198811202010011004",
            "--role",
            "admin_opd",
            "--expires",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert token.startswith(f"knj_{tenants.a}_")
    client = app.test_client()
    assert (
        client.get("/api/v1/tenants/dinkes/memberships", headers=bearer(token)).status_code == 200
    )
    refused = app.test_cli_runner().invoke(
        cli,
        [
            "tokens",
            "create",
            "--tenant",
            "dinkes",
            "--nip",
            "198609262015051001",
            "--role",
            "admin_opd",
        ],
    )
    assert refused.exit_code != 0 and "does not hold the role admin_opd" in refused.output


def test_admin_token_manages_units_and_jobs_but_a_pegawai_cannot(
    client, tenants, people, admin_token, staff_token
) -> None:
    created = client.post(
        "/api/v1/tenants/dinkes/units",
        headers=bearer(admin_token),
        json={"code": "NEW", "name": "Seksi Baru"},
    )
    assert created.status_code == 201
    assert client.get("/api/v1/tenants/dinkes/jobs", headers=bearer(admin_token)).status_code == 200
    refused = client.post(
        "/api/v1/tenants/dinkes/units", headers=bearer(staff_token), json={"code": "X", "name": "x"}
    )
    assert refused.status_code == 403
    assert client.get("/api/v1/tenants/dinkes/jobs", headers=bearer(staff_token)).status_code == 403
    other = client.post(
        "/api/v1/tenants/disdik/units", headers=bearer(admin_token), json={"code": "X", "name": "x"}
    )
    assert other.status_code == 404


B_PATHS = ["employees", "positions", "memberships", "tokens", "audit", "jobs", "imports/1"]


@pytest.mark.parametrize("path", B_PATHS)
def test_every_people_endpoint_of_tenant_b_is_404_for_tenant_a(
    client, people, admin_token, path
) -> None:
    by_token = client.get(f"/api/v1/tenants/disdik/{path}", headers=bearer(admin_token))
    assert by_token.status_code == 404, path
    from tests.support import sign_in

    sign_in(client, "admin")
    by_session = client.get(f"/api/v1/tenants/disdik/{path}")
    assert by_session.status_code in (401, 404), path  # never B's data, never a hint
    assert "Pegawai Disdik" not in by_session.get_data(as_text=True)
    assert by_session.status_code != 200


def test_the_person_concerned_never_reads_where_others_acted_from(
    client, people, admin_token, staff_token
) -> None:
    h = bearer(admin_token)
    where = {"REMOTE_ADDR": "203.0.113.77"}
    path = f"/api/v1/tenants/dinkes/employees/{people.staff}"
    etag = client.get(path, headers=h).headers["ETag"]
    changed = client.patch(
        path, headers={**h, "If-Match": etag}, json={"golongan": "III/c"}, environ_base=where
    )
    assert changed.status_code == 200
    admin_view = client.get("/api/v1/tenants/dinkes/audit", headers=h).get_json()
    assert "203.0.113.77" in {e["address"] for e in admin_view}  # the admin investigates
    mine = client.get("/api/v1/tenants/dinkes/audit", headers=bearer(staff_token)).get_json()
    assert mine and {e["subject_employee_id"] for e in mine} == {people.staff}
    assert {(e["address"], e["request_id"]) for e in mine} == {(None, None)}


def test_the_audit_page_shows_the_address_to_the_admin_only(client, people) -> None:
    from tests.support import csrf_token, sign_in

    sign_in(client, "admin", address="203.0.113.78")
    page = f"/t/dinkes/employees/{people.staff}"
    token = csrf_token(client, page)
    edited = client.post(
        page,
        data={"csrf_token": token, "golongan": "III/c", "active": "on"},
        environ_base={"REMOTE_ADDR": "203.0.113.78"},
    )
    assert edited.status_code == 303
    assert "203.0.113.78" in client.get("/t/dinkes/audit").get_data(as_text=True)
    subject = client.application.test_client()
    sign_in(subject, "staff")
    own = subject.get("/t/dinkes/audit").get_data(as_text=True)
    assert "III/c" in own  # the entry about them is there, without where it came from
    assert "203.0.113.78" not in own
