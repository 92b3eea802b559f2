"""Fixes from the security review and from trying Kinerja as a new user would: each of these
tests failed before its fix."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from kinerja.db import db
from kinerja.identity import tokens as token_service
from tests.support import csrf_token, sign_in
from tests.test_import import GOOD, HEADER, row, to_csv, to_xlsx, upload, work

API = "/api/v1/tenants/dinkes"


def bearer(tenant_id: int, user_id: int, role: str = "pegawai") -> dict[str, str]:
    with db.unit_of_work(tenant_id) as session:
        token = token_service.issue(session, tenant_id, user_id, role, "t", 30).token
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


@pytest.fixture
def admin(tenants, people) -> dict[str, str]:
    return bearer(tenants.a, people.users["admin"], "admin_opd")


# --- leaving means losing access ----------------------------------------------------------------
def test_an_employee_made_inactive_loses_roles_tokens_and_access_at_once(
    client, tenants, people, admin, owner_engine
) -> None:
    staff_token = bearer(tenants.a, people.users["staff"])
    browser = client.application.test_client()
    sign_in(browser, "staff")
    assert browser.get("/t/dinkes/employees").status_code == 200
    path = f"{API}/employees/{people.staff}"
    etag = client.get(path, headers=admin).headers["ETag"]
    changed = client.patch(path, headers={**admin, "If-Match": etag}, json={"active": False})
    assert changed.status_code == 200
    assert client.get(f"{API}/employees", headers=staff_token).status_code == 401
    assert browser.get("/t/dinkes/employees").status_code == 404  # the session finds nothing
    with owner_engine.connect() as conn:
        roles = conn.execute(
            text("SELECT count(*) FROM membership WHERE user_id = :u"),
            {"u": people.users["staff"]},
        ).scalar()
        live = conn.execute(
            text("SELECT count(*) FROM api_token WHERE user_id = :u AND revoked_at IS NULL"),
            {"u": people.users["staff"]},
        ).scalar()
    assert (roles, live) == (0, 0)


def test_the_edit_form_making_someone_inactive_ends_their_access(client, people) -> None:
    sign_in(client, "admin")
    path = f"/t/dinkes/employees/{people.peer}"
    token = csrf_token(client, path)
    assert client.post(path, data={"csrf_token": token, "name": "Rekan"}).status_code == 303
    other = client.application.test_client()
    sign_in(other, "peer")
    assert other.get("/t/dinkes/employees").status_code == 404


def test_an_import_with_aktif_tidak_ends_their_access(client, tenants, people, admin) -> None:
    rows = [*GOOD[:2], row("198609262015051001", "Staf", "198001152005012003", aktif="tidak")]
    upload(client, admin, to_csv(rows), "keluar.csv")
    work()
    staff = client.application.test_client()
    sign_in(staff, "staff")
    assert staff.get("/t/dinkes/employees").status_code == 404


# --- bounded imports ----------------------------------------------------------------------------
def report_of(client, admin, response) -> dict:
    work()
    return client.get(f"{API}/imports/{response.get_json()['id']}", headers=admin).get_json()["job"]


def test_an_import_over_the_row_cap_is_one_file_problem(app, client, tenants, people, admin):
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        response = upload(client, admin, to_csv(GOOD), "besar.csv")
        job = report_of(client, admin, response)
    finally:
        app.config["IMPORT_MAX_ROWS"] = 50_000
    assert job["status"] == "succeeded" and job["attempts"] == 1  # never a retried job
    assert job["result"]["status"] == "rejected"
    assert "more than 3 rows" in job["result"]["errors"][0]["message"]


def test_an_import_lists_problems_up_to_the_limit_and_counts_the_rest(
    app, client, tenants, people, admin
) -> None:
    app.config["IMPORT_MAX_ERRORS"] = 5
    try:
        rows = [row(f"1986092620150510{i:02d}"[:17], f"P{i}") for i in range(12)]
        job = report_of(client, admin, upload(client, admin, to_csv(rows), "salah.csv"))
    finally:
        app.config["IMPORT_MAX_ERRORS"] = 1000
    assert len(job["result"]["errors"]) == 5 and job["result"]["errors_total"] == 12


def test_unreadable_files_become_one_problem_not_a_retried_job(client, tenants, people, admin):
    huge_field = ",".join(HEADER).encode() + b'\n"' + b"x" * 200_000 + b'",a\n'
    job = report_of(client, admin, upload(client, admin, huge_field, "rusak.csv"))
    assert job["status"] == "succeeded" and job["attempts"] == 1
    assert job["result"]["status"] == "rejected" and len(job["result"]["errors"]) == 1


def test_over_long_cells_are_row_problems(client, tenants, people, admin) -> None:
    rows = [*GOOD, row("199207082019032011", "N" * 300)]
    job = report_of(client, admin, upload(client, admin, to_csv(rows), "panjang.csv"))
    problems = {(e["row"], e["column"]) for e in job["result"]["errors"]}
    assert (6, "nama") in problems


def _zip_bomb() -> bytes:
    """A valid-looking XLSX whose sheet unpacks to far more than the limit."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        real = zipfile.ZipFile(io.BytesIO(to_xlsx(GOOD)))
        for name in real.namelist():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, real.read(name))
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (120 * 1024 * 1024) + b"</a>")
    return out.getvalue()


