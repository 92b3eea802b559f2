"""The edges of the HTTP surface (issue 19's smaller findings): every update names the version it
read, tokens are refused the way RFC 6750 says, metrics labels stay bounded, the server keeps its
versions to itself, and numbers out of range never reach PostgreSQL. Each test failed before."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.routing.converters import AnyConverter, NumberConverter

from kinerja.db import db
from kinerja.identity import tokens as token_service
from tests.support import csrf_token, sign_in

API = "/api/v1/tenants/dinkes"


def bearer(tenant_id: int, user_id: int, role: str = "pegawai") -> dict[str, str]:
    with db.unit_of_work(tenant_id) as session:
        token = token_service.issue(session, tenant_id, user_id, role, "t", 30).token
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


@pytest.fixture
def admin(tenants: Any, people: Any) -> dict[str, str]:
    return bearer(tenants.a, people.users["admin"], "admin_opd")


def example_values(rule: Any) -> dict[str, Any]:
    """A plausible value for each part of `rule`."""
    known = {"tenant": "dinkes", "name": "kinerja-dinkes", "year": 2026, "code": "LHI"}
    values: dict[str, Any] = {}
    for argument, converter in rule._converters.items():
        if argument in known:
            values[argument] = known[argument]
        elif isinstance(converter, NumberConverter):
            values[argument] = 1
        elif isinstance(converter, AnyConverter):
            values[argument] = sorted(converter.items)[0]
        else:
            values[argument] = "x"
    return values


def fill(rule: Any, values: dict[str, Any]) -> str:
    """`rule` with `values` in place, by hand: the converters refuse to build what they would
    not match, and a number out of range is what some tests send."""
    path = rule.rule
    for argument, value in values.items():
        path = re.sub(rf"<(?:[^<>]*:)?{argument}>", str(value), path)
    return path


def example_path(rule: Any, **given: Any) -> str:
    return fill(rule, example_values(rule) | given)


# --- updates name the version they read ----------------------------------------------------------
def test_every_put_of_the_api_needs_if_match(app, client, admin) -> None:
    puts = [
        r
        for r in app.url_map.iter_rules()
        if "PUT" in (r.methods or ()) and r.rule.startswith("/api/v1/tenants/<tenant>")
    ]
    assert len(puts) >= 10  # the walk found the routes, not an empty list
    for rule in puts:
        response = client.put(example_path(rule), headers=admin, json={})
        assert response.status_code == 428, (rule.rule, response.status_code, response.get_json())
        assert response.get_json()["code"] == 428


def test_a_put_with_a_stale_etag_is_refused_and_the_fresh_one_works(client, admin) -> None:
    path = f"{API}/log-policy"
    read = client.get(path, headers=admin)
    assert read.status_code == 200 and read.headers["ETag"]
    stale = client.put(path, headers={**admin, "If-Match": '"stale"'}, json={"deadline_days": 5})
    assert stale.status_code == 412
    star = client.put(path, headers={**admin, "If-Match": "*"}, json={"deadline_days": 5})
    assert star.status_code == 412
    assert client.get(path, headers=admin).get_json()["deadline_days"] == 3  # unchanged
    changed = client.put(
        path, headers={**admin, "If-Match": read.headers["ETag"]}, json={"deadline_days": 5}
    )
    assert changed.status_code == 200 and changed.get_json()["deadline_days"] == 5
    assert changed.headers["ETag"] == client.get(path, headers=admin).headers["ETag"]
    again = client.put(
        path, headers={**admin, "If-Match": read.headers["ETag"]}, json={"deadline_days": 7}
    )
    assert again.status_code == 412  # someone (we) changed it since that read


# --- tokens as RFC 6750 has them -----------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "Bearer garbage",
        "Bearer knj_garbage",
        "Bearer knj_x_abcdef",
        "Bearer knj_1_",
        "Bearer abc_1_abcdefghijklmnopqrstuvwxyz",  # the wrong prefix
        "Bearer knj_1_abc def",
        "Bearer ",
    ],
)
def test_a_malformed_token_is_401_invalid_token(client, tenants, value) -> None:
    for method, path in (("GET", f"{API}/employees"), ("POST", f"{API}/entries")):
        response = client.open(path, method=method, headers={"Authorization": value}, json={})
        assert response.status_code == 401, (value, method, response.status_code)
        assert (
            response.headers["WWW-Authenticate"] == 'Bearer realm="kinerja", error="invalid_token"'
        )
        assert response.get_json()["code"] == 401 and response.get_json()["message"]


def test_an_unknown_token_is_401_invalid_token_and_no_token_is_a_plain_challenge(
    client, tenants
) -> None:
    unknown = client.get(
        f"{API}/employees", headers={"Authorization": f"Bearer knj_{tenants.a}_{'x' * 43}"}
    )
    assert (
        unknown.status_code == 401
        and 'error="invalid_token"' in unknown.headers["WWW-Authenticate"]
    )
    anonymous = client.get(f"{API}/employees")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="kinerja"'  # nothing was sent
    other_scheme = client.get(f"{API}/employees", headers={"Authorization": "Basic YTpi"})
    assert (
        other_scheme.status_code == 401 and "error" not in other_scheme.headers["WWW-Authenticate"]
    )


def test_public_routes_answer_whatever_token_is_sent(client, tenants, admin) -> None:
    for headers in (admin, {"Authorization": "Bearer garbage"}):
        for path in ("/api/v1/openapi.json", "/api/v1/tenants", "/healthz", "/api/v1/docs"):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, headers, response.status_code)
    listed = client.get("/api/v1/tenants", headers=admin).get_json()
    assert "dinkes" in str(listed)
    # The token still works where it belongs, and only there.
    assert client.get(f"{API}/employees", headers=admin).status_code == 200
    assert client.get("/api/v1/tenants/disdik/employees", headers=admin).status_code == 404


# --- metrics labels stay bounded -----------------------------------------------------------------
def test_invented_methods_and_paths_add_no_series_to_the_metrics(app, client, tenants) -> None:
    import re

    app.config["METRICS_TOKEN"] = "metrics-token-for-the-edges"
    try:
        for n in range(25):
            client.open(f"{API}/employees", method=f"FOO{n}")
            client.open(f"/no/such/path/{n}", method=f"BAR{n}")
            client.get(f"/api/v1/tenants/nobody{n}/employees")
        text = client.get(
            "/metrics", headers={"Authorization": "Bearer metrics-token-for-the-edges"}
        ).get_data(as_text=True)
    finally:
        app.config["METRICS_TOKEN"] = ""
    series = [line for line in text.splitlines() if line.startswith("kinerja_http_requests_total{")]
    methods = {re.search(r'method="([^"]*)"', line).group(1) for line in series}
    assert "other" in methods
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert not any("nobody" in line or "/no/such" in line for line in text.splitlines())
    invented = [line for line in series if 'method="other"' in line]
    assert len(invented) <= 4  # per endpoint template and status, not per method sent


# --- the server keeps its versions to itself -----------------------------------------------------
def test_the_web_server_of_kinerja_up_names_no_versions(app) -> None:
    import http.client
    import threading

    from werkzeug.serving import make_server

    from kinerja import devserver

    def server_headers(server: Any) -> list[str]:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            found = []
            for path in ("/healthz", "/no/such/page", "/api/v1/openapi.json"):
                connection.request("GET", path)
                answer = connection.getresponse()
                answer.read()
                found += answer.headers.get_all("Server") or []
            connection.close()
            return found
        finally:
            server.shutdown()
            server.server_close()

    quiet = server_headers(devserver.make(app, "127.0.0.1", 0))
    assert quiet == ["Kinerja"] * 3
    # What werkzeug's own handler (`flask run`) says, so this test can tell the difference.
    plain = server_headers(make_server("127.0.0.1", 0, app, threaded=True))
    assert any("Werkzeug/" in value and "Python/" in value for value in plain)


# --- numbers out of range never reach PostgreSQL -------------------------------------------------
BAD_YEARS = ("0", "-1", "99999", str(10**12), "abc")


def _walkable(app: Any, inside: bool) -> list[Any]:
    """GET rules inside the agencies (or outside them), but the metrics and the sign-in dance."""
    skip = ("/metrics", "/auth/", "/static/", "/bootstrap/", "/api/v1/docs", "/favicon.ico")
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in (r.methods or ())
            and ("tenant" in r.arguments) == inside
            and not r.rule.startswith(skip)
        ),
        key=lambda r: r.rule,
    )


def test_no_route_answers_500_to_a_year_out_of_range(app, client, admin, people) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    browser = app.test_client()
    sign_in(browser, "admin")
    city = app.test_client()
    sign_in(city, "kota")
    problems = []
    cases = [(client, r, admin) for r in _walkable(app, inside=True)]
    cases += [
        (browser, r, {}) for r in _walkable(app, inside=True) if not r.rule.startswith("/api/")
    ]
    cases += [(city, r, {}) for r in _walkable(app, inside=False)]
    for caller, rule, headers in cases:
        path = example_path(rule)
        for year in BAD_YEARS:
            answer = caller.get(f"{path}?year={year}", headers=headers)
            if answer.status_code >= 500:
                problems.append(f"{rule.rule}?year={year}: {answer.status_code}")
    # Forms that send a year.
    for path in ("/city/exports", "/city/achievement", "/t/dinkes/exports"):
        for year in BAD_YEARS:
            caller = city if path.startswith("/city") else browser
            token = csrf_token(caller, path if caller.get(path).status_code == 200 else "/")
            answer = caller.post(
                path, data={"year": year, "kind": "skp_list", "format": "xlsx", "csrf_token": token}
            )
            if answer.status_code >= 500:
                problems.append(f"POST {path} year={year}: {answer.status_code}")
    exported = client.post(
        f"{API}/exports", headers=admin, json={"kind": "skp_list", "format": "xlsx", "year": 10**12}
    )
    assert exported.status_code == 422 and "year" in exported.get_json()["errors"]["json"]
    assert problems == []


def test_a_year_out_of_range_is_named_in_the_api(client, admin) -> None:
    for path in (f"{API}/figures", f"{API}/curve", f"{API}/evaluations", f"{API}/skp"):
        answer = client.get(f"{path}?year=99999", headers=admin)
        assert answer.status_code == 422, path
        assert "year" in answer.get_json()["errors"]["query"]
    assert client.get(f"{API}/years/99999", headers=admin).status_code == 404
    assert client.get(f"{API}/years/2026", headers=admin).status_code == 200


def test_every_number_in_a_path_beyond_postgresqls_integer_is_404(app, client, admin) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    numbered = [
        r
        for r in app.url_map.iter_rules()
        if any(isinstance(c, NumberConverter) for c in r._converters.values())
    ]
    assert len(numbered) >= 40  # the walk found the routes
    problems = []
    for rule in numbered:
        huge = {n: 2**40 for n, c in rule._converters.items() if isinstance(c, NumberConverter)}
        path = example_path(rule, **huge)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            answer = client.open(path, method=method, headers=admin, json={})
            # A page's form without its CSRF token is refused (400) before routing is looked at.
            refused_form = method != "GET" and not path.startswith("/api/")
            if answer.status_code != 404 and not (refused_form and answer.status_code == 400):
                problems.append(f"{method} {path}: {answer.status_code}")
    assert problems == []
    # Below the bound a number reaches the view, which answers for itself.
    version = client.get(f"{API}/skp/1/versions/{2**31 - 1}", headers=admin)
    assert version.status_code == 404


def test_the_precondition_answers_speak_the_readers_language(client, admin) -> None:
    """428 and 412 came in flask-smorest's English whatever the reader's language."""
    path = "/api/v1/tenants/dinkes/log-policy"
    indonesian = {**admin, "Accept-Language": "id"}
    missing = client.put(path, headers=indonesian, json={"deadline_days": 5})
    assert missing.status_code == 428 and "If-Match" in missing.get_json()["message"]
    assert "Kirim If-Match" in missing.get_json()["message"]
    stale = client.put(
        path, headers={**indonesian, "If-Match": '"stale"'}, json={"deadline_days": 5}
    )
    assert stale.status_code == 412 and "sudah berubah" in stale.get_json()["message"]
