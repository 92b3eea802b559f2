"""The navigation in Chromium: on a 360 px phone the daily work is one tap away in the bottom bar
and everything else two taps away in the grouped menu sheet; on a 1366 px laptop the grouped
sidebar shows every entry, none cut. No JavaScript is needed for either (<details>)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.idp_support import free_port
from tests.support import insert_tenant
from tests.test_browser import _fits, _sign_in, browser, served  # noqa: F401 - fixtures
from tests.test_menus import every_plugin_on, plugged  # noqa: F401 - fixtures

PHONE = {"viewport": {"width": 360, "height": 740}}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
SHOTS = os.environ.get("KINERJA_SHOTS")  # a folder: screenshots to look at, when set


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=False)


def _inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def test_phone_daily_work_one_tap_the_rest_in_the_sheet(served, browser, people) -> None:  # noqa: F811
    for js in (True, False):  # the same without JavaScript: nothing of it needs a script
        context = browser.new_context(**PHONE, java_script_enabled=js)
        staff = context.new_page()
        _sign_in(staff, served, "staff")
        bar = staff.locator("[data-menu=bar]")
        daily = bar.get_by_role("link", name="Laporan harian")
        assert daily.is_visible() and _inside_viewport(staff, daily)
        assert bar.get_by_role("link", name="Beranda").is_visible()
        assert bar.get_by_role("link", name="SKP").is_visible()
        assert bar.get_by_role("link", name="Tim").count() == 0  # staff lead nobody
        assert not staff.locator("[data-menu=side]").is_visible()  # no sidebar on a phone
        _shot(staff, f"phone-home-js{int(js)}")
        daily.click()  # one tap
        staff.wait_for_url(f"{served}/t/dinkes/log")
        assert staff.locator("h1").text_content() == "Laporan harian"
        _fits(staff, "the daily work page with its bar")
        sheet = staff.locator("[data-menu=sheet]")
        assert not sheet.is_visible()
        bar.locator("summary", has_text="Menu").click()  # the first tap of two
        assert sheet.is_visible()
        for group in ("Kinerja", "Talenta", "Administrasi"):
            assert sheet.locator(".kj-group-title", has_text=group).is_visible(), group
        _shot(staff, f"phone-sheet-js{int(js)}")
        _fits(staff, "the open menu sheet")
        rules = sheet.get_by_role("link", name="Umpan balik")
        rules.scroll_into_view_if_needed()
        rules.click()  # the second
        staff.wait_for_url(f"{served}/t/dinkes/feedback")
        context.close()

    boss = browser.new_context(**PHONE).new_page()
    _sign_in(boss, served, "boss")
    team = boss.locator("[data-menu=bar]").get_by_role("link", name="Tim")
    assert team.is_visible() and _inside_viewport(boss, team)  # a superior has a team
    team.click()
    boss.wait_for_url(f"{served}/t/dinkes/log/team")


def test_laptop_shows_the_admins_menu_grouped_none_cut(served, browser, people) -> None:  # noqa: F811
    admin = browser.new_context(**LAPTOP).new_page()
    _sign_in(admin, served, "admin")
    side = admin.locator("[data-menu=side]")
    assert side.is_visible() and not admin.locator("[data-menu=bar]").is_visible()
    links = side.get_by_role("link")
    assert links.count() >= 15
    for i in range(links.count()):
        link = links.nth(i)
        link.scroll_into_view_if_needed()
        cut = link.evaluate("a => a.scrollWidth > a.clientWidth + 1")
        assert link.is_visible() and not cut, link.text_content()
    assert side.get_by_role("link", name="Aturan laporan harian").count() == 1
    admin.evaluate("window.scrollTo(0, 0)")
    _shot(admin, "laptop-admin")
    _fits(admin, "the admin's home on a laptop")
    side.get_by_role("link", name="Log audit").click()
    admin.wait_for_url(f"{served}/t/dinkes/audit")


def test_city_admin_pages_in_the_phone_menu(served, browser, people) -> None:  # noqa: F811
    city = browser.new_context(**PHONE).new_page()
    _sign_in(city, served, "kota")
    bar = city.locator("[data-menu=bar]")
    bar.locator("summary", has_text="Menu").click()
    sheet = city.locator("[data-menu=sheet]")
    assert sheet.locator(".kj-group-title", has_text="Kota").is_visible()
    sheet.get_by_role("link", name="Panduan").click()
    city.wait_for_url(f"{served}/city/guidance")
    _fits(city, "the guidance editor")


# --- the pages with plugins on and the demo's data, in both languages ----------------------------
# What sticks out of the screen: the document's scroll width, and any visible element whose right
# edge passes the screen that is not inside a box scrolling by itself (a wide table's wrapper).
# `overflow-x: hidden` on the body would hide the first from the document alone.
WIDEST = """() => {
  const inScroller = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o !== 'visible') return true; } return false; };
  let worst = [document.documentElement.scrollWidth - document.documentElement.clientWidth, 'document'];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (!r.width || inScroller(e)) continue;
    const over = Math.ceil(r.right) - window.innerWidth;
    if (over > worst[0]) worst = [over, e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40)];
  }
  return worst;
}"""


@pytest.fixture
def served_with_plugins(every_plugin_on: Flask, tenants, owner_engine) -> Iterator[str]:  # noqa: F811
    from kinerja import demo

    # The catalogue's longest name (tenants/dinas.yaml): the city's lists offer it.
    insert_tenant(owner_engine, "dpkpptr", "Dinas Perumahan, Kawasan Permukiman dan Penataan Ruang")

    with every_plugin_on.app_context():
        demo.load()
    port = free_port()
    server = make_server("127.0.0.1", port, every_plugin_on, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(10)


def test_the_plugins_and_skp_pages_fit_a_phone_in_both_languages(
    served_with_plugins: str,
    browser,  # noqa: F811
    people,
) -> None:
    site = served_with_plugins
    page = browser.new_context(**PHONE).new_page()
    _sign_in(page, site, "admin")
    page.goto(f"{site}/t/dinkes/skp")
    plans = sorted(
        {
            h
            for h in page.eval_on_selector_all(
                "a[href]", "as => as.map(a => a.getAttribute('href'))"
            )
            if re.fullmatch(r"/t/dinkes/skp/\d+", h or "")
        }
    )
    assert plans, "the demo's plans are listed"
    paths = [
        "/t/dinkes/plugins",
        "/t/dinkes/skp",
        "/t/dinkes/skp/plan",
        "/t/dinkes/skp/matrix",
        *plans[:4],
        "/t/dinkes/p/kinerja-dinkes/cakupan",
        "/t/dinkes/p/kinerja-dinkes/puskesmas",
    ]
    wide = []
    for language in ("id", "en"):
        if language == "en":
            page.click("header summary")
            page.select_option("#lang", "en")
            page.click("form[action='/lang'] button[type=submit]")
            page.wait_for_load_state()
        for path in paths:
            response = page.goto(f"{site}{path}")
            assert response is not None and response.status == 200, path
            over, what = page.evaluate(WIDEST)
            if over > 0:
                wide.append(f"{language} {path}: {over}px ({what})")
    city = browser.new_context(**PHONE).new_page()
    _sign_in(city, site, "kota")
    for language in ("id", "en"):
        if language == "en":
            city.click("header summary")
            city.select_option("#lang", "en")
            city.click("form[action='/lang'] button[type=submit]")
            city.wait_for_load_state()
        for path in ("/plugins", "/city/years", "/city/competencies", "/city/compare"):
            response = city.goto(f"{site}{path}")
            assert response is not None and response.status == 200, path
            over, what = city.evaluate(WIDEST)
            if over > 0:
                wide.append(f"{language} {path}: {over}px ({what})")
    assert not wide, wide
