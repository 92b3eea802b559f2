"""Daily work in the pages: one screen to log with a photo, the same key never logs twice, the
team's feed (and its JSON for the page's script), bulk approval, the menu's count, the rules."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from kinerja import clock
from kinerja.db import db
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Skp
from kinerja.presentation import formats
from tests.support import csrf_token, plan_head_and_boss, plan_staff, sign_in

TODAY = clock.today()


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), "orange").save(out, "JPEG")
    return out.getvalue()


def test_log_with_a_photo_and_the_superior_verifies_it(app, people, tenants) -> None:
    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get("/t/dinkes/log").get_data(as_text=True)
    assert "Laporan harian" in page and 'capture="environment"' in page
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    token = csrf_token(staff, "/t/dinkes/log")
    form = {
        "csrf_token": token,
        "idempotency_key": key,
        "entry_date": TODAY.isoformat(),
        "rhk_id": str(rhk),
        "iki_id": str(iki),
        "activity": "Verifikasi data imunisasi Puskesmas Teladan",
        "quantity": "2",
        "evidence": (io.BytesIO(photo()), "IMG_20261129.jpg"),
    }
    sent = staff.post("/t/dinkes/log/new", data=form, content_type="multipart/form-data")
    assert sent.status_code == 303
    form["evidence"] = (io.BytesIO(photo()), "IMG_20261129.jpg")
    again = staff.post("/t/dinkes/log/new", data=form, content_type="multipart/form-data")
    assert again.status_code == 303  # the same form sent twice: still one entry
    with db.unit_of_work(tenants.a) as session:
        assert session.query(WorkEntry).count() == 1
    mine = staff.get("/t/dinkes/log").get_data(as_text=True)
    assert "Verifikasi data imunisasi" in mine and "Menunggu verifikasi" in mine
    boss = app.test_client()
    sign_in(boss, "boss")
    nav = boss.get("/t/dinkes/").get_data(as_text=True)
    assert re.search(r"Laporan tim <span[^>]*>1</span>", nav)
    team = boss.get("/t/dinkes/log/team").get_data(as_text=True)
    assert "Verifikasi data imunisasi" in team and "/thumbnail" in team
    thumb = re.search(r'src="(/t/dinkes/log/\d+/files/\d+/thumbnail)"', team).group(1)
    assert boss.get(thumb).data[:3] == b"\xff\xd8\xff"
    feed = boss.get("/t/dinkes/log/team/feed?after=0").get_json()
    assert feed["count"] == 1 and "Verifikasi data imunisasi" in feed["html"]
    assert boss.get(f"/t/dinkes/log/team/feed?after={feed['newest']}").get_json()["count"] == 0
    entry_id = re.search(r'name="entry" value="(\d+)"', team).group(1)
    boss_token = csrf_token(boss, "/t/dinkes/log/team")
    approved = boss.post(
        "/t/dinkes/log/team/approve", data={"entry": [entry_id], "csrf_token": boss_token}
    )
    assert approved.status_code == 303 and "approved=1" in approved.headers["Location"]
    shown = staff.get(f"/t/dinkes/log/{entry_id}").get_data(as_text=True)
    assert "Disetujui" in shown
    # a date never breaks at its hyphen on a narrow phone ("05-12-" / "2026")
    day = formats.date_short(TODAY, "id")
    assert f'<span class="text-nowrap">{day}</span>' in shown
    assert f'<small class="text-nowrap">{day}</small>' in team
    with db.unit_of_work(tenants.a) as session:
        skp_id = session.scalar(select(Skp.id).where(Skp.employee_id == people.staff))
    plan = staff.get(f"/t/dinkes/skp/{skp_id}").get_data(as_text=True)
    # the approved entry's output as the IKI's achievement: realisation against the target
    from decimal import Decimal

    from kinerja import rules

    percent = rules.achievement(Decimal(2), Decimal(12), None, "kuantitas")
    assert "Tahun berjalan: 2 / 12 laporan" in plan and f"{percent}%" in plan
    peer = app.test_client()
    sign_in(peer, "peer")
    assert peer.get(f"/t/dinkes/log/{entry_id}").status_code == 404
    assert peer.get(thumb).status_code == 404


def test_a_refused_file_keeps_what_was_typed(app, people, tenants) -> None:
    staff = app.test_client()
    sign_in(staff, "staff")
    token = csrf_token(staff, "/t/dinkes/log")
    form = {
        "csrf_token": token,
        "entry_date": TODAY.isoformat(),
        "extra_reason": "Rapat koordinasi",
        "activity": "Notulen rapat",
        "evidence": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "notulen.jpg"),
    }
    refused = staff.post("/t/dinkes/log/new", data=form, content_type="multipart/form-data")
    assert refused.status_code == 415
    page = refused.get_data(as_text=True)
    assert "notulen.jpg" in page and "Notulen rapat" in page  # nothing typed is lost


def test_the_rules_page_is_the_admins(app, people) -> None:
    admin = app.test_client()
    sign_in(admin, "admin")
    token = csrf_token(admin, "/t/dinkes/log/policy")
    saved = admin.post(
        "/t/dinkes/log/policy",
        data={"deadline_days": "5", "late_allowed": "1", "csrf_token": token},
    )
    assert saved.status_code == 303
    page = admin.get("/t/dinkes/log/policy").get_data(as_text=True)
    assert 'value="5"' in page
    for bad in ("abc", "40", "-1", "²"):
        refused = admin.post(
            "/t/dinkes/log/policy", data={"deadline_days": bad, "csrf_token": token}
        )
        assert refused.status_code == 422 and "0 sampai 31" in refused.get_data(as_text=True)
    assert (
        admin.post(
            "/t/dinkes/log/policy", data={"deadline_days": "0", "csrf_token": token}
        ).status_code
        == 303
    )  # the same day only
    staff = app.test_client()
    sign_in(staff, "staff")
    assert "disabled" in staff.get("/t/dinkes/log/policy").get_data(as_text=True)
    staff_token = csrf_token(staff, "/t/dinkes/log/policy")
    assert (
        staff.post(
            "/t/dinkes/log/policy", data={"deadline_days": "9", "csrf_token": staff_token}
        ).status_code
        == 403
    )


def test_the_forms_key_sent_with_other_work_is_refused_and_replaced(app, people, tenants) -> None:
    rhk, _iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get("/t/dinkes/log").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {
        "csrf_token": csrf_token(staff, "/t/dinkes/log"),
        "idempotency_key": key,
        "entry_date": TODAY.isoformat(),
        "rhk_id": str(rhk),
        "activity": "Rapat koordinasi",
    }
    assert staff.post("/t/dinkes/log/new", data=form).status_code == 303
    # Back in the browser, the same form changed and sent again: not taken for the first one.
    other = staff.post("/t/dinkes/log/new", data=form | {"activity": "Kunjungan lapangan"})
    assert other.status_code == 422
    body = other.get_data(as_text=True)
    assert key in body and "permintaan yang berbeda" in body
    fresh = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', body).group(1)
    assert fresh != key  # a new key for the corrected form: it can be sent
    again = staff.post(
        "/t/dinkes/log/new",
        data=form | {"activity": "Kunjungan lapangan", "idempotency_key": fresh},
    )
    assert again.status_code == 303
    with db.unit_of_work(tenants.a) as session:
        assert session.query(WorkEntry).count() == 2


def test_approving_none_chosen_says_what_to_do(app, people, tenants) -> None:
    """With nothing ticked, "Approve the chosen entries" said "0 entries approved." as a success."""
    boss = app.test_client()
    sign_in(boss, "boss")
    token = csrf_token(boss, "/t/dinkes/log/team")
    done = boss.post("/t/dinkes/log/team/approve", data={"csrf_token": token})
    assert done.status_code == 303 and "approved=0" in done.headers["Location"]
    page = boss.get(done.headers["Location"]).get_data(as_text=True)
    assert "Belum ada laporan yang dipilih: centang laporan" in page
    assert "0 laporan disetujui" not in page
