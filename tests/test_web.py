"""The server-rendered pages: Indonesian by default, English on request, tenants from the URL."""

from __future__ import annotations

import pytest

from tests.support import csrf_token, sign_in


def test_landing_lists_active_agencies_in_indonesian(client, tenants) -> None:
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="id">' in html
    assert "Pilih perangkat daerah Anda" in html
    assert "Dinas Kesehatan" in html and "Dinas Pendidikan" in html
    assert "Dinas Perhubungan" not in html  # suspended
    assert 'name="viewport"' in html


def test_language_choice_is_remembered(client, tenants) -> None:
    switched = client.post(
        "/lang", data={"lang": "en", "next": "/t/dinkes/", "csrf_token": csrf_token(client)}
    )
    assert switched.status_code == 303 and switched.headers["Location"] == "/t/dinkes/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Choose your agency" in html
    client.post("/lang", data={"lang": "id", "csrf_token": csrf_token(client)})
    assert "Pilih perangkat daerah Anda" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_language_switch_is_not_an_open_redirect(client, target: str) -> None:
    response = client.post(
        "/lang", data={"lang": "en", "next": target, "csrf_token": csrf_token(client)}
    )
    assert response.headers["Location"] == "/"


def test_unknown_language_keeps_the_default(client, tenants) -> None:
    client.post("/lang", data={"lang": "xx", "csrf_token": csrf_token(client)})
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_tenant_home_shows_only_its_own_units(client, people) -> None:
    sign_in(client, "staff")
    html = client.get("/t/dinkes/").get_data(as_text=True)
    assert "Dinas Kesehatan" in html and "A-TOP" in html
    assert "B-TOP" not in html and "C-TOP" not in html


def test_agency_pages_ask_anonymous_visitors_to_sign_in(client, tenants) -> None:
    response = client.get("/t/dinkes/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/t/dinkes/")
    assert "A-TOP" not in response.get_data(as_text=True)


def test_the_agency_home_shows_what_the_person_can_do(client, people) -> None:
    sign_in(client, "staff")
    staff = client.get("/t/dinkes/").get_data(as_text=True)
    assert "/t/dinkes/employees" in staff and "/t/dinkes/imports" not in staff
    assert "Segera hadir" not in staff and "Coming next" not in staff
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/auth/logout")})
    sign_in(client, "admin")
    admin = client.get("/t/dinkes/").get_data(as_text=True)
    assert "/t/dinkes/imports" in admin and "/t/dinkes/memberships" in admin


def test_the_header_says_who_is_signed_in_where_and_as_what(client, people) -> None:
    sign_in(client, "admin")
    html = client.get("/t/dinkes/employees").get_data(as_text=True)
    header = html.split("</header>")[0]
    assert "Admin" in header and "Dinas Kesehatan" in header and "Admin OPD" in header


@pytest.mark.parametrize("path", ["/t/nope/", "/t/dishub/", "/no-such-page"])
def test_unknown_and_suspended_tenant_pages_are_404_pages(client, tenants, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "tidak ada" in response.get_data(as_text=True)


def test_json_clients_get_json_errors_outside_the_api(client) -> None:
    response = client.get("/t/nope/", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_agency_names_are_escaped(client, owner_engine) -> None:
    from tests.support import insert_tenant

    insert_tenant(owner_engine, "xss", "<script>alert(1)</script>")
    html = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_stylesheets_are_served_locally(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/static/kinerja.css"' in html
    css = client.get("/static/kinerja.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert b".kj-tabbar" in css.data and b".kj-side" in css.data  # the navigation's own rules
    framework = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert framework.status_code == 200 and b"Bootstrap" in framework.data[:200]
    assert "//cdn" not in html and "https://" not in html.split("<body")[0]


def test_landing_search_filters_agencies_without_javascript(client, tenants) -> None:
    html = client.get("/?q=kesehatan").get_data(as_text=True)
    assert "Dinas Kesehatan" in html and "Dinas Pendidikan" not in html
    none = client.get("/?q=zzz").get_data(as_text=True)
    assert "Tidak ada perangkat daerah yang cocok" in none


def test_forms_without_csrf_token_are_refused(client) -> None:
    response = client.post("/lang", data={"lang": "en"})
    assert response.status_code == 400
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)
