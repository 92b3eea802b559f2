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
    if tenant_id is None:
        return
    from kinerja.db import db
    from kinerja.plugins import service

    # Its own short transaction: the request's may still roll back.
    with db.unit_of_work(tenant_id) as session:
        service.record_failure(session, failure)
