"""The web UI: Jinja pages, Indonesian by default, usable on a phone."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from kinerja.tenancy.kinds import KINDS
from kinerja.web import admin, auth, i18n, people
from kinerja.web.views import bp, tenant_bp


def init_app(app: Flask) -> None:
    i18n.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(tenant_bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)

    app.jinja_env.globals.update(LOCALES=i18n.LOCALES, KINDS=KINDS, get_locale=get_locale)
