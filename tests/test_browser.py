"""Full sign-in in Debian's Chromium (Playwright) through the real test OIDC provider."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def served(sso_app, base_url: str) -> Iterator[str]:
    """The SSO-configured app on a real port (the one the provider redirects to)."""
    parts = urlsplit(base_url)
    server = make_server(parts.hostname or "127.0.0.1", parts.port or 80, sso_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(10)


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed at {CHROMIUM} (apt-get install chromium; "
            "`make test` installs it when run as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_sso_sign_in_in_a_real_browser(served, browser, people, idp) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{served}/auth/login")
    assert "Masuk dengan SSO Pemerintah Kota" in page.content()
    started = time.perf_counter()
    page.click("text=Masuk dengan SSO Pemerintah Kota")
    page.wait_for_url(f"{idp.issuer}/interaction/**")

    page.fill("#username", "staff")
    page.fill("#password", "salah")
    page.click("#submit")
    assert page.text_content("#error") == "Nama pengguna atau kata sandi salah."

    page.fill("#username", "staff")
    page.fill("#password", "rahasia-sso")
    page.click("#submit")
    page.wait_for_url(f"{served}/t/dinkes/")
    elapsed = time.perf_counter() - started
    print(f"\nSSO round trip (click to the agency's home, with one wrong password): {elapsed:.2f}s")
    assert "Staf SSO" in page.content() and "Dinas Kesehatan" in page.content()

    page.goto(f"{served}/t/dinkes/employees/{people.staff}")
    assert "198609262015051001" in page.content()
    response = page.goto(f"{served}/t/disdik/employees")
    assert response is not None and response.status == 404
    assert "Pegawai Disdik" not in page.content()
    response = page.goto(f"{served}/t/disdik/employees/{people.other}")
    assert response is not None and response.status == 404

    page.click("summary")  # the header menu (no JavaScript needed: <details>)
    page.click("text=Keluar")
    # RP-initiated logout: the provider asks to confirm, then sends the browser home.
    page.wait_for_url(f"{idp.issuer}/session/end**")
    page.click("button[name=logout][value=yes]")
    page.wait_for_url(f"{served}/")
    page.goto(f"{served}/me")
    assert "/auth/login" in page.url
    # Signed out at the provider too: SSO asks for the password again.
    page.goto(f"{served}/auth/sso")
    page.wait_for_url(f"{idp.issuer}/interaction/**")
    assert page.is_visible("#password")


def test_local_demo_sign_in_in_a_real_browser(served, browser, people) -> None:
    page = browser.new_page()
    page.goto(f"{served}/auth/login")
    page.fill("#login", "admin@example.go.id")
    page.fill("#password", "wrong")
    page.click("form[action='/auth/local'] button[type=submit]")
    assert "NIP/e-mail atau kata sandi salah" in page.content()
    from tests.support import PASSWORD

    page.fill("#login", "admin@example.go.id")
    page.fill("#password", PASSWORD)
    page.click("form[action='/auth/local'] button[type=submit]")
    page.wait_for_url(f"{served}/t/dinkes/")
    page.goto(f"{served}/t/dinkes/employees")
    assert "Staf" in page.content() and "Rekan" in page.content()


PAGES_OF_AN_ADMIN = [
    "/",
    "/me",
    "/t/dinkes/",
    "/t/dinkes/employees",
    "/t/dinkes/employees/new",
    "/t/dinkes/units",
    "/t/dinkes/positions",
    "/t/dinkes/memberships",
    "/t/dinkes/imports",
    "/t/dinkes/tokens",
    "/t/dinkes/audit",
    "/t/dinkes/competencies",
    "/t/dinkes/plugins",
    "/t/dinkes/reports",
    "/t/dinkes/skp",
    "/t/dinkes/skp/plan",
    "/t/dinkes/skp/matrix",
    "/t/dinkes/log",
    "/t/dinkes/log/team",
    "/t/dinkes/log/policy",
    "/t/dinkes/evaluations",
    "/t/dinkes/feedback",
    "/t/dinkes/talent",
    "/t/dinkes/talent/standards",
    "/t/dinkes/talent/settings",
    "/t/dinkes/talent/grid",
    "/t/dinkes/talent/heatmap",
    "/t/dinkes/notifications",
    "/t/dinkes/figures",
    "/t/dinkes/exports",
]


def test_every_page_fits_a_360_px_phone_and_breaks_no_content_policy(
    served, browser, people
) -> None:
    from tests.support import PASSWORD

    page = browser.new_page(viewport={"width": 360, "height": 740})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{served}/auth/login")
    page.fill("#login", "admin@example.go.id")
    page.fill("#password", PASSWORD)
    page.click("form[action='/auth/local'] button[type=submit]")
    page.wait_for_url(f"{served}/t/dinkes/")
    page.goto(f"{served}/t/dinkes/employees/{people.staff}")
    PAGES = [*PAGES_OF_AN_ADMIN, f"/t/dinkes/employees/{people.staff}"]
    wide: list[str] = []
    for language in ("id", "en"):  # English words are longer: both must fit
        if language == "en":
            page.click("header summary")  # the account menu holds the language
            page.select_option("#lang", "en")
            page.click("form[action='/lang'] button[type=submit]")
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == "en"
        for path in PAGES:
            response = page.goto(f"{served}{path}")
            assert response is not None and response.status == 200, path
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                wide.append(f"{language} {path}: {overflow}px")
            header = page.text_content("header") or ""
            assert "Admin" in header, path  # who is signed in, on every page
    assert not wide, f"wider than a 360 px screen: {wide}"
    assert problems == []


def _sign_in(page, served: str, login: str) -> None:
    from tests.support import PASSWORD

    page.goto(f"{served}/auth/login")
    page.fill("#login", f"{login}@example.go.id")
    page.fill("#password", PASSWORD)
    page.click("form[action='/auth/local'] button[type=submit]")
    # a person of one agency lands in its home; the city admin on their profile
    page.wait_for_url(f"{served}/me" if login == "kota" else f"{served}/t/dinkes/")


def _fits(page, what: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{what} is {overflow}px wider than a 360 px screen"


def test_an_skp_is_drafted_submitted_and_approved_on_a_phone(
    served, browser, people, tenants
) -> None:
    from kinerja import clock
    from tests.support import plan_head_and_boss

    year = clock.this_year()
    plan_head_and_boss(tenants, people, year)
    phone = {"viewport": {"width": 360, "height": 740}}
    staff = browser.new_context(**phone).new_page()
    _sign_in(staff, served, "staff")
    staff.goto(f"{served}/t/dinkes/skp")
    staff.click("text=Mulai SKP saya")
    staff.wait_for_url("**/t/dinkes/skp/*")
    staff.fill("#new-text", "Laporan cakupan imunisasi bulanan")
    staff.select_option("#new-parent", label="Imunisasi bidang")
    staff.fill("#new-iki-text", "Laporan tepat waktu")
    staff.select_option("select[name=iki_aspect]", "kuantitas")
    staff.fill("input[name=iki_target_low]", "12")
    staff.fill("input[name=iki_unit]", "laporan")
    staff.click("form[action$='/rhk'] button[type=submit]")
    assert "Laporan cakupan imunisasi bulanan" in staff.content()
    _fits(staff, "the SKP page")
    staff.click("button:has-text('Ajukan')")
    assert "Diajukan" in (staff.text_content("h1") or "")
    boss = browser.new_context(**phone).new_page()
    _sign_in(boss, served, "boss")
    boss.goto(f"{served}/t/dinkes/skp")
    assert "Menunggu Anda" in boss.content()
    _fits(boss, "the SKP list")
    boss.click("section[aria-labelledby=waiting-h] a")
    boss.click("button:has-text('Setujui')")
    assert "Disetujui" in (boss.text_content("h1") or "")
    staff.reload()
    assert "Disetujui" in (staff.text_content("h1") or "") and "versi 1" in staff.content()
    boss.goto(f"{served}/t/dinkes/skp/matrix")
    _fits(boss, "the cascade")
    assert "Laporan cakupan imunisasi bulanan" in boss.content()


def test_an_entry_logged_on_a_phone_reaches_the_superiors_feed_without_a_reload(
    served, browser, people, tenants, tmp_path
) -> None:
    from PIL import Image

    from kinerja import clock
    from tests.support import plan_head_and_boss, plan_staff

    year = clock.this_year()
    plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    phone = {"viewport": {"width": 360, "height": 740}}
    boss = browser.new_context(**phone).new_page()
    _sign_in(boss, served, "boss")
    boss.goto(f"{served}/t/dinkes/log/team")
    assert "Belum ada laporan dari tim Anda" in boss.content()
    picture = tmp_path / "IMG_0001.jpg"
    Image.new("RGB", (640, 480), "teal").save(picture, "JPEG")
    staff = browser.new_context(**phone).new_page()
    _sign_in(staff, served, "staff")
    staff.goto(f"{served}/t/dinkes/log")
    _fits(staff, "the daily work page")
    staff.select_option("#rhk_id", label="Laporan imunisasi")
    staff.fill("#activity", "Input data imunisasi ke ASIK")
    staff.fill("#quantity", "25")
    staff.set_input_files("#photo", str(picture))
    sent_at = time.perf_counter()
    staff.click("form[data-offline] button[type=submit]:not([name])")
    staff.wait_for_url("**/t/dinkes/log?saved=sent")
    boss.wait_for_selector("text=Input data imunisasi ke ASIK", timeout=8000)
    arrived = time.perf_counter() - sent_at
    print(f"\nentry in the superior's feed {arrived:.1f}s after sending (no reload)")
    assert arrived < 5.5
    assert boss.locator("#feed img.kj-thumb-sm").count() == 1
    _fits(boss, "the team's feed")


def test_a_superior_rates_an_evaluation_on_a_phone(served, browser, people, tenants) -> None:
    from kinerja import clock
    from kinerja.db import db
    from kinerja.performance import skp as skps
    from kinerja.performance.evaluation import service, workflow
    from kinerja.permissions import Principal
    from tests.support import plan_head_and_boss, plan_staff

    year = clock.this_year()
    _rhk, iki = plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    with db.unit_of_work(tenants.a) as session:
        skp = skps.of_employee(session, people.staff, year)
        evaluation = service.start(session, skp, service.ANNUAL)
        owner = Principal(1, tenants.a, frozenset({"pegawai"}), people.staff)
        service.update_items(session, evaluation, {str(iki): {"realisasi": "14"}})
        service.act(session, owner, evaluation, workflow.SUBMIT)
        evaluation_id = evaluation.id
    phone = {"viewport": {"width": 360, "height": 740}}
    boss = browser.new_context(**phone).new_page()
    _sign_in(boss, served, "boss")
    boss.goto(f"{served}/t/dinkes/evaluations")
    boss.click(f"a[href$='/evaluations/{evaluation_id}']")
    _fits(boss, "the rating form")
    boss.select_option("#rating_hasil", "DI_ATAS")
    boss.select_option("#rating_perilaku", "DI_ATAS")
    boss.fill("#feedback", "Melampaui target dengan data lengkap")
    boss.click("button:has-text('Nilai')")
    text = boss.inner_text("main")
    assert "Sangat Baik" in text and "Menunggu atasan pejabat penilai" in text, text
    staff = browser.new_context(**phone).new_page()
    _sign_in(staff, served, "staff")
    staff.goto(f"{served}/t/dinkes/evaluations/{evaluation_id}")
    assert "Sangat Baik" in staff.content() and "Melampaui target" in staff.content()
    _fits(staff, "the evaluation")


def test_a_file_backs_a_realisasi_on_a_phone_and_the_city_pages_fit_it(
    served, browser, people, tenants, tmp_path
) -> None:
    from PIL import Image

    from kinerja import clock
    from kinerja.db import db
    from kinerja.performance import skp as skps
    from kinerja.performance.evaluation import service
    from tests.support import plan_head_and_boss, plan_staff

    year = clock.this_year()
    plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    with db.unit_of_work(tenants.a) as session:
        evaluation_id = service.start(session, skps.of_employee(session, people.staff, year), 0).id
    picture = tmp_path / "sertifikat.jpg"
    Image.new("RGB", (800, 600), "navy").save(picture, "JPEG")
    phone = {"viewport": {"width": 360, "height": 740}}
    staff = browser.new_context(**phone).new_page()
    _sign_in(staff, served, "staff")
    staff.goto(f"{served}/t/dinkes/evaluations/{evaluation_id}")
    _fits(staff, "the realisasi form")
    staff.set_input_files("input[type=file]", str(picture))
    staff.click("button:has-text('Lampirkan')")
    staff.wait_for_url("**saved=1")
    assert staff.locator("main img.kj-thumb").count() == 1
    _fits(staff, "the realisasi with its file")
    city = browser.new_context(**phone).new_page()
    _sign_in(city, served, "kota")
    for path in (
        "/city/years",
        "/city/compare",
        "/city/competencies",
        "/city/guidance",
        "/plugins",
        "/me",
    ):
        response = city.goto(f"{served}{path}")
        assert response is not None and response.status == 200, path
        _fits(city, path)


def test_a_superior_rates_competencies_on_a_phone_and_reads_the_results(
    served, browser, people, tenants
) -> None:
    from kinerja import clock
    from kinerja.competency import campaigns
    from kinerja.db import db
    from kinerja.people import employees
    from kinerja.people.models import Position

    with db.unit_of_work(tenants.a) as session:
        for employee_id, kind in ((people.staff, "fungsional"), (people.superior, "administrator")):
            position = Position(name=f"Jabatan {kind}", type=kind, grade=9)
            session.add(position)
            session.flush()
            employees.get_employee(session, employee_id).position_id = position.id
        today = clock.today()
        found = campaigns.create(
            session,
            {"name": "Asesmen", "starts": today.isoformat(), "ends": today.isoformat()},
            {},
            None,
        )
        campaigns.open_campaign(session, found)
    phone = {"viewport": {"width": 360, "height": 740}}
    boss = browser.new_context(**phone).new_page()
    _sign_in(boss, served, "boss")
    boss.goto(f"{served}/t/dinkes/talent")
    _fits(boss, "the talent page")
    boss.click("a:has-text('Staf')")
    _fits(boss, "the rating form")
    for group in boss.locator("fieldset").all():
        group.locator("input[type=radio]").nth(3).check()
    boss.fill("textarea >> nth=0", "Konsisten dan jujur")
    boss.click("button:has-text('Kirim penilaian')")
    boss.wait_for_url("**sent=1")
    assert "Penilaian Anda sudah terkirim" in boss.content()
    with db.unit_of_work(tenants.a) as session:  # results show once the campaign is closed
        campaigns.close_campaign(session, campaigns.get(session, found.id))
    boss.goto(f"{served}/t/dinkes/talent/people/{people.staff}")
    text = boss.inner_text("main")
    assert "Kesenjangan" in text and "Konsisten dan jujur" in text
    assert boss.locator("svg.kj-bars rect").count() > 0
    _fits(boss, "a person's competencies")
    boss.goto(f"{served}/t/dinkes/talent/grid")
    _fits(boss, "the nine-box grid")


def test_the_skp_shows_achievement_bars_on_a_phone(served, browser, people, tenants) -> None:
    from kinerja import clock
    from kinerja.db import db
    from kinerja.people import employees
    from kinerja.performance import skp as skps
    from kinerja.performance.log import service as log_service
    from kinerja.performance.log.inputs import EntryInput
    from kinerja.permissions import Principal
    from tests.support import plan_head_and_boss, plan_staff

    today = clock.today()
    rhk, iki = plan_staff(
        tenants, people, today.year, plan_head_and_boss(tenants, people, today.year)
    )
    with db.unit_of_work(tenants.a) as session:
        staff = employees.get_employee(session, people.staff)
        owner = Principal(9, tenants.a, frozenset({"pegawai"}), people.staff)
        boss = Principal(8, tenants.a, frozenset({"pegawai"}), people.superior)
        for quantity in ("9", "6"):  # 15 of the year's 12 laporan
            raw = {"entry_date": today.isoformat(), "rhk_id": rhk, "iki_id": iki}
            raw |= {"activity": "Rekap", "quantity": quantity}
            entry, _ = log_service.create(session, owner, staff, EntryInput().read(raw), [])
            log_service.act(session, boss, entry, "approve")
        skp_id = skps.of_employee(session, people.staff, today.year).id
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    _sign_in(page, served, "staff")
    page.goto(f"{served}/t/dinkes/skp/{skp_id}")
    year = page.locator(".kj-achieve").filter(has_text="Tahun berjalan").first
    assert year.is_visible()
    assert "125%" in year.inner_text()  # exceeded: the number says it
    bar = year.locator("progress")
    assert bar.get_attribute("value") == "100"  # the bar stops at 100
    box = bar.bounding_box()
    assert box is not None and 0 < box["width"] <= 360
    _fits(page, "the SKP with its achievement")
    page.click("text=Setiap periode")
    assert page.locator(".kj-achievement details .kj-achieve").first.is_visible()
    _fits(page, "the SKP with every period open")


def test_a_draft_is_corrected_on_a_phone_rejected_and_sent_again(
    served, browser, people, tenants, tmp_path
) -> None:
    """The employee edits a draft (text, quantity, a photo added and another removed) and sends
    it; the superior rejects it with a reason; the employee corrects it and sends it again; the
    entry's history shows the rejection and both sends."""
    from PIL import Image

    from kinerja import clock
    from tests.support import plan_head_and_boss, plan_staff

    year = clock.this_year()
    plan_staff(tenants, people, year, plan_head_and_boss(tenants, people, year))
    old, new = tmp_path / "IMG_lama.jpg", tmp_path / "IMG_baru.jpg"
    Image.new("RGB", (640, 480), "teal").save(old, "JPEG")
    Image.new("RGB", (640, 480), "orange").save(new, "JPEG")
    phone = {"viewport": {"width": 360, "height": 740}}
    staff = browser.new_context(**phone).new_page()
    _sign_in(staff, served, "staff")
    staff.goto(f"{served}/t/dinkes/log")
    staff.select_option("#rhk_id", label="Laporan imunisasi")
    staff.fill("#activity", "Input data imunisasi")
    staff.fill("#quantity", "2")
    staff.set_input_files("#photo", str(old))
    staff.click("form[data-offline] button[name=draft]")
    staff.wait_for_url("**/t/dinkes/log?saved=draft")
    staff.click("ul.kj-list a")  # the draft just saved
    staff.click("text=Ubah laporan")
    staff.wait_for_url("**/edit")
    _fits(staff, "the edit page")
    staff.fill("#activity", "Input data imunisasi ke ASIK, 3 puskesmas")
    staff.fill("#quantity", "3")
    staff.check("input[name=remove_file]")
    staff.set_input_files("#photo", str(new))
    staff.click("button[name=send]")
    staff.wait_for_url("**/t/dinkes/log/*?saved=sent")
    assert "Menunggu verifikasi" in (staff.text_content("h1") or "")
    assert "3 puskesmas" in staff.content()
    assert staff.locator("img[alt='IMG_baru.jpg']").count() == 1
    assert staff.locator("img[alt='IMG_lama.jpg']").count() == 0
    entry_url = staff.url.split("?")[0]

    boss = browser.new_context(**phone).new_page()
    _sign_in(boss, served, "boss")
    boss.goto(entry_url)
    boss.fill("#reason", "Jumlah puskesmas tidak sesuai foto")
    boss.click("button:has-text('Tolak')")
    assert "Ditolak" in (boss.text_content("h1") or "")

    staff.goto(entry_url)
    assert "Jumlah puskesmas tidak sesuai foto" in staff.content()
    staff.click("text=Ubah laporan")
    staff.fill("#quantity", "1")
    staff.fill("#activity", "Input data imunisasi ke ASIK, 1 puskesmas")
    staff.click("button[name=send]")
    staff.wait_for_url("**/t/dinkes/log/*?saved=sent")
    _fits(staff, "the entry page with its history")
    history = staff.text_content("#history") or ""
    assert history.count("Dikirim") == 2 and "Ditolak" in history
    assert "Jumlah puskesmas tidak sesuai foto" in history
    assert history.index("Ditolak") < history.rindex("Dikirim")
    boss.reload()
    assert "Menunggu verifikasi" in (boss.text_content("h1") or "")
    assert "Jumlah puskesmas tidak sesuai foto" in (boss.text_content("#history") or "")


