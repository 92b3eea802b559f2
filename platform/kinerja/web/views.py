"""Server-rendered pages: the list of agencies and each agency's home."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for

from kinerja.db import db
from kinerja.organisation.service import query_units
from kinerja.tenancy.kinds import KINDS
from kinerja.tenancy.service import list_tenants
from kinerja.web.i18n import COOKIE, LOCALES
from kinerja.web.paging import paged

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)
tenant_bp = Blueprint("tenant", __name__, url_prefix="/t/<tenant>")


@bp.get("/")
def index() -> Any:
    tenants = list_tenants(db.session, active_only=True)
    query = request.args.get("q", "").strip()[:100]
    shown = [t for t in tenants if query.casefold() in f"{t.name} {t.slug}".casefold()]
    order = list(KINDS)
    ordered = sorted(shown, key=lambda t: (order.index(t.kind), t.name))
    groups = [(kind, list(items)) for kind, items in groupby(ordered, key=lambda t: t.kind)]
    return render_template(
        "index.html", groups=groups, total=len(tenants), query=query, openable=_openable()
    )


def _openable() -> set[int] | None:
    """The agencies the reader may open, or None for all of them: a visitor is sent to sign in
    and the city admin to the agency's door; anyone else gets 404 outside their own agencies,
    so those are listed without a link (a link must lead somewhere the reader can go)."""
    from kinerja.identity import users
    from kinerja.identity.principal import current

    who = current()
    if not who.authenticated or who.city_admin:
        return None
    return {tenant for tenant, _role in users.memberships(db.session, who.user_id or 0)}


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only same-site paths: a `next` parameter must never become an open redirect."""
    fallback = default or url_for("web.index")
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback  # backslashes and control characters (CR/LF) never reach a header
    return target


@bp.post("/lang")
def set_language() -> Any:
    lang = request.form.get("lang", "")
    response = make_response(redirect(safe_next(request.form.get("next")), code=303))
    if lang in LOCALES:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
        _remember_language(lang)
    return response


def _remember_language(lang: str) -> None:
    """A signed-in person's choice is kept on their identity: their e-mails are written in it."""
    from kinerja.db import db
    from kinerja.identity.models import User
    from kinerja.identity.principal import current

    principal = current()
    if principal.authenticated and principal.user_id is not None:
        with db.unit_of_work() as session:
            user = session.get(User, principal.user_id)
            if user is not None:
                user.language = lang


def _profile() -> Any:
    from kinerja.web.people import profile

    return profile()


bp.add_url_rule("/me", "profile", _profile)


@tenant_bp.get("/")
def home() -> Any:
    return render_template(
        "tenant_home.html",
        tenant=g.tenant,
        units=paged(query_units(), keep={}),
        waiting=_waiting_for(),
    )


def _waiting_for() -> list[tuple[Any, int, str]]:
    """What waits for the signed-in person here: (label, count, link), only what is there."""
    from kinerja import permissions as perm
    from kinerja.competency import campaigns
    from kinerja.i18n import _
    from kinerja.identity.principal import current
    from kinerja.performance import waiting
    from kinerja.web.notifications import bell

    principal = current()
    if not perm.is_member(principal):
        return []
    kept = waiting.counts(db.session, principal)  # counters the workflows keep: no chain walked
    counts = [
        (_("SKP to approve"), kept.get(waiting.SKP, 0), url_for("skp.index")),
        (_("Daily entries to verify"), kept.get(waiting.ENTRY, 0), url_for("log.team")),
        (
            _("Evaluations to rate or review"),
            kept.get(waiting.EVALUATION, 0),
            url_for("evaluation.index"),
        ),
        (
            _("Colleagues to rate"),
            len(campaigns.tasks_of(db.session, principal.employee_id)),
            url_for("talent.index"),
        ),
        (
            _("Unread notifications"),
            bell(),  # the header's count, asked once per request
            url_for("notifications.index"),
        ),
    ]
    return [(label, n, href) for label, n, href in counts if n]
