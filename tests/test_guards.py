"""Guards that cover routes not written yet: every rule of the app's url_map is walked.

Every rule under an agency (`<tenant>`), every method, is called anonymously (401 for the API, a
redirect to sign-in for pages), by a member of another agency with a session and with a token
(404), and by the city admin before entering (a page saying to enter first; the API 404). Rules
outside the agencies must be on a short, explicit allow-list, so a new public route is a decision.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask

from kinerja.app import create_app
from kinerja.db import db
from kinerja.identity import tokens as token_service
from tests.support import app_config, sign_in

PUBLIC = {
    "/": "the list of agencies",
    "/lang": "the language choice",
    "/me": "my profile (asks to sign in)",
    "/favicon.ico": "the icon",
    "/static/<path:filename>": "our stylesheet, script and icon",
    "/bootstrap/static/<path:filename>": "the CSS framework from its wheel",
    "/auth/login": "sign-in",
    "/auth/sso": "single sign-on",
    "/auth/callback": "single sign-on's return",
    "/auth/local": "local demo accounts",
    "/auth/logout": "sign-out",
    "/healthz": "liveness",
    "/readyz": "readiness",
    "/metrics": "Prometheus metrics (404 without the metrics token)",
    "/api/v1/openapi.json": "the API description",
    "/api/v1/docs": "the browsable API description",
    "/api/v1/docs/assets/<path:filename>": "its assets",
    "/api/v1/tenants": "the list of agencies",
    "/api/v1/city/figures": "the city admin's comparison, aggregates only (401 / 404 to others)",
    "/api/v1/city/tpp/settings": "the city's TPP tables (the city admin; 401 / 404 to others)",
    "/api/v1/city/tpp/bases": "the city's TPP base per kelas (the city admin; 401 / 404)",
    "/api/v1/city/tpp/agencies/<slug>/positions": "an agency's positions and the city's TPP "
    "exceptions, no person (the city admin; 401 / 404 to others)",
    "/api/v1/city/tpp/totals/<int:year>/<int:month>": "every agency's TPP totals, aggregates "
    "only (the city admin; 401 / 404 to others)",
    "/plugins": "the city admin's plugin catalogue (asks to sign in; 404 to anyone else)",
    "/city/years": "the city admin's years and SKP counts (asks to sign in; 404 to anyone else)",
    "/city/achievement": "the city admin sets an agency's achievement (the same)",
    "/city/competencies": "the city admin's default competency levels (the same)",
    "/city/compare": "the city admin's comparison of agencies, aggregates only (the same)",
    "/city/guidance": "the city admin edits the guidance texts (the same)",
    "/city/tpp/settings": "the city admin's TPP amounts and tables (the same)",
    "/city/tpp/bases": "the city admin saves the TPP base per kelas (the same)",
    "/city/tpp/tables": "the city admin saves the TPP tables (the same)",
    "/city/tpp/positions": "the city admin's TPP amount of single positions (the same)",
    "/city/exports": "the city admin asks for the comparison as a file (the same)",
    "/city/exports/<int:export_id>": "its progress (the same; only its requester)",
    "/city/exports/<int:export_id>/status.json": "its progress for the page (the same)",
    "/city/exports/<int:export_id>/file": "the file (the same)",
    "/city/tpp/totals": "every agency's TPP totals, aggregates only (the city admin; the same)",
    "/city/tpp/totals.<any(xlsx, csv):fmt>": "the same totals as a file (the same)",
    "/intro/seen": "hides the introduction of one's role on this device (a cookie)",
    "/city/compare/<any(skp_completion, log_compliance, evaluation_completion, distribution, "
    "over_time)"
    ":name>.svg": "its charts (the same)",
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def url_map_app(database, redis_url) -> Flask:
    # Every installed plugin too: their pages are agency routes like any other.
    return create_app(app_config(database, redis_url, PLUGINS="all"))


def _rules(app: Flask) -> list[Any]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def _path(rule: Any, slug: str) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        kind = type(converter).__name__ if converter is not None else ""
        if name == "tenant":
            values[name] = slug
        elif kind == "YearConverter":
            values[name] = 2026
        elif "Integer" in kind or "IdConverter" in kind:
            values[name] = 1
        elif "UUID" in kind:
            values[name] = uuid.uuid4()
        elif "Any" in kind:
            values[name] = sorted(converter.items)[0]  # one of the words the route accepts
        else:
            values[name] = "pegawai"
    return rule.build(values, append_unknown=False)[1]


def tenant_cases(app: Flask) -> list[tuple[str, str, str]]:
    return [
        (rule.endpoint, method, rule.rule)
        for rule in _rules(app)
        if "tenant" in rule.arguments
        for method in METHODS
        if method in rule.methods
    ]


def _call(client: Any, method: str, path: str, headers: dict[str, str] | None = None) -> Any:
    body = {"json": {}} if path.startswith("/api/") and method != "GET" else {}
    return client.open(path, method=method, headers=headers or {}, **body)


def test_every_route_outside_the_agencies_is_on_the_public_allow_list(url_map_app) -> None:
    outside = {r.rule for r in _rules(url_map_app) if "tenant" not in r.arguments}
    assert outside == set(PUBLIC), "a new public route: add it to PUBLIC with its reason"


def test_the_walk_covers_every_agency_route(url_map_app) -> None:
    cases = tenant_cases(url_map_app)
    endpoints = {endpoint for endpoint, _, _ in cases}
    assert len(cases) >= 40 and {"people.directory", "people_api.Employees"} <= endpoints
    assert "dinkes.coverage_page" in endpoints  # a plugin's page is walked like the core's


def test_anonymous_callers_are_asked_to_sign_in_everywhere_in_an_agency(
    url_map_app, tenants
) -> None:
    client = url_map_app.test_client()
    problems = []
    for endpoint, method, rule in tenant_cases(url_map_app):
        path = _path(next(r for r in _rules(url_map_app) if r.rule == rule), "dinkes")
        response = _call(client, method, path)
        if path.startswith("/api/"):
            ok = response.status_code == 401 and "WWW-Authenticate" in response.headers
        else:
            ok = response.status_code == 302 and response.headers["Location"].startswith(
                "/auth/login"
            )
        if not ok:
            problems.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert problems == []


def test_members_of_another_agency_find_nothing_by_session(url_map_app, people) -> None:
    client = url_map_app.test_client()
    sign_in(client, "outsider")  # a member (and admin) of disdik only
    problems = []
    for endpoint, method, rule in tenant_cases(url_map_app):
        path = _path(next(r for r in _rules(url_map_app) if r.rule == rule), "dinkes")
        response = _call(client, method, path)
        if response.status_code != 404:
            problems.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert problems == []


def test_members_of_another_agency_find_nothing_by_token(url_map_app, people) -> None:
    client = url_map_app.test_client()
    with db.unit_of_work(people_tenant(people, "b")) as session:
        token = token_service.issue(
            session, people_tenant(people, "b"), people.users["outsider"], "admin_opd", "t", 5
        ).token
    headers = {"Authorization": f"Bearer {token}"}
    problems = []
    for endpoint, method, rule in tenant_cases(url_map_app):
        path = _path(next(r for r in _rules(url_map_app) if r.rule == rule), "dinkes")
        response = _call(client, method, path, headers)
        if response.status_code != 404:
            problems.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert problems == []


def test_the_city_admin_must_enter_an_agency_first(url_map_app, people) -> None:
    client = url_map_app.test_client()
    sign_in(client, "kota")
    problems = []
    for endpoint, method, rule in tenant_cases(url_map_app):
        view = url_map_app.view_functions[endpoint]
        if getattr(view, "kinerja_door", False):
            continue  # entering, leaving and appointing are what the door is for
        path = _path(next(r for r in _rules(url_map_app) if r.rule == rule), "dinkes")
        response = _call(client, method, path)
        if path.startswith("/api/"):
            ok = response.status_code == 404
        else:
            ok = response.status_code == 403 and 'action="/t/dinkes/enter"' in response.get_data(
                as_text=True
            )
        if not ok:
            problems.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert problems == []


def people_tenant(people: Any, which: str) -> int:
    from sqlalchemy import select

    from kinerja.tenancy.models import Tenant

    slug = {"a": "dinkes", "b": "disdik"}[which]
    with db.unit_of_work() as session:
        return int(session.scalar(select(Tenant.id).where(Tenant.slug == slug)) or 0)
