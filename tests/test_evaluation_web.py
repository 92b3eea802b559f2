"""Evaluation pages: start, realisasi, rating, approval by the reviewer, in words not codes."""

from __future__ import annotations

import re

from kinerja import clock
from kinerja.db import db
from kinerja.performance import skp as skps
from tests.support import csrf_token, plan_head_and_boss, plan_staff, sign_in
from tests.test_skp_api import head_account

TODAY = clock.today()


def test_an_evaluation_through_the_pages(app, people, tenants) -> None:
    _rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    head_account(people, tenants.a)
    with db.unit_of_work(tenants.a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get("/t/dinkes/evaluations").get_data(as_text=True)
    assert "Evaluasi saya" in page and "Tahunan" in page
    token = csrf_token(staff, "/t/dinkes/evaluations")
    started = staff.post(
        "/t/dinkes/evaluations/start", data={"skp_id": skp_id, "period": "0", "csrf_token": token}
    )
    assert started.status_code == 303
    url = started.headers["Location"]
    # A refused realisasi names its indicator's field and keeps what was typed in it.
    refused = staff.post(f"{url}/items", data={f"realisasi-{iki}": "1.500", "csrf_token": token})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    field = re.search(rf'<input name="realisasi-{iki}"[^>]*>', html).group(0)
    assert 'value="1.500"' in field and "is-invalid" in field
    problem = re.search(rf'id="realisasi-{iki}-problem">([^<]*)<', html).group(1)
    assert "tanpa pemisah ribuan" in problem
    saved = staff.post(f"{url}/items", data={f"realisasi-{iki}": "11", "csrf_token": token})
    assert saved.status_code == 303
    assert staff.post(f"{url}/act/submit", data={"csrf_token": token}).status_code == 303
    boss = app.test_client()
    sign_in(boss, "boss")
    form = boss.get(url).get_data(as_text=True)
    assert "Rating Hasil Kerja" in form and "Menunggu penilaian" in form and "11" in form
    boss_token = csrf_token(boss, url)
    rated = boss.post(
        f"{url}/rating",
        data={"rating_hasil": "SESUAI", "rating_perilaku": "DI_ATAS", "csrf_token": boss_token},
    )
    assert rated.status_code == 303
    head = app.test_client()
    sign_in(head, "head")
    review = head.get(url).get_data(as_text=True)
    assert "Predikat Kinerja" in review and "Baik" in review and "Menunggu atasan" in review
    head_token = csrf_token(head, url)
    assert head.post(f"{url}/act/approve", data={"csrf_token": head_token}).status_code == 303
    final = staff.get(url).get_data(as_text=True)
    assert re.search(r"Predikat Kinerja: <strong>Baik</strong>", final) and "Disetujui" in final
    peer = app.test_client()
    sign_in(peer, "peer")
    assert peer.get(url).status_code == 404


def test_the_city_sets_each_agencys_achievement(app, people, tenants) -> None:
    from sqlalchemy import select

    from kinerja.audit.models import AuditEntry

    city = app.test_client()
    sign_in(city, "kota")
    page = city.get(f"/city/years?year={TODAY.year}").get_data(as_text=True)
    assert "Capaian organisasi" in page
    token = csrf_token(city, f"/city/years?year={TODAY.year}")
    saved = city.post(
        f"/city/achievement?year={TODAY.year}",
        data={"tenant": "dinkes", "level": "BAIK", "csrf_token": token},
    )
    assert saved.status_code == 303
    refused = city.post(
        f"/city/achievement?year={TODAY.year}",
        data={"tenant": "dinkes", "level": "HEBAT", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert "Pilih salah satu tingkat capaian organisasi" in refused.get_data(as_text=True)
    page = city.get(f"/city/years?year={TODAY.year}").get_data(as_text=True)
    assert '<option value="BAIK" selected>' in page
    with db.unit_of_work(tenants.a) as session:
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "evaluation.achievement")
        )
        assert entry is not None and entry.actor_role == "admin_kota"
    staff = app.test_client()
    sign_in(staff, "staff")
    assert (
        staff.post(
            f"/city/achievement?year={TODAY.year}",
            data={"tenant": "dinkes", "level": "ISTIMEWA", "csrf_token": csrf_token(staff, "/")},
        ).status_code
        == 404
    )


def _text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_skp_and_the_evaluation_print_as_pdf_with_their_text(app, people, tenants) -> None:
    _rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    with db.unit_of_work(tenants.a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    staff = app.test_client()
    sign_in(staff, "staff")
    skp_pdf = staff.get(f"/t/dinkes/skp/{skp_id}/document.pdf")
    assert skp_pdf.status_code == 200 and skp_pdf.mimetype == "application/pdf"
    text = _text(skp_pdf.data)
    assert f"SASARAN KINERJA PEGAWAI (SKP) TAHUN {TODAY.year}" in text
    assert "Laporan imunisasi" in text and "12 laporan" in text and "Staf" in text
    assert "Atasan" in text and "Berorientasi Pelayanan" in text and "Medan," in text
    token = csrf_token(staff, "/t/dinkes/evaluations")
    url = staff.post(
        "/t/dinkes/evaluations/start", data={"skp_id": skp_id, "period": "0", "csrf_token": token}
    ).headers["Location"]
    staff.post(f"{url}/items", data={f"realisasi-{iki}": "13", "csrf_token": token})
    text = _text(staff.get(f"{url}/document.pdf").data)
    assert f"DOKUMEN EVALUASI KINERJA PEGAWAI TAHUN {TODAY.year}" in text and "13" in text
    peer = app.test_client()
    sign_in(peer, "peer")
    assert peer.get(f"/t/dinkes/skp/{skp_id}/document.pdf").status_code == 404
    assert peer.get(f"{url}/document.pdf").status_code == 404


def test_the_admin_sees_the_curve_in_words_and_who_is_not_evaluated(app, people, tenants):
    from kinerja.performance.evaluation import service

    plan_staff(tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year))
    with db.unit_of_work(tenants.a) as session:
        service.set_achievement(session, TODAY.year, "BAIK", None)
    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get(f"/t/dinkes/evaluations?year={TODAY.year}").get_data(as_text=True)
    assert "Capaian organisasi" in page and "Baik" in page
    assert "Evaluasi tahunan belum dikirim: 3" in page and "Staf" in page  # head, boss, staff


def test_the_superior_sees_the_teams_progress_toward_the_targets(app, people, tenants) -> None:
    from kinerja.performance.evaluation import service

    _rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    staff = app.test_client()
    sign_in(staff, "staff")
    token = csrf_token(staff, "/t/dinkes/log")
    staff.post(
        "/t/dinkes/log/new",
        data={
            "csrf_token": token,
            "entry_date": TODAY.isoformat(),
            "rhk_id": str(_rhk),
            "iki_id": str(iki),
            "activity": "Rekap",
            "quantity": "3",
        },
    )
    with db.unit_of_work(tenants.a) as session:
        # sent, not verified yet: it waits beside the achievement, it does not count
        assert service.progress(session, people.staff, TODAY.year) == 0
        assert service.progress(session, people.peer, TODAY.year) is None  # no approved plan
    boss = app.test_client()
    sign_in(boss, "boss")
    entry = re.search(
        r'name="entry" value="(\d+)"', boss.get("/t/dinkes/log/team").get_data(as_text=True)
    ).group(1)
    boss_token = csrf_token(boss, "/t/dinkes/log/team")
    boss.post("/t/dinkes/log/team/approve", data={"entry": [entry], "csrf_token": boss_token})
    with db.unit_of_work(tenants.a) as session:
        assert service.progress(session, people.staff, TODAY.year) == 25  # 3 of 12 laporan
    page = boss.get("/t/dinkes/evaluations").get_data(as_text=True)
    assert f"Tim saya tahun {TODAY.year}" in page and "25%" in page


def test_daily_entries_are_ticked_as_bukti_dukung(app, people, tenants) -> None:
    from kinerja.performance.evaluation.models import EvaluationItem

    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    with db.unit_of_work(tenants.a) as session:
        skp_id = skps.of_employee(session, people.staff, TODAY.year).id
    staff = app.test_client()
    sign_in(staff, "staff")
    token = csrf_token(staff, "/t/dinkes/log")
    staff.post(
        "/t/dinkes/log/new",
        data={
            "csrf_token": token,
            "entry_date": TODAY.isoformat(),
            "rhk_id": str(rhk),
            "iki_id": str(iki),
            "activity": "Rekap mingguan",
            "quantity": "2",
        },
    )
    url = staff.post(
        "/t/dinkes/evaluations/start", data={"skp_id": skp_id, "period": "0", "csrf_token": token}
    ).headers["Location"]
    page = staff.get(url).get_data(as_text=True)
    entry = re.search(rf'name="evidence-{iki}" value="(\d+)"', page).group(1)
    saved = staff.post(
        f"{url}/items",
        data={f"realisasi-{iki}": "2", f"evidence-{iki}": entry, "csrf_token": token},
    )
    assert saved.status_code == 303
    with db.unit_of_work(tenants.a) as session:
        item = session.query(EvaluationItem).one()
        assert item.evidence == [int(entry)]
