"""Guidance in the product: the introduction per role (hidden once dismissed), what waits for
the reader on the agency's home, help on the forms with an example for the reader's kind of
position, BKPSDM's edits, and how a predikat was reached, shown to the employee."""

from __future__ import annotations

import re

import pytest

from kinerja import clock
from kinerja.db import db
from kinerja.exceptions import Invalid
from kinerja.guidance import service
from tests.support import People, csrf_token, plan_head_and_boss, plan_staff, sign_in

YEAR = clock.this_year()


def test_the_guidance_data_has_every_role_and_topic_in_both_languages() -> None:
    found = service.defaults()
    for role in ("pegawai", "atasan", "admin_opd", "admin_kota"):
        assert found[f"intro.{role}.id"] and found[f"intro.{role}.en"]
    texts = {k: v for k, v in found.items() if k.startswith("help.")}
    assert texts["help.rhk.title.en"] == "What is an RHK?"
    example = service.help_for(found, "iki", "en", "fungsional")
    assert example is not None and "surveillance" in example["example"]
    assert "puskesmas" in service.help_for(found, "iki", "id", "pengawas")["example"]
    assert service.help_for(found, "nothing", "id", None) is None


def test_bkpsdm_edits_a_text_and_empty_goes_back_to_the_default(people, tenants) -> None:
    with db.unit_of_work() as session:
        service.set_text(session, "intro.pegawai.id", "Mulai dari SKP, lalu laporan harian.")
    with db.unit_of_work() as session:
        assert service.texts(session)["intro.pegawai.id"] == "Mulai dari SKP, lalu laporan harian."
        with pytest.raises(Invalid):
            service.set_text(session, "intro.nobody.id", "x")
        with pytest.raises(Invalid):
            service.set_text(session, "intro.pegawai.id", "x" * 2001)
        service.set_text(session, "intro.pegawai.id", "  ")
    with db.unit_of_work() as session:
        assert service.texts(session)["intro.pegawai.id"] == service.defaults()["intro.pegawai.id"]


def test_each_role_is_introduced_and_sees_what_waits(app, people: People, tenants) -> None:
    year = YEAR
    boss_rhk = plan_head_and_boss(tenants, people, year)
    from kinerja.performance.inputs import RhkInput

    with db.unit_of_work(tenants.a) as session:
        from kinerja.people import employees
        from kinerja.performance import flow, plan
        from kinerja.performance import skp as skps
        from kinerja.permissions import Principal

        plan_ = skps.create(session, employees.get_employee(session, people.staff), year)
        iki = {"text": "Laporan", "aspect": "kuantitas", "target_low": "12", "unit": "laporan"}
        raw = {"text": "Rekap", "parent_rhk_id": boss_rhk, "iki": [iki]}
        plan.add_rhk(session, plan_, RhkInput().read(raw))
        flow.act(
            session, Principal(9, tenants.a, frozenset({"pegawai"}), people.staff), plan_, "submit"
        )
    staff = app.test_client()
    sign_in(staff, "staff")
    home = staff.get("/t/dinkes/").get_data(as_text=True)
    assert ("Selamat datang di Kinerja" in home and "Mulai" in home) or "Selamat datang" in home
    hidden = staff.post(
        "/intro/seen",
        data={"csrf_token": csrf_token(staff, "/t/dinkes/"), "next": "/t/dinkes/"},
    )
    assert hidden.status_code == 303
    assert "Selamat datang di Kinerja" not in staff.get("/t/dinkes/").get_data(as_text=True)
    boss = app.test_client()
    sign_in(boss, "boss")
    page = boss.get("/t/dinkes/").get_data(as_text=True)
    assert "Sebagai atasan" in page  # another role, still introduced
    assert "Menunggu Anda" in page and "SKP untuk disetujui" in page
    log_page = staff.get("/t/dinkes/log").get_data(as_text=True)
    assert "Apa yang dicatat di laporan harian?" in log_page and "Contoh:" in log_page
    city = app.test_client()
    sign_in(city, "kota")
    changed = city.post(
        "/city/guidance",
        data={
            "csrf_token": csrf_token(city, "/city/guidance"),
            "key": "help.daily_work.title.id",
            "text": "Apa isi laporan harian?",
        },
    )
    assert changed.status_code == 303
    after = staff.get("/t/dinkes/log").get_data(as_text=True)
    assert "Apa isi laporan harian?" in after
    assert staff.get("/city/guidance").status_code == 404


def test_the_employee_sees_how_their_predikat_was_reached(app, people, tenants) -> None:
    from kinerja.performance import skp as skps
    from kinerja.performance.evaluation import service as evaluations
    from kinerja.permissions import Principal

    plan_staff(tenants, people, YEAR, plan_head_and_boss(tenants, people, YEAR))
    with db.unit_of_work(tenants.a) as session:
        found = evaluations.start(session, skps.of_employee(session, people.staff, YEAR), 0)
        evaluations.act(
            session, Principal(9, tenants.a, frozenset({"pegawai"}), people.staff), found, "submit"
        )
        evaluations.rate(
            session,
            Principal(8, tenants.a, frozenset({"pegawai"}), people.superior),
            found,
            {"rating_hasil": "DI_ATAS", "rating_perilaku": "SESUAI"},
        )
        evaluation_id = found.id
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get(f"/t/dinkes/evaluations/{evaluation_id}").get_data(as_text=True)
    assert "Bagaimana predikat ditentukan" in page
    assert 'class="table-success fw-bold">Baik ✓' in page


def test_the_editor_groups_by_page_with_both_languages_side_by_side_and_a_preview(
    app, people
) -> None:
    from kinerja.guidance import editor

    every = service.defaults()
    with app.test_request_context():
        pages = editor.layout(every, every, "id")
    keys = [k for p in pages for t in p.topics for f in t.fields for k in f.keys.values()]
    assert sorted(keys) == sorted(every)  # every text once, none left out
    assert [p.key for p in pages][:2] == ["home", "skp"]
    city = app.test_client()
    sign_in(city, "kota")
    page = city.get("/city/guidance").get_data(as_text=True)
    assert "help.iki.text.en" not in re.sub(r'(name|id|for)="[^"]*"', "", page)  # no raw key shown
    assert "Halaman SKP" in page and "Apa itu IKI?" in page and "What is an IKI?" in page
    assert page.count("<textarea") == len(every)
    assert "Tampilannya (English, teks tersimpan)" in page  # the preview of each help
    # One topic's form saves both languages at once; the preview reads the new text.
    saved = city.post(
        "/city/guidance",
        data={
            "csrf_token": csrf_token(city, "/city/guidance"),
            "topic": "iki",
            "text:help.iki.title.id": "Apa itu IKI, singkatnya?",
            "text:help.iki.title.en": "What is an IKI, in short?",
            "text:help.iki.text.id": every["help.iki.text.id"],
        },
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#iki")
    after = city.get("/city/guidance").get_data(as_text=True)
    assert after.count("Apa itu IKI, singkatnya?") >= 2  # the field and the preview
    assert "What is an IKI, in short?" in after
    refused = city.post(
        "/city/guidance",
        data={
            "csrf_token": csrf_token(city, "/city/guidance"),
            "text:help.iki.text.id": "x" * 2001,
        },
    )
    assert refused.status_code == 422 and "2000" in refused.get_data(as_text=True)
