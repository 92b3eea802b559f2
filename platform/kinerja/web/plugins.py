"""Pages of the plugin platform: the competency dictionary and the agency's plugins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, request

from kinerja import permissions as perm
from kinerja import plugins
from kinerja.db import db
from kinerja.identity.principal import current, require
from kinerja.plugins import dictionary, service
from kinerja.plugins.manager import ALWAYS_ON
from kinerja.plugins.permissions import PLUGIN
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
        done, error = submit(
            lambda: service.set_enabled(db.session, plugins.get(), name, wanted),
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
        admin=admin,
    )
