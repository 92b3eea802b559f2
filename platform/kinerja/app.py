"""The application factory: subsystems wired through `init_app` in a fixed, readable order."""

from __future__ import annotations

from typing import Any

from flask import Flask

from kinerja import config as settings
from kinerja import errors, health, jobs, logs, metrics


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the `KINERJA_*` environment (Flask config keys)."""
    # No app-level static folder: the web blueprint serves /static (an app route would shadow it).
    app = Flask("kinerja", static_folder=None, static_url_path="/static")
    app.config.update(settings.load(overrides=config))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="kinerja_session",
    )
    logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    if app.config["TRUSTED_PROXIES"]:
        # The client's address from X-Forwarded-For, as far as our own proxies vouch for it; the
        # Host header is never trusted (redirects use KINERJA_BASE_URL).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[method-assign]

    from kinerja import (
        api,
        city,
        identity,
        notifications,
        pipeline,
        plugins,
        redis,
        reports,
        storage,
        web,
    )
    from kinerja.competency import receivers as talent_receivers
    from kinerja.db import db
    from kinerja.performance import waiting

    pipeline.init_app(app)  # request id → tenant → principal → gate → CSRF → body, in that order
    db.init_app(app)  # database, with the tenant scoping listeners
    redis.init_app(app)  # the one Redis client
    storage.init_app(app)  # evidence files: the local folder or an S3-compatible store
    jobs.init_app(app)  # the job queue
    notifications.init_app(app)  # who hears of what in the cycle (in-app, e-mail)
    city.init_app(app)  # the agencies' figures, marked stale by the cycle's events
    waiting.init_app(app)  # what waits for whom, kept in each change's transaction
    talent_receivers.init_app(app)  # stored talent results, marked stale by what moves them
    identity.init_app(app)  # sessions, CSRF, single sign-on
    plugins.init_app(app)  # the core's plugin and the installed ones the allow-list admits
    reports.init_app(app)  # the report helpers plugins use through kinerja.plugins.api
    errors.init_app(app)  # one error shape
    api.init_app(app)  # /api/v1 and its OpenAPI document
    web.init_app(app)  # pages, language
    health.init_app(app)  # /healthz, /readyz
    metrics.init_app(app)  # /metrics for Prometheus (with its token)
    return app
