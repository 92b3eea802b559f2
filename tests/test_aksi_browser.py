"""Rencana Aksi on a 360 px phone in Debian's Chromium: a step added to a result of the draft
SKP, shown under its period, the page no wider than the screen."""

from __future__ import annotations

from tests.test_aksi import current_period, draft  # noqa: F401 - the draft SKP fixture
from tests.test_browser import _fits, _sign_in, browser, served  # noqa: F401 - fixtures


def test_a_step_is_added_to_a_result_on_a_phone(served, browser, draft, tenants) -> None:  # noqa: F811
    period = current_period(tenants.a)
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    _sign_in(page, served, "staff")
    page.goto(f"{served}/t/dinkes/skp/{draft['skp']}")
    assert "Rencana Aksi" in page.content()
    _fits(page, "the SKP page with its Rencana Aksi")
    card = page.locator(f"#aksi-{draft['rhk']}")
    card.locator("summary:has-text('Tambah langkah')").click()
    card.locator("textarea[name=text]").fill("Rekap laporan KIPI puskesmas")
    card.locator("select[name=period]").select_option(str(period.number))
    card.locator("input[name=due]").fill(period.ends.isoformat())
    card.locator("input[name=output]").fill("Rekap KIPI")
    _fits(page, "the open step form")
    card.locator("button[type=submit]:has-text('Tambahkan langkah')").click()
    page.wait_for_url(f"**/t/dinkes/skp/{draft['skp']}?saved=1#aksi-{draft['rhk']}")
    added = page.locator(f"#aksi-{draft['rhk']}")
    assert "Rekap laporan KIPI puskesmas" in (added.text_content() or "")
    assert "Direncanakan" in (added.text_content() or "")
    assert f"Periode {period.number}" in (added.text_content() or "")
    _fits(page, "the SKP page after adding a step")
