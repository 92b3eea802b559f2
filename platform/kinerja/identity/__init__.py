"""Identity: employees (pegawai) and their hierarchy, users, roles, permissions, tokens, audit."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_app(app: Flask) -> None:
    from kinerja.identity import oidc, sessions

    app.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_HOURS"]),
        # CSRF is checked below for forms only: the API authenticates by bearer token.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    sessions.init_app(app)
    csrf.init_app(app)

    @app.before_request
    def _check_csrf() -> None:
        if request.method in BODY_METHODS and not request.path.startswith("/api/"):
            csrf.protect()

    oidc.init_app(app)
