"""Local sign-in, sessions, sign-out, rate limits, and what each person may open."""

from __future__ import annotations

import re

from sqlalchemy import text

from kinerja.app import create_app
from tests.support import PASSWORD, app_config, csrf_token, sign_in


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("kinerja_session")
    return cookie.value if cookie else None


def test_wrong_password_is_refused_with_a_clear_message(client, people) -> None:
    response = sign_in(client, "staff", "wrong")
    assert response.status_code == 401
    assert "NIP/e-mail atau kata sandi salah" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_sign_in_rotates_the_session_id_and_opens_the_agencys_home(client, people) -> None:
    client.get("/auth/login")
    before = session_cookie(client)
    response = sign_in(client, "staff")
    assert response.status_code == 303 and response.headers["Location"] == "/t/dinkes/"
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
    assert sign_in(client, "admin").headers["Location"] == "/t/dinkes/"


def test_after_sign_in_a_person_of_one_agency_lands_in_its_home(
    app, client, people, tenants
) -> None:
    """Not on a profile page: the agency's home, with what waits for them. The city admin, and
    someone of several agencies, choose on their profile."""
    from tests.support import add_employee

    home = sign_in(client, "staff").headers["Location"]
    assert home == "/t/dinkes/"
    assert client.get(home).status_code == 200
    city = app.test_client()
    assert sign_in(city, "kota").headers["Location"] == "/me"
    staff = people.users["staff"]
    add_employee(tenants.b, "199001012015011001", "Staf Dua", None, staff, ("pegawai",))
    both = app.test_client()
    assert sign_in(both, "staff").headers["Location"] == "/me"


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


def test_typos_of_one_person_do_not_lock_out_the_office(client, people, app) -> None:
    # Dozens of staff share one NAT address: one person's failures lock only their account.
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit + 2):
        sign_in(client, "staff", "wrong", address="198.51.100.9")
    assert sign_in(client, "peer", address="198.51.100.9").status_code == 303


def test_one_address_spraying_many_accounts_is_stopped_at_its_own_limit(
    client, people, app
) -> None:
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 8
    try:
        for i in range(8):
            assert sign_in(client, f"nobody{i}", "wrong").status_code == 401
        refused = sign_in(client, "peer")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "jaringan ini" in refused.get_data(as_text=True)
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 100


def test_parallel_guesses_get_no_further_than_the_limit(app, redis_url) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from redis import Redis

    from kinerja.identity import throttle

    client = Redis.from_url(redis_url)
    with ThreadPoolExecutor(max_workers=20) as pool:
        decisions = list(
            pool.map(
                lambda i: throttle.attempt(client, "victim@example.go.id", f"10.0.0.{i}", 5, 1000),
                range(40),
            )
        )
    # Counted before any password is checked: exactly five may be checked, never more.
    assert sum(d.allowed for d in decisions) == 5
    assert all(d.retry_after > 0 for d in decisions if not d.allowed)


def test_lockouts_grow_and_a_correct_password_clears_them(app, redis_url) -> None:
    from redis import Redis

    from kinerja.identity import throttle

    client = Redis.from_url(redis_url)
    account, address = "slow@example.go.id", "10.1.1.1"
    waits = []
    for _ in range(3):
        for _ in range(3):
            throttle.attempt(client, account, address, 3, 1000)
        locked = throttle.attempt(client, account, address, 3, 1000)
        assert not locked.allowed
        waits.append(locked.retry_after)
        client.delete(f"{throttle.PREFIX}:lock:{throttle._digest(account)}")  # time passes
    assert waits[0] < waits[1] < waits[2]
    throttle.succeeded(client, account, address)
    assert throttle.attempt(client, account, address, 3, 1000).allowed


def test_sign_ins_failures_and_lockouts_are_in_the_audit_log(
    client, people, app, owner_engine
) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    sign_in(client, "staff")
    for _ in range(limit + 1):
        sign_in(client, "staff", "wrong")
    with owner_engine.connect() as conn:
        actions = (
            conn.execute(
                text("SELECT action FROM audit_log WHERE actor_user_id = :u ORDER BY id"),
                {"u": people.users["staff"]},
            )
            .scalars()
            .all()
        )
    assert actions[0] == "auth.sign_in"
    assert actions.count("auth.sign_in_failed") == limit
    assert "auth.locked" in actions


