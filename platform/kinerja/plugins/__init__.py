"""Plugins: extension points per agency (pluggy). `hookspecs` is the contract, `manager` loads
and calls plugins, `core` is the core's own plugin, `service` enables them per agency."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g

from kinerja.plugins import permissions as permissions  # registers the rule of its kind
from kinerja.plugins.manager import Failure, Plugins

KEY = "kinerja.plugins"


def init_app(app: Flask, extra: list[Any] | None = None) -> None:
    plugins = Plugins.load(app.config["PLUGINS"], app.config["PLUGIN_TIME_LIMIT"], extra or [])
    plugins.on_failure = _keep_failure
    app.extensions[KEY] = plugins
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


def enabled_here() -> frozenset[str]:
    """The plugins enabled for the request's tenant (read once per request)."""
    from kinerja.db import db
    from kinerja.plugins import service

    if "plugins_enabled" not in g:
        g.plugins_enabled = service.enabled_names(db.session) if "tenant" in g else frozenset()
    return g.plugins_enabled


def call(hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call `hook` on the plugins enabled for the request's tenant, each failure isolated."""
    tenant = g.get("tenant")
    return get().call(hook, enabled_here(), tenant.id if tenant else None, **kwargs)


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
