"""Single sign-on against a real OpenID Connect provider (oidc-provider, tests/idp/), no browser.

The browser flow is in test_browser.py."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import text

from kinerja.identity import oidc
from tests.idp_support import Idp, log_in_at_idp


def start(client) -> str:
    response = client.get("/auth/sso")
    assert response.status_code == 302
    return response.headers["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_authorization_request_uses_pkce_state_and_nonce(sso_app, idp: Idp) -> None:
    location = start(sso_app.test_client())
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(idp.issuer)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert "openid" in query["scope"][0].split()


def test_sso_sign_in_links_the_nip_to_the_employee(sso_app, people, base_url, owner_engine) -> None:
    client = sso_app.test_client()
    callback = log_in_at_idp(start(client), base_url, "staff")
    response = client.get(callback_path(callback))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert response.headers["Location"] == "/t/dinkes/"  # the agency's home, not the profile
    assert "Staf SSO" in client.get("/me").get_data(as_text=True)
    assert client.get(f"/t/dinkes/employees/{people.staff}").status_code == 200
    assert client.get(f"/t/disdik/employees/{people.other}").status_code == 404
    with owner_engine.connect() as conn:
        row = conn.execute(
            text("SELECT oidc_subject, nip FROM app_user WHERE oidc_subject = 'staff'")
        ).one()
    assert row.nip == "198609262015051001"


def test_groups_map_to_roles(sso_app, people, base_url) -> None:
    client = sso_app.test_client()
    client.get(callback_path(log_in_at_idp(start(client), base_url, "kota")))
    profile = client.get("/me").get_data(as_text=True)
    assert "Admin Kota" in profile


def test_identity_without_an_employee_gets_a_clear_page_and_no_access(
    sso_app, people, base_url
) -> None:
    client = sso_app.test_client()
    response = client.get(callback_path(log_in_at_idp(start(client), base_url, "stranger")))
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Belum ada akses" in page and "BKPSDM" in page and "199912312024012002" in page
    assert client.get("/me").status_code == 302


def test_a_code_cannot_be_used_twice(sso_app, people, base_url) -> None:
    client = sso_app.test_client()
    callback = log_in_at_idp(start(client), base_url, "staff")
    assert client.get(callback_path(callback)).status_code == 303
    # Replay the same code with a fresh, valid state of a new sign-in attempt.
    fresh = parse_qs(urlsplit(start(client)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    replay = client.get(f"/auth/callback?code={code}&state={fresh}")
    assert replay.status_code == 400
    assert "Gagal masuk" in replay.get_data(as_text=True)


def test_a_forged_state_is_refused(sso_app, people, base_url) -> None:
    client = sso_app.test_client()
    callback = log_in_at_idp(start(client), base_url, "staff")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert client.get(f"/auth/callback?code={code}&state=forged").status_code == 400


def test_the_provider_refuses_a_code_without_its_pkce_verifier(
    sso_app, idp, people, base_url
) -> None:
    client = sso_app.test_client()
    callback = log_in_at_idp(start(client), base_url, "staff")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    metadata = requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=10).json()
    response = requests.post(
        metadata["token_endpoint"],
        timeout=10,
        auth=(idp.client_id, idp.client_secret),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": f"{base_url}/auth/callback",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def _genuine_token(sso_app, base_url) -> tuple[dict, str]:
    """A real token response for `staff`, with the nonce our client sent."""
    client = sso_app.test_client()
    location = start(client)
    nonce = parse_qs(urlsplit(location).query)["nonce"][0]
    callback = log_in_at_idp(location, base_url, "staff")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    with client.session_transaction() as session:
        state = next(v for k, v in session.items() if k.startswith("_state_sso_"))
    verifier = state["data"]["code_verifier"]
    with sso_app.test_request_context():
        token = oidc.client().fetch_access_token(
            redirect_uri=f"{base_url}/auth/callback", code=code, code_verifier=verifier
        )
    return token, nonce


def test_a_genuine_id_token_validates(sso_app, people, base_url) -> None:
    token, nonce = _genuine_token(sso_app, base_url)
    with sso_app.test_request_context():
        claims = oidc.client().parse_id_token(token, nonce=nonce)
    assert claims["nip"] == "198609262015051001" and claims["sub"] == "staff"


def test_a_tampered_id_token_is_refused(sso_app, people, base_url) -> None:
    token, nonce = _genuine_token(sso_app, base_url)
    header, payload, signature = token["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["nip"] = "197503122000031002"  # claim to be the head of the agency
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    token["id_token"] = f"{header}.{forged}.{signature}"
    with sso_app.test_request_context(), pytest.raises(Exception, match=r"(?i)signature"):
        oidc.client().parse_id_token(token, nonce=nonce)


def test_an_id_token_for_another_audience_is_refused(sso_app, idp, people, base_url) -> None:
    token, nonce = _genuine_token(sso_app, base_url)
    with sso_app.test_request_context():
        other = oidc.registry().register(
            "other_audience",
            client_id="someone-else",
            client_secret="x",
            server_metadata_url=idp.issuer + "/.well-known/openid-configuration",
            overwrite=True,
        )
        # authlib refuses it in its audience checks (aud, then azp for foreign audiences).
        with pytest.raises(Exception, match=r"aud|azp"):
            other.parse_id_token(token, nonce=nonce)


def test_a_wrong_nonce_is_refused(sso_app, people, base_url) -> None:
    token, _ = _genuine_token(sso_app, base_url)
    with sso_app.test_request_context(), pytest.raises(Exception, match="nonce"):
        oidc.client().parse_id_token(token, nonce="not-the-one-we-sent")


def test_logout_ends_the_provider_session_too(sso_app, people, base_url, idp) -> None:
    from tests.support import csrf_token

    client = sso_app.test_client()
    client.get(callback_path(log_in_at_idp(start(client), base_url, "staff")))
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/me")})
    location = response.headers["Location"]
    assert location.startswith(f"{idp.issuer}/session/end")
    assert "id_token_hint=" in location
    assert client.get("/me").status_code == 302


def test_an_unreachable_provider_gets_a_clear_503_page(database, redis_url, people) -> None:
    from kinerja.app import create_app
    from tests.idp_support import free_port
    from tests.support import app_config

    dead = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        app_config(
            database,
            redis_url,
            OIDC_ISSUER=dead,
            OIDC_CLIENT_ID="x",
            OIDC_CLIENT_SECRET="y",
            BASE_URL="http://127.0.0.1:1",
        )
    )
    response = app.test_client().get("/auth/sso")
    assert response.status_code == 503
    assert "Layanan masuk sedang tidak tersedia" in response.get_data(as_text=True)


def test_login_goes_straight_to_sso_when_it_is_the_only_way_in(
    database, redis_url, idp, base_url, people
) -> None:
    from kinerja.app import create_app
    from tests.support import app_config, sso_config

    app = create_app(
        app_config(database, redis_url, LOCAL_LOGIN=False, **sso_config(idp, base_url))
    )
    client = app.test_client()
    response = client.get("/auth/login?next=/t/dinkes/employees")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/sso")
    assert client.get("/auth/sso").headers["Location"].startswith(idp.issuer)
    assert (
        client.get("/auth/logout").status_code == 200
    )  # a confirmation page, signing out is a POST


def set_groups(idp: Idp, login: str, *groups: str) -> None:
    import requests

    response = requests.post(
        f"{idp.issuer}/_test/groups/{login}", data={"group": list(groups)}, timeout=10
    )
    assert response.status_code == 204


def roles_of(owner_engine, user_login_nip: str) -> set[tuple[str, str]]:
    from sqlalchemy import text

    with owner_engine.connect() as conn:
        return {
            (r.role, r.source)
            for r in conn.execute(
                text(
                    "SELECT m.role, m.source FROM membership m JOIN app_user u ON u.id = m.user_id "
                    "WHERE u.nip = :n"
                ),
                {"n": user_login_nip},
            )
        }


def test_roles_from_groups_follow_the_provider_and_leave_hand_granted_ones(
    sso_app, people, base_url, idp: Idp, owner_engine
) -> None:
    admin_nip = "198811202010011004"
    try:
        client = sso_app.test_client()
        client.get(callback_path(log_in_at_idp(start(client), base_url, "admin")))
        assert ("admin_opd", "sso") in roles_of(owner_engine, admin_nip)
        # The group is removed at the provider: the next sign-in removes the SSO grant only.
        set_groups(idp, "admin")
        client = sso_app.test_client()
        client.get(callback_path(log_in_at_idp(start(client), base_url, "admin")))
        roles = roles_of(owner_engine, admin_nip)
        assert ("admin_opd", "sso") not in roles
        assert ("admin_opd", "admin") in roles  # granted by hand (the fixture): stays
    finally:
        set_groups(idp, "admin", "opd-admin")


def test_the_city_admin_flag_follows_the_provider(
    sso_app, people, base_url, idp: Idp, owner_engine
) -> None:
    try:
        client = sso_app.test_client()
        client.get(callback_path(log_in_at_idp(start(client), base_url, "kota")))
        assert "Admin Kota" in client.get("/me").get_data(as_text=True)
        set_groups(idp, "kota")
        client = sso_app.test_client()
        response = client.get(callback_path(log_in_at_idp(start(client), base_url, "kota")))
        assert response.status_code == 403  # no agency and no longer a city admin: no access
        from sqlalchemy import text

        with owner_engine.connect() as conn:
            flags = conn.execute(
                text("SELECT sso_city_admin FROM app_user WHERE oidc_subject = 'kota'")
            ).scalar()
        assert flags is False
    finally:
        set_groups(idp, "kota", "bkpsdm-admin")
