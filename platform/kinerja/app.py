"""The application factory: subsystems wired through `init_app` in a fixed, readable order."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request

from kinerja import config as settings
from kinerja import errors, health, jobs, logs

log = logging.getLogger("kinerja.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the `KINERJA_*` environment (Flask config keys)."""
    # No app-level static folder: the web blueprint serves /static (an app route would shadow it).
    app = Flask("kinerja", static_folder=None)
    app.config.update(settings.load(overrides=config))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="kinerja_session",
    )
    logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    from kinerja import api, identity, web
    from kinerja.db import db

    _init_request_context(app)  # request ids and access logs first: everything after logs with them
    db.init_app(app)  # database, with the tenant scoping listeners
    jobs.init_app(app)  # Redis and the job queue
    identity.init_app(app)  # sessions, CSRF, single sign-on
    errors.init_app(app)  # one error shape
    api.init_app(app)  # /api/v1 and its OpenAPI document
    web.init_app(app)  # pages, language
    health.init_app(app)  # /healthz, /readyz
    return app


def _init_request_context(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()
        logs.bind(request_id=g.request_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path not in {"/healthz", "/readyz"}:
            elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round(elapsed, 1),
                    "method": request.method,
                    "path": request.path,
                },
            )
        return response

    @app.teardown_request
    def _clear(exc: BaseException | None) -> None:
        logs.clear()
        # An app context can outlive a request (tests, CLI): never let who-and-where leak on.
        for key in ("principal", "user_id", "tenant", "csrf_token"):
            g.pop(key, None)
