"""The year's plan in the browser's pages (server-rendered, no JavaScript): start, add a result
with its indicator, submit, decide; the agency's plan page; the cascade; words, never codes."""

from __future__ import annotations

import re

from kinerja import clock
from kinerja.db import db
from kinerja.people import employees
from kinerja.performance import flow
from kinerja.performance import skp as skps
from tests.support import csrf_token, plan_head_and_boss, sign_in

YEAR = 2026


def test_draft_submit_and_approve_through_the_pages(app, people, tenants) -> None:
    boss_rhk = plan_head_and_boss(tenants, people, YEAR)
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


def test_the_demo_plans_a_whole_year_once(app, people, tenants) -> None:

    from kinerja import demo
    from kinerja.performance.models import Skp, SkpVersion

    lines = demo.load()
    assert any("SKP" in line for line in lines), lines
    year = clock.this_year()
    with db.unit_of_work(tenants.a) as session:
        counts = flow.counts(session, year)
        revised = session.query(SkpVersion).filter(SkpVersion.version == 2).count()
        proposals = [
            r
            for s in session.query(Skp).filter(Skp.status == "draft")
            for r in skps.rhk_rows(session, s)
        ]
    assert counts["approved"] >= 4 and counts["submitted"] == 1 and counts["rejected"] == 1
    assert counts["draft"] >= 1 and any(r.proposed for r in proposals)
    assert revised == 1
    demo.load()
    with db.unit_of_work(tenants.a) as session:
        assert flow.counts(session, year) == counts  # loaded once
    boss = app.test_client()
    sign_in(boss, "boss")
    page = boss.get(f"/t/dinkes/skp?year={year}").get_data(as_text=True)
    assert "Tim saya" in page and "Disetujui" in page
    feed = boss.get("/t/dinkes/log/team?status=submitted").get_data(as_text=True)
    assert "Menunggu verifikasi" in feed  # last week's daily work of the demo staff
    with db.unit_of_work(tenants.a) as session:
        from kinerja.performance.log.models import EvidenceFile, WorkEntry

        statuses = {e.status for e in session.query(WorkEntry)}
        assert statuses == {"draft", "submitted", "approved", "rejected"}
        assert session.query(EvidenceFile).count() > 0
        from kinerja.performance.evaluation import service as evaluations

        last = evaluations.curve(session, year - 1)
        assert last.level == "BAIK" and sum(last.counts.values()) >= 5
        assert last.violations == []  # the finished year fits its curve
    matrix = boss.get(f"/t/dinkes/skp/matrix?year={year}").get_data(as_text=True)
    assert "Tersedianya data cakupan imunisasi" in matrix


def test_the_city_sets_years_and_sees_only_counts(app, people, tenants) -> None:
    from kinerja.performance import years

    with db.unit_of_work(tenants.a) as session:
        skps.create(session, employees.get_employee(session, people.staff), YEAR)
    anonymous = app.test_client()
    assert anonymous.get("/city/years").status_code == 302
    staff = app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/city/years").status_code == 404
    city = app.test_client()
    sign_in(city, "kota")
    page = city.get(f"/city/years?year={YEAR}").get_data(as_text=True)
    row = re.search(r"Dinas Kesehatan</a></td>(.*?)</tr>", page, re.S)
    assert row and [int(n) for n in re.findall(r">(\d+)<", row.group(1))] == [1, 0, 0, 0]
    assert "Staf" not in page  # counts, never people
    token = csrf_token(city, f"/city/years?year={YEAR}")
    bad = city.post(
        f"/city/years?year={YEAR}",
        data={"starts": "2026-13-01", "ends": "2026-12-31", "csrf_token": token},
    )
    assert bad.status_code == 422
    closed = city.post(
        f"/city/years?year={YEAR}",
        data={"starts": "2026-01-01", "ends": "2026-12-31", "closed": "1", "csrf_token": token},
    )
    assert closed.status_code == 303
    with db.unit_of_work() as session:
        assert years.info(session, YEAR).closed
