"""Pages of the plugin platform: the competency dictionary and the agency's plugins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, request, url_for
from sqlalchemy import select

from kinerja import audit, plugins
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.identity.principal import current, require
from kinerja.plugins import dictionary, service
from kinerja.plugins.manager import ALWAYS_ON
from kinerja.plugins.permissions import PLUGIN
from kinerja.tenancy.models import Tenant
from kinerja.web.city import city_admin_only
from kinerja.web.forms import Problem, form_page, submit

bp = Blueprint("plugins", __name__, url_prefix="/t/<tenant>")


@bp.get("/competencies")
def competencies() -> Any:
    require(perm.VIEW, perm.Resource(PLUGIN, g.tenant.id))
    groups = dictionary.arrange(plugins.call("kinerja_competencies"))
    return form_page("competencies.html", None, groups=groups)


@bp.route("/plugins", methods=["GET", "POST"])
def plugins_page() -> Any:
    require(perm.VIEW, perm.Resource(PLUGIN, g.tenant.id))
    admin = perm.is_agency_admin(current())
    error: Problem = None
    if request.method == "POST":
        if not admin:
            abort(403)
        name = request.form.get("plugin", "")[:100]
        wanted = request.form.get("enabled") == "1"
        info = plugins.get().infos.get(name)
        posted = (
            service.settings_from_form(info.settings_schema, request.form)
            if info is not None and request.form.get("save_settings")
            else None
        )
        done, error = submit(
            lambda: service.set_enabled(db.session, plugins.get(), name, wanted, posted),
            "plugins.plugins_page",
        )
        if done:
            return done
    installed = [i for i in plugins.get().installed() if i.name not in ALWAYS_ON]
    return form_page(
        "plugins.html",
        error,
        installed=installed,
        rows=service.rows(db.session),
        hooks={i.name: plugins.get().hooks_of(i.name) for i in installed},
        settings={i.name: service.describe_settings(i.settings_schema) for i in installed},
        admin=admin,
    )


city = Blueprint("plugin_catalogue", __name__)


@city.route("/plugins", methods=["GET", "POST"])
def catalogue() -> Any:
    """The city admin's catalogue: installed plugins, their hooks and settings, and the agencies
    that have each on; the city admin turns a plugin on or off for any agency (audited there)."""
    refused = city_admin_only()
    if refused is not None:
        return refused
    principal = current()
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.name)).all()
    by_id = {t.id: t for t in tenants}
    error: Problem = None
    if request.method == "POST":
        tenant = next((t for t in tenants if t.slug == request.form.get("tenant")), None)
        name = request.form.get("plugin", "")[:100]
        wanted = request.form.get("enabled") == "1"
        if tenant is None:
            abort(404)
        actor = audit.Actor(user_id=principal.user_id, role="admin_kota")
        try:
            with db.unit_of_work(tenant.id) as session, audit.acting(actor):
                service.set_enabled(session, plugins.get(), name, wanted)
        except ServiceError as problem:  # the unit of work rolled back
            error = problem
        if error is None:
            return redirect(url_for("plugin_catalogue.catalogue"), code=303)
    installed = [i for i in plugins.get().installed() if i.name not in ALWAYS_ON]
    enabled = service.enablement_everywhere(db.session)
    return form_page(
        "plugin_catalogue.html",
        error,
        installed=installed,
        hooks={i.name: plugins.get().hooks_of(i.name) for i in installed},
        settings={i.name: _settings_fields(i.settings_schema) for i in installed},
        enabled={
            name: sorted((by_id[t] for t in ids if t in by_id), key=lambda t: t.name)
            for name, ids in enabled.items()
        },
        tenants=tenants,
    )


def _settings_fields(schema: Any) -> list[str]:
    return sorted(str(d["label"]) for d in service.describe_settings(schema).values())
