"""Identity: global users, memberships (roles), API tokens, the principal of a request, single
sign-on, browser sessions, passwords and sign-in throttling."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from kinerja.identity import lifecycle
from kinerja.identity import permissions as permissions  # registers the rules of its kinds
from kinerja.identity import versions as versions  # the principal cache's bumps, on every commit

lifecycle.connect()  # here, not in init_app: workers and commands change employees too

csrf = CSRFProtect()
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def check_csrf() -> None:
    """Forms carry a CSRF token; the API authenticates by bearer token instead."""
    if request.method in BODY_METHODS and not request.path.startswith("/api/"):
        csrf.protect()


def init_app(app: Flask) -> None:
    from kinerja.identity import cache, oidc, sessions

    app.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_HOURS"]),
        # CSRF is checked by the request pipeline (`check_csrf`), for forms only.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    sessions.init_app(app)
    cache.init_app(app)
    csrf.init_app(app)
    oidc.init_app(app)
