"""The API skeleton: the public tenant list, tenant scoping by URL, errors, org units."""

from __future__ import annotations

import pytest
from flask import Flask

from kinerja.app import create_app
from tests.support import app_config


def assert_error_shape(response, code: int) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == code and body["message"]
    return body


def test_tenant_list_is_public_and_shows_only_active(client, tenants) -> None:
    response = client.get("/api/v1/tenants")
    assert response.status_code == 200
    assert {t["slug"] for t in response.get_json()} == {"dinkes", "disdik"}
    assert set(response.get_json()[0]) == {"slug", "name", "kind"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tenants/nope",
        "/api/v1/tenants/nope/units",
        "/api/v1/tenants/dishub",
        "/api/v1/tenants/dishub/units",
        "/api/v1/no-such-route",
        "/api/v1/tenants/dinkes/units/999999",
    ],
)
def test_unknown_or_suspended_tenants_and_routes_are_404_json(
    client, tenants, operator, path: str
) -> None:
    assert_error_shape(client.get(path, headers=operator), 404)


def test_an_agency_answers_anonymous_api_callers_with_401(client, tenants) -> None:
    response = client.get("/api/v1/tenants/dinkes/units")
    assert_error_shape(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # Authentication comes before the body is validated: no schema is revealed.
    anonymous_post = client.post("/api/v1/tenants/dinkes/units", json={"bad": 1})
    assert_error_shape(anonymous_post, 401)


def test_units_are_scoped_to_the_tenant_in_the_url(client, tenants, owner_engine, operator) -> None:
    a_units = client.get("/api/v1/tenants/dinkes/units", headers=operator).get_json()
    assert {u["code"] for u in a_units} == {"A-TOP", "A-SUB"}
    b_units = client.get("/api/v1/tenants/disdik/units", headers=operator).get_json()
    for unit_id in [u["id"] for u in b_units]:  # B's ids through A's URL: 404, nothing of B
        response = client.get(f"/api/v1/tenants/dinkes/units/{unit_id}", headers=operator)
        body = assert_error_shape(response, 404)
        assert "B-" not in str(body)


def test_units_are_paginated(client, tenants, operator) -> None:
    response = client.get("/api/v1/tenants/disdik/units?page=2&page_size=2", headers=operator)
    assert response.status_code == 200
    assert len(response.get_json()) == 1
    assert '"total": 3' in response.headers["X-Pagination"]


def test_writes_need_the_operator_token(client, tenants, operator) -> None:
    response = client.post("/api/v1/tenants/dinkes/units", json={"code": "X", "name": "x"})
    assert_error_shape(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.post(
        "/api/v1/tenants/dinkes/units",
        json={"code": "X", "name": "x"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert_error_shape(wrong, 401)
    assert client.get("/api/v1/tenants/dinkes/units?q=X", headers=operator).get_json() == []


def test_create_update_delete_a_unit(client, tenants, operator, owner_engine) -> None:
    top = client.get("/api/v1/tenants/dinkes/units?q=A-TOP", headers=operator).get_json()[0]
    created = client.post(
        "/api/v1/tenants/dinkes/units",
        headers=operator,
        json={"code": "NEW", "name": "Seksi Baru", "parent_id": top["id"]},
    )
    assert created.status_code == 201, created.get_json()
    unit = created.get_json()
    path = f"/api/v1/tenants/dinkes/units/{unit['id']}"
    read = client.get(path, headers=operator)
    etag = read.headers["ETag"]
    assert_error_shape(client.patch(path, headers=operator, json={"name": "y"}), 428)
    stale = client.patch(path, headers={**operator, "If-Match": '"stale"'}, json={"name": "y"})
    assert_error_shape(stale, 412)
    changed = client.patch(path, headers={**operator, "If-Match": etag}, json={"name": "Renamed"})
    assert changed.status_code == 200 and changed.get_json()["name"] == "Renamed"
    new_etag = client.get(path, headers=operator).headers["ETag"]
    assert new_etag != etag
    deleted = client.delete(path, headers={**operator, "If-Match": new_etag})
    assert deleted.status_code == 204
    assert_error_shape(client.get(path, headers=operator), 404)
    from sqlalchemy import text

    with owner_engine.connect() as conn:
        actions = conn.execute(
            text(
                "SELECT action, actor_role FROM audit_log WHERE actor_role = 'operator' ORDER BY id"
            )
        ).all()
    assert [tuple(a) for a in actions] == [
        ("org_unit.create", "operator"),
        ("org_unit.update", "operator"),
        ("org_unit.delete", "operator"),
    ]


def test_unit_rules_give_clear_errors(client, tenants, operator) -> None:
    listed = client.get("/api/v1/tenants/dinkes/units", headers=operator).get_json()
    units = {u["code"]: u for u in listed}
    b_unit = client.get("/api/v1/tenants/disdik/units", headers=operator).get_json()[0]
    base = "/api/v1/tenants/dinkes/units"
    duplicate = client.post(base, headers=operator, json={"code": "A-TOP", "name": "x"})
    assert "already exists" in assert_error_shape(duplicate, 409)["message"]
    missing = assert_error_shape(client.post(base, headers=operator, json={"code": "X"}), 422)
    assert "name" in missing["errors"]["json"]
    foreign_parent = client.post(
        base, headers=operator, json={"code": "X", "name": "x", "parent_id": b_unit["id"]}
    )
    assert "parent_id" in assert_error_shape(foreign_parent, 422)["errors"]["json"]
    top = units["A-TOP"]
    path = f"{base}/{top['id']}"
    etag = client.get(path, headers=operator).headers["ETag"]
    cycle = client.patch(
        path, headers={**operator, "If-Match": etag}, json={"parent_id": units["A-SUB"]["id"]}
    )
    assert "under itself" in assert_error_shape(cycle, 409)["message"]
    has_children = client.delete(path, headers={**operator, "If-Match": etag})
    assert "sub-units" in assert_error_shape(has_children, 409)["message"]


def test_bad_bodies_are_4xx_json(client, tenants, operator) -> None:
    base = "/api/v1/tenants/dinkes/units"
    malformed = client.post(
        base, headers={**operator, "Content-Type": "application/json"}, data='{"code": "X", '
    )
    assert "not valid JSON" in assert_error_shape(malformed, 400)["message"]
    wrong_type = client.post(
        base, headers={**operator, "Content-Type": "text/plain"}, data="code=X"
    )
    assert_error_shape(wrong_type, 415)
    form = client.post(base, headers=operator, data={"code": "X", "name": "x"})
    assert_error_shape(form, 415)
    not_object = client.post(base, headers=operator, json=[1, 2])
    assert_error_shape(not_object, 422)
    wrong_types = client.post(base, headers=operator, json={"code": 5, "name": None})
    assert set(assert_error_shape(wrong_types, 422)["errors"]["json"]) == {"code", "name"}
    assert_error_shape(client.put(base, headers=operator, json={}), 405)


def test_oversized_body_is_413(app, client, tenants, operator) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = '{"code": "X", "name": "' + "x" * limit + '"}'
    response = client.post(
        "/api/v1/tenants/dinkes/units",
        data=big,
        headers={**operator, "Content-Type": "application/json"},
    )
    assert_error_shape(response, 413)


def test_openapi_document_is_served_and_describes_the_api(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/tenants" in spec["paths"]
    assert "/api/v1/tenants/{tenant}/units/{unit_id}" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui-bundle.js" in docs.data
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 1000


def test_request_id_is_echoed_or_made(client) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["X-Request-ID"] != "bad id with spaces"
    assert len(made.headers["X-Request-ID"]) == 32


def test_readyz_is_200_when_database_and_redis_answer(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_is_503_naming_redis_when_redis_is_unreachable(database, redis_url) -> None:
    import socket

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    broken: Flask = create_app(app_config(database, f"redis://127.0.0.1:{port}/0"))
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("unavailable")
    assert "redis" in body["message"]