def test_the_client_address_comes_only_from_trusted_proxies(database, redis_url, people):
    trusting = create_app(app_config(database, redis_url, TRUSTED_PROXIES=1))
    seen = []
    trusting.before_request(lambda: seen.append(__import__("flask").request.remote_addr))
    trusting.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.5"})
    direct = create_app(app_config(database, redis_url))
    direct.before_request(lambda: seen.append(__import__("flask").request.remote_addr))
    direct.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.5"})
    assert seen == ["203.0.113.5", "127.0.0.1"]


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
                "SELECT action, changes, actor_role FROM audit_log "
                "WHERE subject_employee_id = :i AND action = 'employee.update'"
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
            "superior_nip": "198609262015051001",  # the staff member, below the head
            "active": "on",
        },
    )
    assert cycle.status_code == 409
    assert "siklus" in cycle.get_data(as_text=True)
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
            "superior_nip": "197001011990121001",  # an employee of the other agency
        },
    )
    assert response.status_code == 422
    assert "NIP atasan" in response.get_data(as_text=True)


def test_city_admin_enters_an_agency_explicitly_and_it_is_audited(
    client, people, owner_engine
) -> None:
    sign_in(client, "kota")
    door = client.get("/t/dinkes/employees")
    assert door.status_code == 403  # a page that says to enter the agency first
    assert 'action="/t/dinkes/enter"' in door.get_data(as_text=True)
    profile = client.get("/me").get_data(as_text=True)
    assert "Dinas Kesehatan" in profile
    token = csrf_token(client, "/me")
    assert client.post("/t/dinkes/enter", data={"csrf_token": token}).status_code == 303
    inside = client.get("/t/dinkes/employees")
    assert inside.status_code == 200
    assert "Keluar dari OPD" in inside.get_data(as_text=True)  # the banner, with a way out
    assert client.get("/t/disdik/employees").status_code == 403  # only the one entered
    with owner_engine.connect() as conn:
        actions = conn.execute(
            text("SELECT action, actor_role FROM audit_log WHERE action LIKE 'city_admin.%'")
        ).all()
    assert [tuple(a) for a in actions] == [("city_admin.enter", "admin_kota")]
    # Read only: the city admin cannot edit.
    path = f"/t/dinkes/employees/{people.staff}"
    response = client.post(path, data={"csrf_token": token, "email": "x@y.id"})
    assert response.status_code == 403
    client.post("/t/dinkes/leave", data={"csrf_token": token})
    assert client.get("/t/dinkes/employees").status_code == 403
    with owner_engine.connect() as conn:
        last = conn.execute(text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")).scalar()
    assert last == "city_admin.leave"


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
    assert "(YYYYMM)" in bad.get_data(as_text=True), re.findall(
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


STAFF_NIP = "198609262015051001"  # tests.support.build_people


def post_login(client, login: str, password: str) -> int:  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/auth/login")
    data = {"login": login, "password": password, "csrf_token": token}
    return client.post("/auth/local", data=data).status_code


def test_the_lock_is_the_accounts_whether_named_by_nip_or_e_mail(client, people, app) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert post_login(client, STAFF_NIP, "wrong") == 401
    assert post_login(client, "staff@example.go.id", PASSWORD) == 429  # the same account
    assert post_login(client, " STAFF@example.go.id ", PASSWORD) == 429
    assert post_login(client, "peer@example.go.id", PASSWORD) == 303  # another is not


def test_names_of_nobody_share_a_counter_however_they_are_typed(client, people, app) -> None:
    limit = app.config["LOGIN_MAX_FAILURES"]
    for i in range(limit):
        typed = "Nobody@Example.go.id" if i % 2 else " nobody@example.go.id"
        assert post_login(client, typed, "wrong") == 401
    assert post_login(client, "NOBODY@EXAMPLE.GO.ID", "wrong") == 429
