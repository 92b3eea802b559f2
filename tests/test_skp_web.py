"""The year's plan in the browser's pages (server-rendered, no JavaScript): start, add a result
with its indicator, submit, decide; the agency's plan page; the cascade; words, never codes."""

from __future__ import annotations

import re

from kinerja.db import db
from kinerja.people import employees
from kinerja.performance import flow, plan, targets
from kinerja.performance import skp as skps
from kinerja.permissions import Principal
from tests.support import csrf_token, sign_in

YEAR = 2026


def _approved_chain(tenants, people) -> int:
    """Head and kepala bidang planned and approved (through the services); the boss's RHK id."""
    a = tenants.a
    with db.unit_of_work(a) as session:
        target = targets.create(session, YEAR, {"code": "SS1", "text": "Derajat kesehatan"})
        head = employees.get_employee(session, people.head)
        head_skp = skps.create(session, head, YEAR)
        iki = {"text": "Cakupan", "aspect": "kuantitas", "target_low": "95", "unit": "%"}
        head_rhk = plan.add_rhk(
            session, head_skp, {"text": "Imunisasi", "org_target_id": target.id, "iki": [iki]}
        )
        as_head = Principal(
            user_id=1, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=head.id
        )
        admin = Principal(user_id=2, tenant_id=a, roles=frozenset({"admin_opd"}), employee_id=-1)
        flow.act(session, as_head, head_skp, "submit")
        flow.act(session, admin, head_skp, "approve")
        boss = employees.get_employee(session, people.superior)
        boss_skp = skps.create(session, boss, YEAR)
        boss_rhk = plan.add_rhk(
            session,
            boss_skp,
            {"text": "Imunisasi bidang", "parent_rhk_id": head_rhk.id, "iki": [iki]},
        )
        as_boss = Principal(
            user_id=3, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=boss.id
        )
        as_boss_head = Principal(
            user_id=1, tenant_id=a, roles=frozenset({"pegawai"}), employee_id=head.id
        )
        flow.act(session, as_boss, boss_skp, "submit")
        flow.act(session, as_boss_head, boss_skp, "approve")
        return boss_rhk.id


def test_draft_submit_and_approve_through_the_pages(app, people, tenants) -> None:
    boss_rhk = _approved_chain(tenants, people)
    staff = app.test_client()
    sign_in(staff, "staff")
    index = staff.get(f"/t/dinkes/skp?year={YEAR}")
    html = index.get_data(as_text=True)
    assert index.status_code == 200 and "Mulai SKP saya" in html  # Indonesian by default
    token = csrf_token(staff, f"/t/dinkes/skp?year={YEAR}")
    started = staff.post(
        "/t/dinkes/skp/new",
        data={"year": YEAR, "approach": "kuantitatif", "start": "empty", "csrf_token": token},
    )
    assert started.status_code == 303
    page_url = started.headers["Location"]
    skp_id = int(re.search(r"/skp/(\d+)", page_url).group(1))
    refused = staff.post(
        f"/t/dinkes/skp/{skp_id}/rhk",
        data={
            "text": "Laporan",
            "parent_rhk_id": str(boss_rhk),
            "iki_text": "Jumlah",
            "iki_target_low": "banyak",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422 and "Masukkan angka" in refused.get_data(as_text=True)
    added = staff.post(
        f"/t/dinkes/skp/{skp_id}/rhk",
        data={
            "text": "Laporan imunisasi",
            "kind": "utama",
            "parent_rhk_id": str(boss_rhk),
            "cascading": "langsung",
            "iki_text": "Jumlah laporan",
            "iki_aspect": "kuantitas",
            "iki_target_low": "12",
            "iki_unit": "laporan",
            "csrf_token": token,
        },
    )
    assert added.status_code == 303
    shown = staff.get(f"/t/dinkes/skp/{skp_id}").get_data(as_text=True)
    assert "Laporan imunisasi" in shown and "12 laporan" in shown and "Imunisasi bidang" in shown
    assert "Jumlah laporan · Kuantitas · <strong>12 laporan" in shown  # labels, not codes
    assert (
        staff.post(f"/t/dinkes/skp/{skp_id}/act/submit", data={"csrf_token": token}).status_code
        == 303
    )
    boss = app.test_client()
    sign_in(boss, "boss")
    waiting = boss.get(f"/t/dinkes/skp?year={YEAR}").get_data(as_text=True)
    assert "Menunggu Anda" in waiting and "Staf" in waiting
    boss_token = csrf_token(boss, f"/t/dinkes/skp/{skp_id}")
    no_reason = boss.post(f"/t/dinkes/skp/{skp_id}/act/reject", data={"csrf_token": boss_token})
    assert no_reason.status_code == 422
    approved = boss.post(f"/t/dinkes/skp/{skp_id}/act/approve", data={"csrf_token": boss_token})
    assert approved.status_code == 303
    final = staff.get(f"/t/dinkes/skp/{skp_id}").get_data(as_text=True)
    assert "Disetujui" in final and "versi 1" in final
    again = staff.post(f"/t/dinkes/skp/{skp_id}/act/submit", data={"csrf_token": token})
    assert again.status_code == 409 and "Disetujui" in again.get_data(as_text=True)
    matrix = boss.get(f"/t/dinkes/skp/matrix?year={YEAR}").get_data(as_text=True)
    assert "Laporan imunisasi" in matrix and "Staf" in matrix


def test_the_admin_sets_targets_and_frequency_and_others_only_read(app, people) -> None:
    admin = app.test_client()
    sign_in(admin, "admin")
    url = f"/t/dinkes/skp/plan?year={YEAR + 1}"
    token = csrf_token(admin, url)
    added = admin.post(
        f"/t/dinkes/skp/plan/targets?year={YEAR + 1}",
        data={
            "code": "SS9",
            "text": "Layanan prima",
            "indicator_text": ["IKM", ""],
            "indicator_target": ["85", ""],
            "indicator_unit": ["poin", ""],
            "csrf_token": token,
        },
    )
    assert added.status_code == 303
    clash = admin.post(
        f"/t/dinkes/skp/plan/targets?year={YEAR + 1}",
        data={"code": "ss9", "text": "Lagi", "csrf_token": token},
    )
    assert clash.status_code == 409
    monthly = admin.post(
        f"/t/dinkes/skp/plan/frequency?year={YEAR + 1}",
        data={"frequency": "monthly", "csrf_token": token},
    )
    assert monthly.status_code == 303
    page = admin.get(url).get_data(as_text=True)
    assert "Layanan prima" in page and "IKM: 85 poin" in page and page.count("<li>01-") == 12
    staff = app.test_client()
    sign_in(staff, "staff")
    read = staff.get(url).get_data(as_text=True)
    assert "Layanan prima" in read and 'action="/t/dinkes/skp/plan/targets' not in read
    staff_token = csrf_token(staff, url)
    assert (
        staff.post(
            f"/t/dinkes/skp/plan/frequency?year={YEAR + 1}",
            data={"frequency": "semester", "csrf_token": staff_token},
        ).status_code
        == 403
    )