def test_the_superior_goes_through_every_waiting_entry_on_a_phone(
    served, browser, people, tenants
) -> None:
    """More entries wait than a page holds: the feed opens on them, its pages hold all of them,
    and approving one lowers the menu's count by one."""

    from tests.test_lists import _team

    made = _team(None, people, tenants)
    boss = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    _sign_in(boss, served, "boss")
    boss.goto(f"{served}/t/dinkes/log/team")
    _fits(boss, "the team's feed, first page")

    def badge() -> int:
        found = boss.locator("[data-menu=bar] > ul > li > a[href='/t/dinkes/log/team'] .badge")
        return int(found.inner_text()) if found.count() else 0

    waiting = badge()
    assert waiting == len(made["waiting"])
    seen: list[int] = []
    while True:
        seen += [
            int(n)
            for n in boss.locator("#feed li").evaluate_all(
                "items => items.map(i => i.dataset.entry)"
            )
        ]
        following = boss.locator("a[rel=next]")
        if not following.count():
            break
        following.click()
        boss.wait_for_load_state()
    assert sorted(seen) == sorted(made["waiting"])  # every one, none decided
    assert f"dari {waiting}" in boss.locator(".kj-total").inner_text()
    boss.goto(f"{served}/t/dinkes/log/team")
    first = boss.locator("#feed li").first
    first.get_by_role("button", name="Setujui").click()
    boss.wait_for_url("**/t/dinkes/log/team?decided=1")
    assert badge() == waiting - 1
    assert boss.locator("[data-tab=submitted] .badge").inner_text() == str(waiting - 1)
    _fits(boss, "the team's feed after a decision")


