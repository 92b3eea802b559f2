"""The plugin platform through the API: the competency dictionary and the agency's plugins."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import fields

from kinerja import permissions as perm
from kinerja import plugins
from kinerja.api.common import Blueprint
from kinerja.api.pagination import WHOLE, ListPage
from kinerja.api.people import BEARER
from kinerja.db import db
from kinerja.exceptions import NotFound
from kinerja.i18n import _
from kinerja.identity.principal import require
from kinerja.plugins import dictionary, service
from kinerja.plugins.manager import ALWAYS_ON
from kinerja.plugins.permissions import PLUGIN
from kinerja.schema import Schema
from kinerja.workflow import agency_lock

blp = Blueprint(
    "plugins_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>",
    description="Plugins of an agency and the competency dictionary they make up.",
)


class CompetencySchema(Schema):
    code = fields.String()
    name = fields.String()
    group = fields.String(metadata={"enum": ["teknis", "manajerial", "sosial_kultural"]})
    description = fields.String()
    levels = fields.List(fields.String(), metadata={"description": "indicators of levels 1-5"})
    position_types = fields.List(fields.String())
    plugin = fields.String(metadata={"description": "the plugin that contributes it"})


class PluginSchema(Schema):
    name = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    version = fields.String(dump_only=True)
    hooks = fields.List(fields.String(), dump_only=True)
    settings_schema = fields.Dict(
        dump_only=True, metadata={"description": "each setting's type and whether it is required"}
    )
    enabled = fields.Boolean(required=True)
    settings = fields.Dict(load_default=None, allow_none=True)
    error_count = fields.Integer(dump_only=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    last_error_at = fields.DateTime(dump_only=True, allow_none=True)


def _installed(name: str) -> str:
    if name not in plugins.get().infos or name in ALWAYS_ON:
        raise NotFound(_("No plugin %(name)s is installed here.", name=name))
    return name


def _view(name: str) -> dict[str, Any]:
    info = plugins.get().infos[name]
    row = service.rows(db.session).get(name)
    return {
        "name": info.name,
        "title": info.title,
        "description": info.description,
        "version": info.version,
        "hooks": plugins.get().hooks_of(name),
        "settings_schema": service.describe_settings(info.settings_schema),
        "enabled": bool(row and row.enabled),
        "settings": row.settings if row else {},
        "error_count": row.error_count if row else 0,
        "last_error": row.last_error if row else None,
        "last_error_at": row.last_error_at if row else None,
    }


@blp.route("/competencies")
class Competencies(MethodView):
    @blp.response(200, CompetencySchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The competencies in force in the agency, by group and code"""
        require(perm.VIEW, perm.Resource(PLUGIN, g.tenant.id))
        groups = dictionary.arrange(plugins.call("kinerja_competencies"))
        return [
            {**vars(e.competency), "plugin": e.plugin}
            for entries in groups.values()
            for e in entries
        ]


@blp.route("/plugins")
class Plugins(MethodView):
    @blp.response(200, PluginSchema(many=True))
    @blp.paginate(ListPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """Installed plugins and whether this agency has them on"""
        require(perm.VIEW, perm.Resource(PLUGIN, g.tenant.id))
        return [_view(i.name) for i in plugins.get().installed() if i.name not in ALWAYS_ON]


@blp.route("/plugins/<name>")
@blp.etag
class PluginDetail(MethodView):
    @blp.response(200, PluginSchema)
    @blp.doc(security=BEARER)
    def get(self, name: str) -> Any:
        """One installed plugin and whether this agency has it on, with its settings"""
        require(perm.VIEW, perm.Resource(PLUGIN, g.tenant.id))
        return _view(_installed(name))

    @blp.arguments(PluginSchema)
    @blp.response(200, PluginSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], name: str) -> Any:
        """Turn a plugin on or off for the agency, with its settings (admin OPD; send If-Match
        with the ETag of the GET)"""
        require(perm.MANAGE, perm.Resource(PLUGIN, g.tenant.id))
        agency_lock(db.session, f"plugin:{name}")
        blp.check_etag(_view(_installed(name)), PluginSchema)
        service.set_enabled(db.session, plugins.get(), name, data["enabled"], data["settings"])
        db.session.commit()
        return _view(name)
