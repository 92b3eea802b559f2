"""Local sign-in, sessions, sign-out, rate limits, and what each person may open."""

from __future__ import annotations

import re

from sqlalchemy import text

from kinerja.app import create_app
from tests.conftest import PASSWORD, app_config, csrf_token, sign_in


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("kinerja_session")
    return cookie.value if cookie else None


def test_wrong_password_is_refused_with_a_clear_message(client, people) -> None:
    response = sign_in(client, "staff", "wrong")
    assert response.status_code == 401
    assert "NIP/e-mail atau kata sandi salah" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_sign_in_rotates_the_session_id_and_opens_the_profile(client, people) -> None:
    client.get("/auth/login")
    before = session_cookie(client)
    response = sign_in(client, "staff")
    assert response.status_code == 303 and response.headers["Location"] == "/me"
    after = session_cookie(client)
    assert before and after and before != after
    profile = client.get("/me").get_data(as_text=True)
    assert "Staff" in profile and "Dinas Kesehatan" in profile
    cookie = client.get_cookie("kinerja_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_next_parameter_is_honoured_but_never_leaves_the_site(client, people) -> None:
    client.get("/auth/login?next=/t/dinkes/employees")
    assert sign_in(client, "admin").headers["Location"] == "/t/dinkes/employees"
    client.get("/auth/login?next=https://evil.example/")
    assert sign_in(client, "admin").headers["Location"] == "/me"


def test_sign_out_ends_the_session(client, people) -> None:
    sign_in(client, "staff")
    old = session_cookie(client)
    token = csrf_token(client, "/me")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/me").status_code == 302
    # The old session id is worthless too.
    client.set_cookie("kinerja_session", old)
    assert client.get("/me").status_code == 302


def test_failed_sign_ins_are_rate_limited_per_account(client, people, app) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert sign_in(client, "staff", "wrong").status_code == 401
    blocked = sign_in(client, "staff", PASSWORD)
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.get_data(as_text=True)
    # Another account from another address is not blocked.
    assert sign_in(client, "peer", address="192.0.2.7").status_code == 303


def test_failed_sign_ins_are_rate_limited_per_address(client, people, app) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    for i in range(limit):
        sign_in(client, f"nobody{i}", "wrong")
    assert sign_in(client, "peer").status_code == 429


def test_local_sign_in_is_off_unless_enabled(database, redis_url, people) -> None:
    app = create_app(app_config(database, redis_url, LOCAL_LOGIN=False))
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="password"' not in page
    token = csrf_token(client, "/")
    response = client.post(
        "/auth/local",
        data={"login": "staff@example.go.id", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 404


def test_user_of_tenant_a_cannot_open_tenant_b(client, people) -> None:
    sign_in(client, "admin")
    assert client.get("/t/dinkes/employees").status_code == 200
    for path in ("/t/disdik/employees", f"/t/disdik/employees/{people.other}", "/t/disdik/me"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Pegawai Disdik" not in response.get_data(as_text=True)
    # And tenant A's id through tenant B's URL is nothing either.
    assert client.get(f"/t/disdik/employees/{people.staff}").status_code == 404


def test_pegawai_sees_self_not_peers(client, people) -> None:
    sign_in(client, "staff")
    assert client.get("/t/dinkes/me").headers["Location"].endswith(f"/employees/{people.staff}")
    assert client.get(f"/t/dinkes/employees/{people.staff}").status_code == 200
    assert client.get(f"/t/dinkes/employees/{people.peer}").status_code == 404
    assert client.get(f"/t/dinkes/employees/{people.head}").status_code == 404
    directory = client.get("/t/dinkes/employees").get_data(as_text=True)
    assert "Staf" in directory and "Rekan" not in directory


def test_superior_sees_direct_and_indirect_subordinates(client, people) -> None:
    sign_in(client, "boss")
    assert client.get(f"/t/dinkes/employees/{people.staff}").status_code == 200
    assert client.get(f"/t/dinkes/employees/{people.peer}").status_code == 404
    directory = client.get("/t/dinkes/employees").get_data(as_text=True)
    assert "Staf" in directory and "Atasan" in directory and "Rekan" not in directory


def test_pegawai_may_change_own_email_only_and_it_is_audited(client, people, owner_engine) -> None:
    sign_in(client, "staff")
    path = f"/t/dinkes/employees/{people.staff}"
    token = csrf_token(client, path)
    response = client.post(
        path, data={"csrf_token": token, "email": "baru@example.go.id", "name": "Hacked"}
    )
    assert response.status_code == 303
    with owner_engine.connect() as conn:
        name, email = conn.execute(
            text("SELECT name, email FROM employee WHERE id = :i"), {"i": people.staff}
        ).one()
        entry = conn.execute(
            text(
                "SELECT action, changes, actor_role FROM audit_log WHERE subject_employee_id = :i"
            ),
            {"i": people.staff},
        ).one()
    assert (name, email) == ("Staf", "baru@example.go.id")
    assert entry.action == "employee.update" and entry.actor_role == "pegawai"
    assert entry.changes == {"email": [None, "baru@example.go.id"]}
    peer = f"/t/dinkes/employees/{people.peer}"
    assert client.post(peer, data={"csrf_token": token, "email": "x@y.id"}).status_code == 404


def test_admin_edits_and_a_cycle_is_refused_with_409(client, people) -> None:
    sign_in(client, "admin")
    path = f"/t/dinkes/employees/{people.head}"
    token = csrf_token(client, path)
    cycle = client.post(
        path,
        data={
            "csrf_token": token,
            "name": "Kepala Dinas",
            "superior_id": str(people.staff),
            "active": "on",
        },
    )
    assert cycle.status_code == 409
    assert "cycle" in cycle.get_data(as_text=True)
    ok = client.post(path, data={"csrf_token": token, "name": "Kepala Dinas Baru", "active": "on"})
    assert ok.status_code == 303
    assert "Kepala Dinas Baru" in client.get(path).get_data(as_text=True)


def test_cross_tenant_superior_is_refused(client, people) -> None:
    sign_in(client, "admin")
    path = f"/t/dinkes/employees/{people.staff}"
    token = csrf_token(client, path)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "name": "Staf",
            "active": "on",
            "superior_id": str(people.other),
        },
    )
    assert response.status_code == 422
    assert "does not exist in this agency" in response.get_data(as_text=True)


def test_city_admin_enters_an_agency_explicitly_and_it_is_audited(
    client, people, owner_engine
) -> None:
    sign_in(client, "kota")
    assert client.get("/t/dinkes/employees").status_code == 404
    profile = client.get("/me").get_data(as_text=True)
    assert "Dinas Kesehatan" in profile
    token = csrf_token(client, "/me")
    assert client.post("/t/dinkes/enter", data={"csrf_token": token}).status_code == 303
    assert client.get("/t/dinkes/employees").status_code == 200
    assert client.get("/t/disdik/employees").status_code == 404  # only the one entered
    with owner_engine.connect() as conn:
        actions = conn.execute(text("SELECT action, actor_role FROM audit_log")).all()
    assert [tuple(a) for a in actions] == [("city_admin.enter", "admin_kota")]
    # Read only: the city admin cannot edit.
    path = f"/t/dinkes/employees/{people.staff}"
    response = client.post(path, data={"csrf_token": token, "email": "x@y.id"})
    assert response.status_code == 403


def test_sign_in_with_redis_down_is_a_clear_503_not_a_500(database, people) -> None:
    from tests.idp_support import free_port

    app = create_app(app_config(database, f"redis://127.0.0.1:{free_port()}/0"))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    page = client.get("/auth/login")
    assert page.status_code == 200
    # No session store means no CSRF token can be kept; the form post is refused, not a 500.
    response = client.post(
        "/auth/local", data={"login": "staff@example.go.id", "password": PASSWORD}
    )
    assert response.status_code in (400, 503)


def test_admin_adds_an_employee_with_a_form(client, people, owner_engine) -> None:
    sign_in(client, "admin")
    token = csrf_token(client, "/t/dinkes/employees/new")
    bad = client.post(
        "/t/dinkes/employees/new",
        data={"csrf_token": token, "nip": "199912312024132002", "name": "Baru", "asn_type": "PNS"},
    )
    assert bad.status_code == 422, bad.get_data(as_text=True)
    assert "rule: tmt_date" in bad.get_data(as_text=True), re.findall(
        r"class=.error.*", bad.get_data(as_text=True)
    )
    ok = client.post(
        "/t/dinkes/employees/new",
        data={
            "csrf_token": token,
            "nip": "199912312024012002",
            "name": "Baru",
            "asn_type": "PNS",
            "golongan": "III/a",
            "superior_nip": "198001152005012003",
        },
    )
    assert ok.status_code == 303
    with owner_engine.connect() as conn:
        superior = conn.execute(
            text(
                "SELECT s.nip FROM employee e JOIN employee s ON "
                "s.tenant_id = e.tenant_id AND s.id = e.superior_id "
                "WHERE e.nip = '199912312024012002'"
            )
        ).scalar()
    assert superior == "198001152005012003"
    staff = client.application.test_client()
    sign_in(staff, "staff")
    assert staff.get("/t/dinkes/employees/new").status_code == 404
