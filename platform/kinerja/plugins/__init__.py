"""Plugins: extension points per agency (pluggy). `hookspecs` is the contract, `manager` loads
and calls plugins, `core` is the core's own plugin, `service` enables them per agency, `api` is
the one module a plugin imports, and `context` carries the agency to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from flask import Flask, current_app, g, has_request_context
from sqlalchemy.orm import Session

from kinerja.plugins import context
from kinerja.plugins import permissions as permissions  # registers the rule of its kind
from kinerja.plugins.manager import Failure, Plugins

KEY = "kinerja.plugins"


def init_app(app: Flask, extra: list[Any] | None = None) -> None:
    plugins = Plugins.load(app.config["PLUGINS"], app.config["PLUGIN_TIME_LIMIT"], extra or [])
    plugins.on_failure = _keep_failure
    plugins.carrier = _carrier(app)
    app.extensions[KEY] = plugins
    context.fall_back_on(_agency_of_request)
    if not app.config.get("KINERJA_PLUGIN_PAGES_MOUNTED"):  # routes are added once per app
        _mount_pages(app, plugins)
        app.config["KINERJA_PLUGIN_PAGES_MOUNTED"] = True


def _mount_pages(app: Flask, plugins: Plugins) -> None:
    """Each plugin's pages under /t/<tenant>/p/<plugin>/, answering 404 where it is off.

    Mounted for every installed plugin at start-up (Flask cannot add routes later); whether an
    agency may see them is decided per request, so enabling needs no restart.
    """
    from flask import abort, request

    owners: dict[str, str] = {}
    for name, blueprints in plugins.call("kinerja_pages", set(plugins.infos)):
        for blueprint in blueprints:
            app.register_blueprint(blueprint, url_prefix=f"/t/<tenant>/p/{name}")
            owners[blueprint.name] = name

    @app.before_request
    def _only_where_enabled() -> None:
        plugin = owners.get(request.blueprint or "")
        if plugin is not None and plugin not in enabled_here():
            abort(404)


def get(app: Flask | None = None) -> Plugins:
    return (app or current_app).extensions[KEY]


def agency_here() -> context.Agency:
    """The request's agency as plugins see it (read once per request): its enabled plugins and
    their settings, the reader's language and the principal."""
    from flask_babel import get_locale

    from kinerja.db import db
    from kinerja.identity.principal import current
    from kinerja.plugins import service

    if "plugins_agency" not in g:
        tenant = g.get("tenant")
        stored = service.enabled_settings(db.session) if tenant is not None else {}
        locale = get_locale()
        g.plugins_agency = get().agency(
            tenant.id if tenant is not None else None,
            stored,
            stored,
            str(locale) if locale is not None else None,
            current(),
        )
    agency: context.Agency = g.plugins_agency
    return agency


def _agency_of_request() -> context.Agency | None:
    return agency_here() if has_request_context() else None


def agency_of(session: Session, tenant_id: int) -> context.Agency:
    """An agency outside a request (a job, the demo): its enabled plugins and their settings,
    for the system (no principal)."""
    from kinerja.plugins import service

    stored = service.enabled_settings(session)
    return get().agency(tenant_id, stored, stored)


def enabled_here() -> frozenset[str]:
    """The plugins enabled for the request's tenant (read once per request)."""
    return agency_here().enabled


def call(hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call `hook` on the plugins enabled for the request's tenant, each failure isolated."""
    return get().call_for(agency_here(), hook, **kwargs)


def _carrier(app: Flask) -> Callable[[context.Agency], Callable[[], AbstractContextManager[Any]]]:
    """What a worker thread enters to run a hook: a fresh app context of its own (so its
    `db.session`, should anything reach for it, is a new session bound to no agency, never the
    request's), the reader's language, and the audit actor of the caller."""
    from flask_babel import force_locale

    from kinerja import audit

    def carry(agency: context.Agency) -> Callable[[], AbstractContextManager[Any]]:
        actor = audit.current_actor()

        @contextmanager
        def inside() -> Iterator[None]:
            with app.app_context(), audit.acting(actor):
                if agency.locale:
                    with force_locale(agency.locale):
                        yield
                else:
                    yield

        return inside

    return carry


def _keep_failure(tenant_id: int | None, failure: Failure) -> None:
    from kinerja import metrics

    metrics.PLUGIN_ERRORS.labels(failure.plugin, failure.hook).inc()
    if tenant_id is None:
        return
    from kinerja.db import db
    from kinerja.plugins import service

    # Its own short transaction: the request's may still roll back.
    with db.unit_of_work(tenant_id) as session:
        service.record_failure(session, failure)