def test_the_heads_figures_and_the_city_comparison_fit_a_phone(
    served, browser, people, tenants, owner_engine
) -> None:
    """#21: the head's figures were 376 px wide on a 360 px phone; the city's comparison was
    one 12-column table of every agency, 5,000 px tall."""
    from tests.test_city_compare import YEAR, _figures, _stored
    from tests.test_skp_api import head_account

    head_account(people, tenants.a)
    _figures(tenants.a)
    for n in range(25):
        _stored(owner_engine, f"opd{n:02d}", f"OPD Nomor {n:02d}", {"skp_completion": float(n)})
    phone = {"viewport": {"width": 360, "height": 740}}
    head = browser.new_context(**phone).new_page()
    _sign_in(head, served, "head")
    response = head.goto(f"{served}/t/dinkes/figures?year={YEAR}")
    assert response is not None and response.status == 200
    assert head.locator("table.kj-figures").count() == 1
    _fits(head, "the head's figures")
    city = browser.new_context(**phone).new_page()
    _sign_in(city, served, "kota")
    city.goto(f"{served}/city/compare?year={YEAR}")
    _fits(city, "the comparison")
    assert city.locator("#compare-cards details").count() == 20  # a page of agencies
    assert not city.locator("main table.table-sm").first.is_visible()  # the table: wider screens
    height = city.evaluate("document.documentElement.scrollHeight")
    assert height < 5000, f"the comparison is {height}px tall on a phone"
