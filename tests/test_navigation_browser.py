"""The navigation in Chromium: on a 360 px phone the daily work is one tap away in the bottom bar
and everything else two taps away in the grouped menu sheet; on a 1366 px laptop the grouped
sidebar shows every entry, none cut. No JavaScript is needed for either (<details>)."""

from __future__ import annotations

import os

from tests.test_browser import _fits, _sign_in, browser, served  # noqa: F401 - fixtures

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
