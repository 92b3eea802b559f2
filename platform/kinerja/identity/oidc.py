"""Single sign-on through any standard OpenID Connect provider (authlib, PKCE S256)."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

NAME = "sso"


def init_app(app: Flask) -> None:
    # One registry per app: two apps in one process (tests, embedding) must not share clients.
    oauth = OAuth(app)
    app.extensions["kinerja.oauth"] = oauth
    if not app.config["OIDC_ISSUER"]:
        return
    oauth.register(
        NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_ISSUER"] + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )


def enabled() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def registry() -> OAuth:
    return current_app.extensions["kinerja.oauth"]


def client() -> Any:
    return registry().create_client(NAME)
