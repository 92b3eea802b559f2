"""Continuous feedback: either side starts a thread, read receipts, who sees it (the two of
them, the Atasan Pejabat Penilai, the admin OPD) and who does not."""

from __future__ import annotations

from kinerja import clock
from kinerja.db import db
from kinerja.performance import skp as skps
from tests.support import plan_head_and_boss, plan_staff
from tests.test_skp_api import head_account, token

API = "/api/v1/tenants/dinkes/feedback"
TODAY = clock.today()


def test_a_thread_between_an_employee_and_the_superior(client, people, tenants) -> None:
    a = tenants.a
    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    with db.unit_of_work(a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    staff, boss = token(a, people.users["staff"]), token(a, people.users["boss"])
    head = token(a, head_account(people, a))
    peer, admin = token(a, people.users["peer"]), token(a, people.users["admin"], "admin_opd")
    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    started = client.post(
        API,
        json={"subject": "iki", "subject_id": iki, "body": "Target 12 laporan realistis?"},
        headers=staff,
    )
    assert started.status_code == 201, started.get_json()
    thread = started.get_json()
    assert thread["superior_id"] == people.superior and thread["messages"][0]["read"] is False
    url = f"{API}/{thread['id']}"
    seen = client.get(url, headers=boss).get_json()  # the superior opens it: read
    assert seen["messages"][0]["read"] is True
    answer = client.post(
        f"{url}/messages", json={"body": "Ya, sesuai jumlah puskesmas."}, headers=boss
    )
    assert answer.status_code == 201 and answer.get_json()["messages"][1]["read"] is False
    assert client.get(url, headers=head).status_code == 200  # the Atasan Pejabat Penilai
    assert client.post(f"{url}/messages", json={"body": "x"}, headers=head).status_code == 403
    assert client.get(url, headers=admin).status_code == 200
    assert client.get(url, headers=peer).status_code == 404
    assert client.get(url, headers=outsider).status_code == 404
    assert client.get(url.replace("/dinkes/", "/disdik/"), headers=outsider).status_code == 404
    assert [t["id"] for t in client.get(API, headers=boss).get_json()] == [thread["id"]]
    assert client.get(API, headers=peer).get_json() == []
    # The superior starts one too; nobody else may start one about this work.
    by_boss = client.post(
        API, json={"subject": "skp", "subject_id": skp_id, "body": "Bagus."}, headers=boss
    )
    assert by_boss.status_code == 201
    assert (
        client.post(
            API, json={"subject": "rhk", "subject_id": rhk, "body": "Hai"}, headers=peer
        ).status_code
        == 404
    )
    assert (
        client.post(
            API, json={"subject": "rhk", "subject_id": rhk, "body": " "}, headers=staff
        ).status_code
        == 422
    )
    assert (
        client.post(
            API, json={"subject": "lain", "subject_id": rhk, "body": "x"}, headers=staff
        ).status_code
        == 422
    )


def test_feedback_in_the_pages_and_when_rating(app, people, tenants) -> None:
    import re

    from tests.support import csrf_token, sign_in

    plan_staff(tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year))
    with db.unit_of_work(tenants.a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    staff = app.test_client()
    sign_in(staff, "staff")
    plan = staff.get(f"/t/dinkes/skp/{skp_id}").get_data(as_text=True)
    assert "Beri umpan balik" in plan
    token = csrf_token(staff, f"/t/dinkes/skp/{skp_id}")
    rhk = re.search(
        r'name="subject" value="rhk"><input type="hidden" name="subject_id" value="(\d+)"', plan
    ).group(1)
    started = staff.post(
        "/t/dinkes/feedback",
        data={"subject": "rhk", "subject_id": rhk, "body": "Mohon arahan", "csrf_token": token},
    )
    assert started.status_code == 303
    boss = app.test_client()
    sign_in(boss, "boss")
    page = boss.get(started.headers["Location"]).get_data(as_text=True)
    assert "Mohon arahan" in page
    assert (
        boss.post(
            started.headers["Location"],
            data={
                "body": "Fokus pada data KIPI",
                "csrf_token": csrf_token(boss, started.headers["Location"]),
            },
        ).status_code
        == 303
    )
    thread = staff.get(started.headers["Location"]).get_data(as_text=True)
    assert "Fokus pada data KIPI" in thread and "dibaca" in thread  # the boss read the question
    url = staff.post(
        "/t/dinkes/evaluations/start", data={"skp_id": skp_id, "period": "0", "csrf_token": token}
    ).headers["Location"]
    assert "Fokus pada data KIPI" in boss.get(url).get_data(as_text=True)  # shown when rating
