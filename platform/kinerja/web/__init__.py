"""The web UI: Jinja pages on Bootstrap 5 (served locally from the bootstrap-flask wheel),
Indonesian by default, usable on a 360 px phone, no inline scripts."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, redirect, request, url_for
from flask_babel import get_locale
from flask_bootstrap import Bootstrap5

from kinerja import decimals
from kinerja import i18n as labels
from kinerja import permissions as perm
from kinerja.performance import change_words
from kinerja.presentation import formats
from kinerja.presentation.labels import has, label
from kinerja.tenancy.kinds import KINDS
from kinerja.web import (  # noqa: F401 - access, imports, records, structure attach to admin.bp
    access,
    admin,
    aksi,
    auth,
    city,
    comparison,
    evaluation,
    exports,
    feedback,
    guidance,
    i18n,
    imports,
    log,
    menu,
    notifications,
    overseers,
    people,
    plugins,
    records,
    reports,
    skp,
    structure,
    talent,
    tpp_admin,
    tpp_city,
    tpp_city_settings,
    tpp_imports,
    tpp_me,
)
from kinerja.web.views import bp, tenant_bp

bootstrap = Bootstrap5()


def _menu_items() -> list[Any]:
    """The agency menu, gathered once per request (the layout and the home page both show it)."""
    principal = g.get("principal")
    if "tenant" not in g or principal is None:
        return []
    if "menu_items" not in g:
        g.menu_items = menu.tenant_menu(principal)
    return g.menu_items


def _navigation() -> menu.Navigation:
    """The layout's bar and grouped menu, once per request (kept in the request: `g` can outlive
    one, as in the tests' app context, and the menu would go stale)."""
    kept = request.environ.get("kinerja.navigation")
    if kept is None:
        kept = request.environ["kinerja.navigation"] = menu.navigation(
            g.get("principal"), _menu_items()
        )
    return kept


def init_app(app: Flask) -> None:
    app.config.setdefault("BOOTSTRAP_SERVE_LOCAL", True)  # no CDN: works offline, CSP 'self'
    bootstrap.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(tenant_bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(plugins.bp)
    app.register_blueprint(plugins.city)
    app.register_blueprint(reports.bp)
    app.register_blueprint(skp.bp)
    app.register_blueprint(aksi.bp)
    app.register_blueprint(log.bp)
    app.register_blueprint(evaluation.bp)
    app.register_blueprint(feedback.bp)
    app.register_blueprint(city.bp)
    app.register_blueprint(talent.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(comparison.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(guidance.bp)
    app.register_blueprint(tpp_admin.bp)
    app.register_blueprint(tpp_me.bp)

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return redirect(url_for("web.static", filename="favicon.svg"), code=301)

    # Numbers and dates on every page through the one formats module (`|date`, `|percent`, ...).
    app.jinja_env.filters.update(formats.FILTERS)
    app.jinja_env.globals.update(formats.GLOBALS)
    # Decimals printed without exponent or trailing zeros ("80", never "8E+1").
    app.jinja_env.filters["plain"] = decimals.plain
    app.jinja_env.globals.update(
        LOCALES=i18n.LOCALES,
        KINDS=KINDS,
        get_locale=get_locale,
        menu_items=_menu_items,
        navigation=_navigation,
        menu_badge=menu.badge,
        bell=notifications.bell,
        help_box=guidance.help_box,
        guidance_intro=guidance.intro,
        role_label=labels.role_label,
        job_status_label=labels.job_status_label,
        audit_action_label=labels.audit_action_label,
        report_status_label=labels.report_status_label,
        skp_status_label=labels.skp_status_label,
        in_language=i18n.in_language,
        label=label,  # label(kind, code): the one registry (kinerja.presentation.labels)
        label_known=has,
        # Rencana Aksi read by its own partials on the SKP, evaluation and entry pages.
        rencana_aksi=aksi.section,
        rencana_aksi_of_evaluation=aksi.for_evaluation,
        rencana_aksi_choices=aksi.entry_choices,
        aksi_statuses=aksi.STATUSES,
        change_words=change_words.words,  # a version change in the reader's words
        # Templates ask the same named questions as views and services; none decides alone.
        is_agency_admin=perm.is_agency_admin,
        is_visiting_city_admin=perm.is_visiting_city_admin,
        may_appoint_admin=perm.may_appoint_admin,
    )
