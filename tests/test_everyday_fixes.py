"""Everyday journeys (#21) as a new user walks them on a phone: a draft stays private, the form
opens on a result, the superior's feed is newest first across people, pages past the end, the
bulk approval only where something waits."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from kinerja import clock
from kinerja.db import db
from kinerja.people import employees
from kinerja.performance.log import inputs as log_inputs
from kinerja.performance.log import service as log_service
from kinerja.performance.log.models import WorkEntry
from kinerja.permissions import Principal
from kinerja.presentation import formats
from tests.support import (
    add_employee,
    add_user,
    csrf_token,
    plan_head_and_boss,
    plan_staff,
    sign_in,
)
from tests.test_skp_api import token as api_token

TODAY = clock.today()
API = "/api/v1/tenants/dinkes/entries"


def _log(tenant: int, employee_id: int, day: date, activity: str, submit: bool = True) -> int:
    """An entry made through the service on `day` (at noon of that day, within the deadline)."""
    with db.unit_of_work(tenant) as session:
        employee = employees.get_employee(session, employee_id)
        owner = Principal(
            user_id=employee.user_id or 0,
            tenant_id=tenant,
            roles=frozenset({"pegawai"}),
            employee_id=employee_id,
        )
        values = log_inputs.EntryInput().read(
            {"entry_date": day.isoformat(), "extra_reason": "Rapat", "activity": activity}
        )
        noon = datetime(day.year, day.month, day.day, 5, tzinfo=UTC)
        entry, _ = log_service.create(session, owner, employee, values, submit=submit, now=noon)
        return entry.id


def _second_staff(tenants, people) -> int:
    user = add_user("dewi", "199103152016021002")
    return add_employee(
        tenants.a, "199103152016021002", "Dewi", people.superior, user, ("pegawai",)
    )


# --- 1. a draft is private until sent ----------------------------------------------------------
def test_a_draft_is_the_owners_until_it_is_sent(app, people, tenants) -> None:
    staff = app.test_client()
    sign_in(staff, "staff")
    token = csrf_token(staff, "/t/dinkes/log")
    form = {
        "csrf_token": token,
        "entry_date": TODAY.isoformat(),
        "extra_reason": "Rapat",
        "activity": "Notulen rapat koordinasi",
        "draft": "1",
    }
    saved = staff.post("/t/dinkes/log/new", data=form)
    assert saved.status_code == 303
    page = staff.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Tersimpan sebagai draf" in page and "Atasan Anda sudah dapat" not in page
    form.pop("draft")
    sent = staff.post("/t/dinkes/log/new", data={**form, "activity": "Laporan terkirim"})
    page = staff.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Atasan Anda sudah dapat melihatnya" in page
    with db.unit_of_work(tenants.a) as session:
        draft_id = session.scalar(select(WorkEntry.id).where(WorkEntry.status == "draft"))
    assert staff.get(f"/t/dinkes/log/{draft_id}").status_code == 200
    boss = app.test_client()
    sign_in(boss, "boss")
    assert boss.get(f"/t/dinkes/log/{draft_id}").status_code == 404
    as_boss = api_token(tenants.a, people.users["boss"])
    listed = app.test_client().get(f"{API}?scope=all", headers=as_boss).get_json()
    assert listed and all(e["status"] != "draft" for e in listed)
    assert app.test_client().get(f"{API}/{draft_id}", headers=as_boss).status_code == 404
    as_staff = api_token(tenants.a, people.users["staff"])
    mine = app.test_client().get(f"{API}?scope=mine", headers=as_staff).get_json()
    assert any(e["status"] == "draft" for e in mine)
    admin = app.test_client()
    sign_in(admin, "admin")
    assert admin.get(f"/t/dinkes/log/{draft_id}").status_code == 200  # the agency's records
    # once sent, the superior sees it
    staff_token = csrf_token(staff, f"/t/dinkes/log/{draft_id}")
    staff.post(f"/t/dinkes/log/{draft_id}/act/submit", data={"csrf_token": staff_token})
    assert boss.get(f"/t/dinkes/log/{draft_id}").status_code == 200


# --- 2. the form opens on a result; indicators by result; a mismatch is refused ----------------
def test_the_form_opens_on_the_first_result_and_groups_indicators(app, people, tenants) -> None:
    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get("/t/dinkes/log").get_data(as_text=True)
    select = re.search(r'<select id="rhk_id".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option value="{rhk}" selected>', select)
    assert '<option value="">' in select and '<option value="" selected>' not in select
    ikis = re.search(r'<select id="iki_id".*?</select>', page, re.S).group(0)
    assert re.search(rf'<optgroup label="[^"]*" data-rhk="{rhk}"><option value="{iki}"', ikis)
    token = csrf_token(staff, "/t/dinkes/log")
    # an indicator without its result: refused, naming the indicator
    refused = staff.post(
        "/t/dinkes/log/new",
        data={
            "csrf_token": token,
            "entry_date": TODAY.isoformat(),
            "rhk_id": "",
            "iki_id": str(iki),
            "extra_reason": "Rapat",
            "activity": "Rapat",
        },
    )
    assert refused.status_code == 422
    assert "Pilih hasil kerja (RHK) tempat indikator ini berada." in refused.get_data(as_text=True)
    api = app.test_client().post(
        API,
        json={
            "entry_date": TODAY.isoformat(),
            "iki_id": iki,
            "extra_reason": "Rapat",
            "activity": "Rapat",
        },
        headers=api_token(tenants.a, people.users["staff"]) | {"Idempotency-Key": "k" * 20},
    )
    assert api.status_code == 422 and "iki_id" in str(api.get_json())


# --- 3. the superior's feed: newest first across people, every tab, the API too ----------------
def test_the_feed_is_newest_first_across_people(app, people, tenants) -> None:
    dewi = _second_staff(tenants, people)
    base = TODAY - timedelta(days=1)
    made = [  # made in this order: by person, not by day
        (people.staff, base, "Budi terbaru"),
        (dewi, base - timedelta(days=1), "Dewi kedua"),
        (dewi, base - timedelta(days=3), "Dewi keempat"),
        (people.staff, base - timedelta(days=2), "Budi ketiga"),
    ]
    with db.unit_of_work(tenants.a) as session:
        policy = log_inputs.PolicyInput().read({"deadline_days": 31})
        log_service.set_policy(session, policy)
    for employee_id, day, activity in made:
        _log(tenants.a, employee_id, day, activity)
    expected = ["Budi terbaru", "Dewi kedua", "Budi ketiga", "Dewi keempat"]
    boss = app.test_client()
    sign_in(boss, "boss")
    for tab in ("submitted", "all"):
        page = boss.get(f"/t/dinkes/log/team?status={tab}").get_data(as_text=True)
        shown = [a for a in re.findall(r"(Budi \w+|Dewi \w+)</a>", page)]
        assert shown == expected, tab
    as_boss = api_token(tenants.a, people.users["boss"])
    listed = app.test_client().get(f"{API}?scope=team", headers=as_boss).get_json()
    assert [e["activity"] for e in listed] == expected


# --- 4. a page past the end is the last; bulk approval only where something waits --------------
def test_a_page_past_the_end_is_the_last_and_bulk_only_where_waiting(app, people, tenants) -> None:
    _log(tenants.a, people.staff, TODAY, "Satu-satunya")
    boss = app.test_client()
    sign_in(boss, "boss")
    page = boss.get("/t/dinkes/log/team?status=submitted&page=7").get_data(as_text=True)
    assert "Satu-satunya" in page and "Halaman 7" not in page
    assert "Setujui laporan yang dipilih" in page
    approved = boss.get("/t/dinkes/log/team?status=approved").get_data(as_text=True)
    assert "Setujui laporan yang dipilih" not in approved
    staff = app.test_client()
    sign_in(staff, "staff")
    mine = staff.get("/t/dinkes/log?page=99").get_data(as_text=True)
    assert "Satu-satunya" in mine


# --- 7. a Decimal is printed without exponent ---------------------------------------------------
def test_decimals_print_plain_on_every_page(app) -> None:
    from decimal import Decimal
    from pathlib import Path

    from kinerja.decimals import plain

    assert plain(Decimal("80.00").normalize()) == "80"  # "8E+1" by str()
    assert plain(Decimal("2.50")) == "2.5" and plain(Decimal("-0.0")) == "0"
    assert plain(Decimal("1E+3")) == "1000" and plain(None) == ""
    shown = app.jinja_env.from_string("{{ a|plain }}-{{ b|plain }}")
    assert shown.render(a=Decimal("80.000"), b=Decimal("9E+1")) == "80-90"
    # no template prints a Decimal through normalize() (scientific notation for 80, 90, 100)
    folders = [Path(app.root_path) / "web" / "templates", Path(app.root_path).parent.parent]
    templates = [p for p in folders[0].rglob("*.html")]
    templates += list((folders[1] / "plugins").rglob("*.html"))
    assert templates and not [p for p in templates if ".normalize()" in p.read_text("utf-8")]


# --- 6. one "Kirim" per meaning on the entry page ------------------------------------------------
def test_the_entry_page_names_its_two_sends_apart(app, people, tenants) -> None:
    entry_id = _log(tenants.a, people.staff, TODAY, "Draf rapat", submit=False)
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get(f"/t/dinkes/log/{entry_id}").get_data(as_text=True)
    buttons = re.findall(r'<button[^>]*type="submit">([^<]+)</button>', page)
    assert "Kirim umpan balik" in buttons and buttons.count("Kirim") == 1


# --- 5. a thread says what it is about, with a link where the reader may open it ---------------
def test_a_thread_names_and_links_its_subject(app, people, tenants) -> None:
    from tests.test_feedback_api import _evaluation

    _rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    entry_id = _log(tenants.a, people.staff, TODAY, "Verifikasi data imunisasi Puskesmas Teladan")
    draft_id = _log(tenants.a, people.staff, TODAY, "Masih draf", submit=False)
    evaluation_id = _evaluation(tenants.a, people.staff)
    boss = app.test_client()
    sign_in(boss, "boss")
    token = csrf_token(boss, "/t/dinkes/feedback")
    day = formats.date_short(TODAY, "id")
    expected = {
        ("entry", entry_id): (
            f"Laporan harian {day}: Verifikasi data imunisasi Puskesmas Teladan",
            f"/t/dinkes/log/{entry_id}",
        ),
        ("iki", iki): ("IKI: Laporan", "/t/dinkes/skp/"),
        ("evaluation", evaluation_id): ("Evaluasi ", f"/t/dinkes/evaluations/{evaluation_id}"),
    }
    threads = {}
    for (subject, subject_id), (label, link) in expected.items():
        started = boss.post(
            "/t/dinkes/feedback",
            data={"csrf_token": token, "subject": subject, "subject_id": subject_id, "body": "Ok"},
        )
        assert started.status_code == 303, subject
        page = boss.get(started.headers["Location"]).get_data(as_text=True)
        about = re.search(r'<p class="small" id="about">(.*?)</p>', page, re.S).group(1)
        assert label in about and f'href="{link}' in about, (subject, about)
        threads[subject] = int(started.headers["Location"].rsplit("/", 1)[1])
    listing = boss.get("/t/dinkes/feedback").get_data(as_text=True)
    assert f"Laporan harian {day}: Verifikasi" in listing and "IKI: Laporan" in listing
    # a draft is not there for the superior: no thread about it either
    refused = boss.post(
        "/t/dinkes/feedback",
        data={"csrf_token": token, "subject": "entry", "subject_id": draft_id, "body": "x"},
    )
    assert refused.status_code == 404
    as_staff = api_token(tenants.a, people.users["staff"])
    shown = app.test_client().get(
        f"/api/v1/tenants/dinkes/feedback/{threads['entry']}", headers=as_staff
    )
    # The API speaks the reader's language (English without Accept-Language), dates included.
    english_day = formats.date_short(TODAY, "en")
    assert f"{english_day}: Verifikasi data imunisasi" in shown.get_json()["about"]
    assert shown.get_json()["about_open"] is True


# --- 11. the head's evaluations: one list, titles of the chosen year, waiting is not missing ----
def test_the_heads_evaluations_are_one_list_of_the_chosen_year(app, people, tenants) -> None:
    from kinerja.performance import skp as skps
    from kinerja.performance.evaluation import service, workflow
    from tests.test_skp_api import head_account

    plan_staff(tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year))
    with db.unit_of_work(tenants.a) as session:
        boss_skp = skps.of_employee(session, people.superior, TODAY.year)
        staff_skp = skps.of_employee(session, people.staff, TODAY.year)
        service.start(session, staff_skp, 0)
        waiting = service.start(session, boss_skp, 0)
        waiting.status = workflow.SUBMITTED  # sent: waiting for the head, not missing
    head_account(people, tenants.a)
    head = app.test_client()
    sign_in(head, "head")
    page = head.get(f"/t/dinkes/evaluations?year={TODAY.year}").get_data(as_text=True)
    assert "Semua evaluasi di instansi" in page
    assert "Evaluasi tim saya" not in page  # the head's team is everyone: one list
    missing = re.search(r"Evaluasi tahunan belum dikirim: (\d+) · ([^<]*)<", page)
    assert missing and "Atasan" not in missing.group(2) and "Staf" in missing.group(2)
    assert f"Tim saya tahun {TODAY.year}" in page
    before = head.get(f"/t/dinkes/evaluations?year={TODAY.year - 1}").get_data(as_text=True)
    assert f"Tim saya tahun {TODAY.year - 1}" in before and "tahun ini" not in before
    boss = app.test_client()
    sign_in(boss, "boss")
    theirs = boss.get(f"/t/dinkes/evaluations?year={TODAY.year}").get_data(as_text=True)
    assert "Evaluasi tim saya" in theirs  # a kepala bidang has a team, not the agency


# --- 12. the city's comparison and the city admin's agencies: paged, with a total --------------
def test_the_city_pages_its_agencies_with_a_total(app, tenants, people, owner_engine) -> None:
    from tests.test_city_compare import YEAR, _stored

    for n in range(42):  # with dinkes, disdik: 44 active agencies (dishub is suspended)
        _stored(owner_engine, f"opd{n:02d}", f"OPD Nomor {n:02d}", {"skp_completion": float(n)})
    city = app.test_client()
    sign_in(city, "kota")
    first = city.get(f"/city/compare?year={YEAR}&sort=skp_completion").get_data(as_text=True)
    table = re.search(r"<tbody>.*?</tbody>", first, re.S).group(0)
    shown = re.findall(r"<td>(OPD Nomor \d+)</td>", table)
    assert shown == [f"OPD Nomor {n:02d}" for n in range(41, 21, -1)]  # the highest 20, sorted
    assert "1\u201320 dari 44" in first and "Halaman 1 dari 3" in first
    cards = re.search(r'<ul class="kj-list d-md-none" id="compare-cards">.*?</ul>', first, re.S)
    assert re.findall(r"<summary><strong>(OPD Nomor \d+)</strong>", cards.group(0)) == shown
    last = city.get(f"/city/compare?year={YEAR}&sort=skp_completion&page=9").get_data(as_text=True)
    assert (
        "41\u201344 dari 44" in last and "Halaman 3 dari 3" in last
    )  # past the end: the last page
    prev = re.search(r'href="([^"]*)" rel="prev"', last).group(1)
    assert "sort=skp_completion" in prev and "page=2" in prev  # the links keep the order
    me = city.get("/me").get_data(as_text=True)
    entered = re.findall(r'<button type="submit" class="btn btn-link w-100[^>]*>([^<]+)</', me)
    assert len(entered) == 20 and "1\u201320 dari 44" in me
    assert "21\u201340 dari 44" in city.get("/me?page=2").get_data(as_text=True)


# --- 8. the entries that made the proposed realisation are proposed as its evidence ------------
def test_the_entries_counted_are_proposed_as_bukti_dukung(app, people, tenants) -> None:
    from kinerja.performance import skp as skps
    from kinerja.performance.evaluation import service
    from kinerja.performance.evaluation.models import EvaluationItem
    from kinerja.performance.log import rules as log_rules

    rhk, iki = plan_staff(
        tenants, people, TODAY.year, plan_head_and_boss(tenants, people, TODAY.year)
    )
    boss = Principal(
        user_id=people.users["boss"],
        tenant_id=tenants.a,
        roles=frozenset({"pegawai"}),
        employee_id=people.superior,
    )

    def entry(activity: str, quantity: str | None, approve: bool, iki_id: int | None) -> int:
        with db.unit_of_work(tenants.a) as session:
            staff = employees.get_employee(session, people.staff)
            owner = Principal(
                user_id=people.users["staff"],
                tenant_id=tenants.a,
                roles=frozenset({"pegawai"}),
                employee_id=people.staff,
            )
            raw = {"entry_date": TODAY.isoformat(), "rhk_id": rhk, "activity": activity}
            raw |= {"iki_id": iki_id} if iki_id else {}
            raw |= {"quantity": quantity, "unit": "laporan"} if quantity else {}
            made, _ = log_service.create(session, owner, staff, log_inputs.EntryInput().read(raw))
            if approve:
                log_service.act(session, boss, made, log_rules.APPROVE)
            return made.id

    waiting = entry("Belum disetujui", "5", False, iki)  # sent, not approved: not counted
    no_quantity = entry("Rapat tanpa jumlah", None, True, iki)
    first = entry("Rekap pertama", "1", True, iki)
    by_rhk = entry("Rekap lewat RHK", "1", True, None)  # counted through the RHK and unit
    with db.unit_of_work(tenants.a) as session:
        skp = skps.of_employee(session, people.staff, TODAY.year)
        evaluation_id = service.start(session, skp, 0).id
    with db.unit_of_work(tenants.a) as session:
        item = session.query(EvaluationItem).one()
        assert item.realisasi == 2 and sorted(item.evidence) == sorted([first, by_rhk])
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get(f"/t/dinkes/evaluations/{evaluation_id}").get_data(as_text=True)
    offered = re.findall(rf'name="evidence-{iki}" value="(\d+)"[^>]*?( checked)?>', page)
    assert [int(i) for i, _ in offered[:2]] == [first, by_rhk]  # the counted first, ticked
    assert all(mark for _, mark in offered[:2]) and not any(mark for _, mark in offered[2:])
    assert {int(i) for i, _ in offered[2:]} == {waiting, no_quantity}
    assert page.count("data-counted") == 2 and "(2)" in page
    assert "dari 2 laporan harian disetujui" in page


# --- 10. an indicator is changed in place; its periods make its year; refusals name the box ----
def test_an_indicator_is_changed_in_place_and_its_periods_add_up(app, people, tenants) -> None:
    from kinerja.performance import plan, years
    from kinerja.performance import skp as skps
    from kinerja.performance.inputs import RhkInput
    from kinerja.performance.models import Iki

    boss_rhk = plan_head_and_boss(tenants, people, TODAY.year)
    with db.unit_of_work(tenants.a) as session:
        staff = employees.get_employee(session, people.staff)
        skp = skps.create(session, staff, TODAY.year)
        iki = {"text": "Laporan", "aspect": "kuantitas", "target_low": "12", "unit": "laporan"}
        rhk = plan.add_rhk(
            session,
            skp,
            RhkInput().read({"text": "Rekap", "parent_rhk_id": boss_rhk, "iki": [iki]}),
        )
        skp_id, rhk_id = skp.id, rhk.id
        iki_id = session.scalar(select(Iki.id).where(Iki.rhk_id == rhk_id))
        count = len(years.periods_of(session, TODAY.year))
    assert count > 1
    client = app.test_client()
    sign_in(client, "staff")
    page = client.get(f"/t/dinkes/skp/{skp_id}").get_data(as_text=True)
    form = re.search(rf'<form[^>]*data-iki="{iki_id}">.*?</form>', page, re.S).group(0)
    assert 'value="Laporan"' in form and 'value="12"' in form and 'value="laporan"' in form
    url = f"/t/dinkes/skp/{skp_id}/rhk/{rhk_id}/iki/{iki_id}"
    token = csrf_token(client, f"/t/dinkes/skp/{skp_id}")
    base = {
        "csrf_token": token,
        "text": "Laporan bulanan",
        "aspect": "kuantitas",
        "unit": "laporan",
    }
    too_many = [str(n) for n in (2, 4, 3, 4, 1, 1)][:count]
    periods = {f"period_{n + 1}": v for n, v in enumerate(too_many)}
    refused = client.post(url, data={**base, "target_low": "12", **periods})
    said = refused.get_data(as_text=True)
    total = sum(int(v) for v in too_many)
    assert refused.status_code == 422
    assert f"<strong>Target per periode</strong>: Target per periode berjumlah {total}" in said
    bad = client.post(url, data={**base, "target_low": "abc"})
    assert bad.status_code == 422 and "<strong>Target</strong>: Masukkan angka" in bad.get_data(
        as_text=True
    )
    even = {f"period_{n + 1}": "3" for n in range(count)}
    done = client.post(url, data={**base, "target_low": str(3 * count), **even})
    assert done.status_code == 303
    with db.unit_of_work(tenants.a) as session:
        kept = session.scalar(select(Iki).where(Iki.id == iki_id))  # the same row: same id
        assert kept.text == "Laporan bulanan" and kept.target_low == 3 * count
        assert [t["low"] for t in kept.period_targets["targets"]] == ["3"] * count
    # the API: one indicator, whole, in place (If-Match: the result's ETag)
    who = api_token(tenants.a, people.users["staff"])
    api = app.test_client()
    rhk_url = f"/api/v1/tenants/dinkes/skp/{skp_id}/rhk/{rhk_id}"
    tag = api.get(rhk_url, headers=who).headers["ETag"]
    body = {"text": "Laporan triwulan", "aspect": "kuantitas", "target_low": "12", "unit": "lap"}
    wrong = {**body, "period_targets": [{"low": v} for v in too_many]}
    answer = api.put(f"{rhk_url}/iki/{iki_id}", json=wrong, headers=who | {"If-Match": tag})
    assert answer.status_code == 422 and "period_targets" in answer.get_json()["errors"]["json"]
    answer = api.put(f"{rhk_url}/iki/{iki_id}", json=body, headers=who | {"If-Match": tag})
    assert answer.status_code == 200, answer.get_json()
    assert [i["id"] for i in answer.get_json()["iki"]] == [iki_id]
    assert answer.get_json()["iki"][0]["text"] == "Laporan triwulan"
