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


def _evaluation(tenant_id: int, staff_id: int) -> int:
    from kinerja.performance.evaluation import service as evaluations

    with db.unit_of_work(tenant_id) as session:
        skp = skps.of_employee(session, staff_id, TODAY.year)
        return evaluations.start(session, skp, 0).id


def test_threads_start_from_an_entry_an_iki_an_evaluation_or_the_skp(
    client, people, tenants
) -> None:
    a = tenants.a
    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    staff, boss = token(a, people.users["staff"]), token(a, people.users["boss"])
    head = token(a, head_account(people, a))
    peer = token(a, people.users["peer"])
    outsider = token(tenants.b, people.users["outsider"], "admin_opd")
    entry = client.post(
        "/api/v1/tenants/dinkes/entries",
        json={"entry_date": TODAY.isoformat(), "rhk_id": rhk, "activity": "Rekap", "quantity": 1},
        headers=staff,
    ).get_json()
    with db.unit_of_work(a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    subjects = {
        "entry": entry["id"],
        "iki": iki,
        "evaluation": _evaluation(a, people.staff),
        "skp": skp_id,
    }
    for subject, subject_id in subjects.items():
        body = {"subject": subject, "subject_id": subject_id, "body": f"Tentang {subject}"}
        by_boss = client.post(API, json=body, headers=boss)
        assert by_boss.status_code == 201, (subject, by_boss.get_json())
        thread = by_boss.get_json()
        assert (thread["subject"], thread["employee_id"]) == (subject, people.staff)
        assert thread["superior_id"] == people.superior
        found = client.get(f"{API}?subject={subject}&subject_id={subject_id}", headers=staff)
        assert [t["id"] for t in found.get_json()] == [thread["id"]], subject
        # The Atasan Pejabat Penilai sees the staff's work and the thread, but does not start
        # one (403); a peer, who does not see the staff's records, finds nothing (404).
        assert client.post(API, json=body, headers=head).status_code == 403, subject
        assert client.post(API, json=body, headers=peer).status_code == 404, subject
        assert client.get(f"{API}?subject={subject}&subject_id={subject_id}", headers=peer)
        assert (
            client.get(f"{API}?subject={subject}&subject_id={subject_id}", headers=peer).get_json()
            == []
        )
        elsewhere = API.replace("/dinkes/", "/disdik/")
        assert client.post(elsewhere, json=body, headers=outsider).status_code == 404
    by_staff = client.post(
        API,
        json={"subject": "evaluation", "subject_id": subjects["evaluation"], "body": "Mohon"},
        headers=staff,
    )
    assert by_staff.status_code == 201
    listed = client.get(
        f"{API}?subject=evaluation&subject_id={subjects['evaluation']}", headers=boss
    ).get_json()
    assert len(listed) == 2
    half = client.get(f"{API}?subject=entry", headers=staff)
    assert half.status_code == 422 and "subject_id" in half.get_json()["errors"]["query"]
    missing = client.post(
        API, json={"subject": "evaluation", "subject_id": 2**40, "body": "x"}, headers=staff
    )
    assert missing.status_code == 404


def test_each_page_offers_feedback_and_lists_its_threads(app, people, tenants) -> None:
    import re

    from tests.support import csrf_token, sign_in

    a = tenants.a
    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    staff_token = token(a, people.users["staff"])
    entry = client_post_entry(app, staff_token, rhk)
    evaluation = _evaluation(a, people.staff)
    with db.unit_of_work(a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    boss = app.test_client()
    sign_in(boss, "boss")
    pages = {
        "entry": (f"/t/dinkes/log/{entry}", entry),
        "evaluation": (f"/t/dinkes/evaluations/{evaluation}", evaluation),
        "skp": (f"/t/dinkes/skp/{skp_id}", skp_id),
    }
    for subject, (path, subject_id) in pages.items():
        page = boss.get(path).get_data(as_text=True)
        assert "Beri umpan balik" in page, subject
        assert (
            f'name="subject" value="{subject}"><input type="hidden" name="subject_id" '
            f'value="{subject_id}"' in page
        ), subject
        started = boss.post(
            "/t/dinkes/feedback",
            data={
                "subject": subject,
                "subject_id": subject_id,
                "body": f"Catatan untuk {subject}",
                "csrf_token": csrf_token(boss, path),
            },
        )
        assert started.status_code == 303, subject
        thread = started.headers["Location"]
        assert thread in boss.get(path).get_data(as_text=True), subject  # listed on its page
    # An indicator: a link from the SKP page to a page with the form.
    plan = boss.get(f"/t/dinkes/skp/{skp_id}").get_data(as_text=True)
    link = f"/t/dinkes/feedback/new?subject=iki&amp;subject_id={iki}"
    assert link in plan
    form = boss.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Tentang indikator (IKI) milik Staf" in form
    assert re.search(r'<details class="mt-1" open><summary>Beri umpan balik', form)
    # The head (the Atasan Pejabat Penilai) reads the threads but starts none; a peer and
    # another agency find nothing.
    head = app.test_client()
    head_account(people, a)
    sign_in(head, "head")
    as_head = head.get(f"/t/dinkes/log/{entry}").get_data(as_text=True)
    assert "Catatan untuk entry" in as_head and 'name="subject" value="entry"' not in as_head
    peer = app.test_client()
    sign_in(peer, "peer")
    assert peer.get(link.replace("&amp;", "&")).status_code == 404
    assert peer.get("/t/dinkes/feedback/new?subject=lain&subject_id=1").status_code == 404


def client_post_entry(app, headers: dict[str, str], rhk: int) -> int:
    answer = app.test_client().post(
        "/api/v1/tenants/dinkes/entries",
        json={"entry_date": TODAY.isoformat(), "rhk_id": rhk, "activity": "Rekap", "quantity": 1},
        headers=headers,
    )
    assert answer.status_code == 201, answer.get_json()
    return int(answer.get_json()["id"])