def test_an_xlsx_that_unpacks_into_too_much_is_refused_before_parsing(
    client, tenants, people, admin
) -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 1024 * 1024
    job = report_of(client, admin, upload(client, admin, bomb, "bom.xlsx"))
    assert job["result"]["status"] == "rejected"
    assert "unpacks into more than" in job["result"]["errors"][0]["message"]


def test_xml_entities_in_an_xlsx_are_refused(client, tenants, people, admin) -> None:
    source = zipfile.ZipFile(io.BytesIO(to_xlsx(GOOD)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                dtd = b'<!DOCTYPE a [<!ENTITY e "lol"><!ENTITY f "&e;&e;&e;&e;">]>'
                if data.startswith(b"<?xml"):
                    end = data.index(b"?>") + 2
                    data = data[:end] + dtd + data[end:]
                else:
                    data = dtd + data
            archive.writestr(name, data)
    job = report_of(client, admin, upload(client, admin, out.getvalue(), "xxe.xlsx"))
    assert job["status"] == "succeeded" and job["result"]["status"] == "rejected"


def test_an_nip_excel_stored_as_a_number_says_to_format_it_as_text(
    client, tenants, people, admin
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    numeric = row("x", "Angka")
    numeric[0] = 198609262015051001  # type: ignore[call-overload]
    sheet.append(numeric)
    out = io.BytesIO()
    book.save(out)
    job = report_of(client, admin, upload(client, admin, out.getvalue(), "angka.xlsx"))
    message = job["result"]["errors"][0]["message"]
    assert "format the NIP column as text" in message


def test_the_uploaded_file_is_deleted_when_its_job_ends(
    client, tenants, people, admin, owner_engine
):
    report_of(client, admin, upload(client, admin, to_csv(GOOD), "pegawai.csv"))
    with owner_engine.connect() as conn:
        kept = conn.execute(text("SELECT count(*) FROM employee_import WHERE content IS NOT NULL"))
        assert kept.scalar() == 0


def test_rejected_imports_show_as_rejected_in_the_history(client, people, admin) -> None:
    upload(client, admin, to_csv([row("1", "X")]), "salah.csv")
    work()
    sign_in(client, "admin")
    html = client.get("/t/dinkes/imports").get_data(as_text=True)
    assert "Ditolak" in html and "Selesai" not in html


# --- input that used to answer 500 ---------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        f"{API}/units?q=a%00b",
        f"{API}/employees?q=%00",
        f"{API}/units?parent_id=-262350764632315050606415327526912",
        f"{API}/units/99999999999999999999999",
        f"{API}/units?page=99999999999999999999",
        f"{API}/units?page=9223372036854775000&page_size=100",
        "/api/v1/tenants/din%00kes/units",
        "/t/din%00kes/employees",
    ],
)
def test_hostile_queries_and_paths_answer_4xx(client, tenants, people, admin, path) -> None:
    response = client.get(path, headers=admin)
    assert 200 <= response.status_code < 500, response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.get_json() == []


def test_hostile_json_answers_4xx(client, tenants, people, admin) -> None:
    nul = client.post(f"{API}/positions", headers=admin, json={"name": "a\x00b", "type": "x"})
    assert nul.status_code == 400
    deep = "[" * 100_000 + "]" * 100_000
    nested = client.post(
        f"{API}/positions",
        headers={**admin, "Content-Type": "application/json"},
        data=deep,
    )
    assert nested.status_code == 400
    big_id = client.patch(
        f"{API}/employees/{people.staff}",
        headers={**admin, "If-Match": '"x"'},
        json={"superior_id": 2**70},
    )
    assert big_id.status_code == 422


def test_cr_lf_in_next_never_reaches_a_header(client, people) -> None:
    client.get("/auth/login?next=/t/dinkes/%0d%0aSet-Cookie:%20x=1")
    response = sign_in(client, "staff")
    assert response.status_code == 303
    assert (
        "\n" not in response.headers["Location"]
        and "Set-Cookie" not in response.headers["Location"]
    )


def test_if_match_star_does_not_skip_the_version_check(client, tenants, people, admin) -> None:
    path = f"{API}/employees/{people.staff}"
    response = client.patch(path, headers={**admin, "If-Match": "*"}, json={"name": "Tertimpa"})
    assert response.status_code == 412
    assert client.get(path, headers=admin).get_json()["name"] == "Staf"


# --- tokens ---------------------------------------------------------------------------------------
def test_every_token_expires_and_never_later_than_the_maximum(app, client, people, admin) -> None:
    default = client.post(f"{API}/tokens", headers=admin, json={"name": "a", "expires_days": None})
    assert default.status_code == 201
    expires = datetime.fromisoformat(default.get_json()["expires_at"])
    limit = timedelta(days=app.config["TOKEN_MAX_DAYS"])
    assert datetime.now(UTC) < expires <= datetime.now(UTC) + limit
    too_long = client.post(
        f"{API}/tokens",
        headers=admin,
        json={"name": "b", "expires_days": app.config["TOKEN_MAX_DAYS"] + 1},
    )
    assert too_long.status_code == 422 and "expires_days" in too_long.get_json()["errors"]["json"]


def test_token_use_is_recorded_on_reads_at_most_once_a_minute(
    client, tenants, people, owner_engine
) -> None:
    headers = bearer(tenants.a, people.users["staff"])
    for _ in range(3):
        assert client.get(f"{API}/employees", headers=headers).status_code == 200
    with owner_engine.connect() as conn:
        used = conn.execute(text("SELECT last_used_at FROM api_token")).scalar()
    assert used is not None and datetime.now(UTC) - used < timedelta(minutes=1)


@pytest.mark.parametrize("token", ["knj_1_nonsense", "knj_999_x", "not-a-token"])
def test_a_bad_token_is_401_with_www_authenticate(client, tenants, people, token) -> None:
    response = client.get(f"{API}/employees", headers={"Authorization": f"Bearer {token}"})
    if token == "knj_999_x":  # another agency's token shape: that agency's business only
        assert response.status_code == 404
        return
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_enumerations_accept_what_users_see_or_list_the_values(client, people, admin) -> None:
    shown = client.post(f"{API}/positions", headers=admin, json={"name": "A", "type": "Fungsional"})
    assert shown.status_code == 201 and shown.get_json()["type"] == "fungsional"
    wrong = client.post(f"{API}/positions", headers=admin, json={"name": "B", "type": "Menteri"})
    assert wrong.status_code == 422
    message = wrong.get_json()["errors"]["json"]["type"][0]
    assert "pelaksana" in message and "Pelaksana" in message


# --- headers --------------------------------------------------------------------------------------
def test_pages_carry_a_content_policy_and_refuse_framing(client, tenants) -> None:
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "werkzeug" not in response.headers.get("Server", "").lower()
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html


def test_pages_with_tokens_or_personal_data_are_not_cached(client, people) -> None:
    sign_in(client, "staff")
    for path in ("/t/dinkes/tokens", "/t/dinkes/employees", "/me"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_every_response_has_a_request_id_even_an_unknown_agency(client, tenants) -> None:
    for path in ("/t/nope/", "/api/v1/tenants/nope/units", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404 and len(response.headers["X-Request-ID"]) == 32


def test_redirects_are_built_from_the_configured_address_not_the_host_header(
    database, redis_url, people
) -> None:
    from kinerja.app import create_app
    from tests.support import app_config

    app = create_app(app_config(database, redis_url, BASE_URL="https://kinerja.example"))
    client = app.test_client()
    response = client.get("/t/dinkes/", headers={"Host": "evil.example"})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


# --- new-user fixes -----------------------------------------------------------------------------------
def test_the_public_site_lists_agencies_and_nothing_else(client, tenants) -> None:
    listed = client.get("/api/v1/tenants").get_json()
    assert all(set(t) == {"slug", "name", "kind"} for t in listed)
    assert client.get("/api/v1/tenants/dinkes").status_code == 401
    assert client.get("/api/v1/tenants/dinkes/units").status_code == 401


def test_error_pages_say_why_and_offer_the_way_back(client, people) -> None:
    sign_in(client, "staff")
    page = client.get("/t/dinkes/employees/999999")
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "Kembali ke Dinas Kesehatan" in html and "rujukan" in html


def test_api_messages_speak_indonesian_unless_asked_otherwise(client, tenants, people, admin):
    indonesian = {k: v for k, v in admin.items() if k != "Accept-Language"}
    response = client.post(f"{API}/positions", headers=indonesian, json={"type": "x"})
    body = response.get_json()
    assert body["errors"]["json"]["name"] == ["Isian ini wajib diisi."]
    english = client.post(f"{API}/positions", headers=admin, json={"type": "x"})
    assert english.get_json()["errors"]["json"]["name"] == ["This field is required."]


def test_a_favicon_is_served(client) -> None:
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and b"<svg" in response.data


def test_units_and_positions_can_be_edited_and_moved(client, people, owner_engine) -> None:
    sign_in(client, "admin")
    sub = people.units["A-SUB"]
    token = csrf_token(client, f"/t/dinkes/units/{sub}")
    moved = client.post(
        f"/t/dinkes/units/{sub}",
        data={"csrf_token": token, "code": "A-SUB", "name": "Seksi Dipindah", "parent_id": ""},
    )
    assert moved.status_code == 303
    cycle = client.post(
        f"/t/dinkes/units/{people.units['A-TOP']}",
        data={"csrf_token": token, "code": "A-TOP", "name": "x", "parent_id": str(sub)},
    )
    assert cycle.status_code == 303  # A-SUB now sits at the top: no cycle any more
    client.post(
        "/t/dinkes/positions",
        data={"csrf_token": token, "name": "Analis", "type": "fungsional", "grade": "9"},
    )
    with owner_engine.connect() as conn:
        position = conn.execute(text("SELECT id FROM position WHERE name = 'Analis'")).scalar()
        parent = conn.execute(text("SELECT parent_id FROM org_unit WHERE id = :i"), {"i": sub})
        assert parent.scalar() is None
    renamed = client.post(
        f"/t/dinkes/positions/{position}",
        data={"csrf_token": token, "name": "Analis Kebijakan", "type": "fungsional", "grade": "9"},
    )
    assert renamed.status_code == 303
    assert "Analis Kebijakan" in client.get("/t/dinkes/positions").get_data(as_text=True)


def test_the_city_admin_appoints_an_agency_admin_from_the_ui(client, people, owner_engine):
    sign_in(client, "kota")
    door = client.get("/t/dinkes/")
    assert door.status_code == 403 and "/t/dinkes/appoint-admin" in door.get_data(as_text=True)
    token = csrf_token(client, "/me")
    response = client.post(
        "/t/dinkes/appoint-admin", data={"csrf_token": token, "nip": "199207082019032011"}
    )
    assert response.status_code == 303
    with owner_engine.connect() as conn:
        roles = conn.execute(
            text("SELECT role FROM membership WHERE user_id = :u"), {"u": people.users["peer"]}
        ).scalars()
        assert "admin_opd" in set(roles)
        entry = conn.execute(
            text(
                "SELECT actor_role FROM audit_log WHERE action = 'membership.create' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).scalar()
    assert entry == "admin_kota"


def test_the_worker_requeues_jobs_an_outage_left_queued(app, tenants) -> None:
    from kinerja import jobs, maintenance
    from tests import jobs_for_tests

    with db.unit_of_work(tenants.a) as session:
        job_id = jobs.enqueue(session, jobs_for_tests.list_visible_units, "late", _push=False).id
        session.execute(
            text("UPDATE background_job SET created_at = now() - interval '1 hour' WHERE id = :i"),
            {"i": job_id},
        )
    done = maintenance.run_once(app)
    assert done["requeued"] == 1
    assert str(job_id) in jobs.queue().job_ids


def test_json_problem_payloads_are_plain_json(client, tenants, people, admin) -> None:
    response = client.post(f"{API}/positions", headers=admin, json={"name": "", "type": "x"})
    json.dumps(response.get_json())  # lazy strings would not serialise


def test_operator_reads_of_job_records_are_audited(client, tenants, operator, owner_engine):
    from kinerja import jobs
    from tests import jobs_for_tests

    with db.unit_of_work(tenants.a) as session:
        job_id = jobs.enqueue(session, jobs_for_tests.list_visible_units, "x").id
    assert client.get(f"{API}/jobs/{job_id}", headers=operator).status_code == 200
    assert client.get(f"{API}/jobs", headers=operator).status_code == 200
    with owner_engine.connect() as conn:
        reads = conn.execute(
            text("SELECT object_id, actor_role FROM audit_log WHERE action = 'job.read'")
        ).all()
    assert sorted(tuple(r) for r in reads) == [(str(job_id), "operator"), ("list", "operator")]


def test_no_request_state_survives_into_the_next_request(client, people) -> None:
    from flask import g

    from kinerja.audit import current_actor

    sign_in(client, "admin")
    assert client.get("/t/dinkes/employees").status_code == 200
    assert "principal" not in g and "tenant" not in g  # cleared at the end of the request
    assert current_actor().user_id is None
    stranger = client.application.test_client()  # same app context, no cookie
    assert stranger.get("/t/dinkes/employees").status_code == 302


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1", "1e3", ""])
def test_hostile_numbers_in_pages_and_forms_answer_4xx_never_500(client, people, value) -> None:
    sign_in(client, "admin")
    assert client.get(f"/t/dinkes/employees?unit={value}&page={value}").status_code == 200
    assert client.get(f"/t/dinkes/audit?page={value}").status_code == 200
    token = csrf_token(client, "/t/dinkes/employees/new")
    created = client.post(
        "/t/dinkes/employees/new",
        data={
            "csrf_token": token,
            "nip": "199912312024012002",
            "name": "Baru",
            "asn_type": "PNS",
            "position_id": value,
            "org_unit_id": value,
        },
    )
    assert created.status_code in (303, 409, 422)
    unit = client.post(
        "/t/dinkes/units", data={"csrf_token": token, "code": "X1", "name": "x", "parent_id": value}
    )
    assert unit.status_code in (303, 409, 422)
    grade = client.post(
        "/t/dinkes/positions",
        data={"csrf_token": token, "name": "P", "type": "fungsional", "grade": value},
    )
    assert grade.status_code in (303, 409, 422)
    tokens_page = client.post(
        "/t/dinkes/tokens", data={"csrf_token": token, "name": "t", "expires_days": value}
    )
    assert tokens_page.status_code == 422
