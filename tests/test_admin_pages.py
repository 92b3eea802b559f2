"""The agency pages: import with progress, API tokens, audit log, positions, roles."""

from __future__ import annotations

import io
import re

from rq import SimpleWorker
from sqlalchemy import text

from kinerja import jobs
from tests.support import csrf_token, sign_in
from tests.test_import import GOOD, to_csv


def test_admin_imports_through_the_page_and_sees_progress_and_report(
    client, people, owner_engine
) -> None:
    sign_in(client, "admin")
    page = client.get("/t/dinkes/imports")
    assert page.status_code == 200
    link = re.search(r'href="([^"]+template\.csv)"', page.get_data(as_text=True)).group(1)
    template = client.get(link)
    # Indonesian spreadsheet conventions (`;`), UTF-8 with a BOM so Excel reads it as UTF-8
    assert template.mimetype == "text/csv" and template.get_data(as_text=True).startswith(
        '\ufeff"nip";"nama"'
    )
    token = csrf_token(client, "/t/dinkes/imports")
    response = client.post(
        "/t/dinkes/imports",
        data={"csrf_token": token, "file": (io.BytesIO(to_csv(GOOD)), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    status_url = response.headers["Location"]
    html = client.get(status_url).get_data(as_text=True)
    assert "<progress" in html
    poll = client.get(status_url + "/status.json").get_json()
    assert poll["status"] == "queued" and poll["done"] is False
    SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=True)
    poll = client.get(status_url + "/status.json").get_json()
    assert poll == {"status": "succeeded", "label": "Selesai", "progress": 100, "done": True}
    report = client.get(status_url).get_data(as_text=True)
    assert "Diterapkan" in report or "Applied" in report


def test_import_page_refuses_wrong_files_and_non_admins(client, people) -> None:
    sign_in(client, "admin")
    token = csrf_token(client, "/t/dinkes/imports")
    wrong = client.post(
        "/t/dinkes/imports",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 415
    other = client.get("/t/disdik/imports")
    assert other.status_code == 404
    client2 = client.application.test_client()
    sign_in(client2, "staff")
    assert client2.get("/t/dinkes/imports").status_code in (403, 404)


def test_token_page_shows_a_new_token_once_and_revokes(client, people, owner_engine) -> None:
    sign_in(client, "staff")
    token = csrf_token(client, "/t/dinkes/tokens")
    created = client.post(
        "/t/dinkes/tokens",
        data={"csrf_token": token, "name": "sensor", "role": "pegawai", "expires_days": "30"},
    )
    html = created.get_data(as_text=True)
    secret = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    assert (
        client.get(
            "/api/v1/tenants/dinkes/employees", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )
    assert secret not in client.get("/t/dinkes/tokens").get_data(as_text=True)
    with owner_engine.connect() as conn:
        token_id = conn.execute(text("SELECT id FROM api_token")).scalar_one()
    # Revoking asks first; nothing happens until it is confirmed.
    ask = client.get(f"/t/dinkes/tokens/{token_id}/revoke")
    assert ask.status_code == 200 and 'name="confirmed"' in ask.get_data(as_text=True)
    client.post(f"/t/dinkes/tokens/{token_id}/revoke", data={"csrf_token": token})
    still = client.get(
        "/api/v1/tenants/dinkes/employees", headers={"Authorization": f"Bearer {secret}"}
    )
    assert still.status_code == 200
    client.post(f"/t/dinkes/tokens/{token_id}/revoke", data={"csrf_token": token, "confirmed": "1"})
    assert (
        client.get(
            "/api/v1/tenants/dinkes/employees", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 401
    )


def test_audit_page_shows_what_each_may_read(client, people) -> None:
    sign_in(client, "admin")
    token = csrf_token(client, "/t/dinkes/positions")
    client.post(
        "/t/dinkes/positions",
        data={"csrf_token": token, "name": "Analis", "type": "fungsional", "grade": "9"},
    )
    admin_view = client.get("/t/dinkes/audit").get_data(as_text=True)
    # A sentence in the reader's language, never the action's code
    assert "membuat jabatan" in admin_view
    assert "position.create" not in admin_view
    other = client.application.test_client()
    sign_in(other, "staff")
    assert "membuat jabatan" not in other.get("/t/dinkes/audit").get_data(as_text=True)
    assert other.get("/t/disdik/audit").status_code == 404


def test_roles_page_grants_and_removes(client, people, owner_engine) -> None:
    sign_in(client, "admin")
    token = csrf_token(client, "/t/dinkes/memberships")
    client.post(
        "/t/dinkes/memberships",
        data={"csrf_token": token, "nip": "198609262015051001", "role": "admin_opd"},
    )
    with owner_engine.connect() as conn:
        roles = set(
            conn.execute(
                text("SELECT role FROM membership WHERE user_id = :u"), {"u": people.users["staff"]}
            ).scalars()
        )
    assert roles == {"pegawai", "admin_opd"}
    client.post(
        f"/t/dinkes/memberships/{people.users['staff']}/admin_opd/delete",
        data={"csrf_token": token, "confirmed": "1"},
    )
    with owner_engine.connect() as conn:
        roles = set(
            conn.execute(
                text("SELECT role FROM membership WHERE user_id = :u"), {"u": people.users["staff"]}
            ).scalars()
        )
    assert roles == {"pegawai"}
    bad = client.post(
        "/t/dinkes/memberships", data={"csrf_token": token, "nip": "1", "role": "pegawai"}
    )
    assert bad.status_code == 422


def test_units_page_shows_the_tree_and_admin_adds_units(client, people, owner_engine) -> None:
    sign_in(client, "admin")
    html = client.get("/t/dinkes/units").get_data(as_text=True)
    assert "A-TOP" in html and "A-SUB" in html and "B-TOP" not in html
    token = csrf_token(client, "/t/dinkes/units")
    parent = people.units["A-TOP"]
    ok = client.post(
        "/t/dinkes/units",
        data={"csrf_token": token, "code": "A-NEW", "name": "Seksi Baru", "parent_id": str(parent)},
    )
    assert ok.status_code == 303
    dup = client.post("/t/dinkes/units", data={"csrf_token": token, "code": "A-NEW", "name": "x"})
    assert dup.status_code == 409  # as the API answers: the code is taken
    foreign = client.post(
        "/t/dinkes/units",
        data={
            "csrf_token": token,
            "code": "A-X",
            "name": "x",
            "parent_id": str(people.units["B-TOP"]),
        },
    )
    assert foreign.status_code == 422
    with owner_engine.connect() as conn:
        count = conn.execute(
            text(
                "SELECT count(*) FROM audit_log WHERE action = 'org_unit.create' "
                "AND actor_role = 'admin_opd'"
            )
        ).scalar()
    assert count == 1
