"""The request pipeline, one fixed order for every request, pages and API alike.

1. request state: a request id (every response carries `X-Request-ID`), the audit actor, logs;
2. the tenant, from `<tenant>` in the URL (unknown or suspended: 404);
3. the principal: who is asking, from the session cookie or a bearer token (2 and 3 from the
   principal cache in one Redis round trip when nothing changed: `identity/cache.py`);
4. the agency gate: everything under an agency is for its members (and a city admin who entered
   it): anonymous visitors are asked to sign in, everyone else finds nothing there (404);
5. CSRF on forms, then the API body checks (after authentication: an anonymous POST gets 401).

Nothing of one request survives into the next: the state lives on `g` and in context variables
that are set at the start and cleared at the end.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.routing import IntegerConverter

from kinerja import audit, logs
from kinerja import permissions as perm
from kinerja.bodies import limit_of
from kinerja.errors import unauthorized
from kinerja.i18n import _

log = logging.getLogger("kinerja.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
TENANT_PARAM = "tenant"
_SLUG_KEY = "kinerja.tenant_slug"
# Paths that never need to know who is asking (and must work when the database is down).
SKIP_PRINCIPAL = ("/healthz", "/readyz", "/static/", "/favicon.ico", "/api/v1/docs")
# What the pipeline keeps on `g`; cleared at both ends of a request.
REQUEST_KEYS = (
    "request_id",
    "started",
    "tenant",
    "principal",
    "cookie_principal",
    "user_id",
    "csrf_token",
    "plugins_agency",
    "menu_items",
    "principal_cache",
)
API_PREFIX = "/api/"

V = TypeVar("V", bound=Callable[..., Any])


def door(view: V) -> V:
    """Mark a tenant view that a city admin may use before entering (the "enter" action)."""
    view.kinerja_door = True  # type: ignore[attr-defined]
    return view


def is_api() -> bool:
    return request.path.startswith(API_PREFIX)


# --- 1. request state --------------------------------------------------------------------------
def _start() -> None:
    for key in REQUEST_KEYS:
        g.pop(key, None)
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    g.started = time.perf_counter()
    logs.clear()
    logs.bind(request_id=g.request_id)
    audit.set_actor(audit.Actor(request_id=g.request_id, address=request.remote_addr))
    # PostgreSQL refuses NUL in text: refuse it here, clearly, before it reaches a query.
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        abort(400, description=_("Addresses and queries may not contain NUL characters."))


# --- 2. tenant ---------------------------------------------------------------------------------
def _pull_tenant(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Views never see the slug: the pipeline turns it into `g.tenant` below.
    if values and TENANT_PARAM in values:
        request.environ[_SLUG_KEY] = values.pop(TENANT_PARAM)


def _add_tenant(endpoint: str, values: dict[str, Any]) -> None:
    if TENANT_PARAM in values or "tenant" not in g:
        return
    from flask import current_app

    if current_app.url_map.is_endpoint_expecting(endpoint, TENANT_PARAM):
        values[TENANT_PARAM] = g.tenant.slug


def _resolve_tenant() -> None:
    slug = request.environ.get(_SLUG_KEY)
    if slug is None:
        return
    from kinerja.db import bind_tenant, db
    from kinerja.identity import cache
    from kinerja.tenancy.resolve import active_tenant_or_404

    # From the principal cache when nothing changed (no SQL; the principal's cached value comes
    # in the same Redis round trip), else from the database.
    tenant = cache.tenant(slug, active_tenant_or_404)
    bind_tenant(db.session, tenant.id)
    g.tenant = tenant
    logs.bind(tenant=tenant.slug)


# --- 3. principal ------------------------------------------------------------------------------
def _load_principal() -> None:
    if request.path.startswith(SKIP_PRINCIPAL):
        return
    from kinerja.db import db
    from kinerja.httpkit import is_operator
    from kinerja.identity import principal

    tenant = g.get("tenant")
    who = principal.load(db.session, tenant.id if tenant is not None else None, is_operator())
    audit.update_actor(user_id=who.user_id, role=who.role)


# --- 4. the agency gate ------------------------------------------------------------------------
def _gate() -> Any:
    if "tenant" not in g:
        return None
    from flask import current_app

    from kinerja.httpkit import is_operator

    who: perm.Principal = g.get("principal") or perm.Principal()
    if is_api():
        if is_operator():
            return None  # the deployment's operator; each view decides what it may do
        if not who.authenticated:
            by_cookie = g.get("cookie_principal")
            if by_cookie is not None and not perm.is_member(by_cookie):
                abort(404)  # signed in, but nothing of this agency is theirs to write
            raise unauthorized("Sign in first: send Authorization: Bearer <API token>.")
        if not perm.may_be_inside(who):
            abort(404)
        return None
    if not who.authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    view = current_app.view_functions.get(request.endpoint or "")
    if perm.must_enter_first(who):
        if getattr(view, "kinerja_door", False):
            return None
        return render_template("enter_first.html", tenant=g.tenant), 403
    if not perm.may_be_inside(who):
        abort(404)
    return None


# --- 5. CSRF and bodies ------------------------------------------------------------------------
def _body_limit() -> None:
    key = limit_of(current_app.view_functions.get(request.endpoint or ""))
    if key:
        request.max_content_length = int(current_app.config[key])


def _check_forms() -> None:
    from kinerja.identity import BODY_METHODS, check_csrf

    check_csrf()
    # PostgreSQL refuses NUL in text (a 500), and many pages hand their fields to a service
    # without a schema (a token's name, a position's, a reason, the guidance texts): refuse a
    # form with one here, for every page at once. A browser never sends it; the API's forms
    # are read by its schemas, which name the field.
    if request.method in BODY_METHODS and not is_api() and _has_nul(request.form):
        abort(422, description=_("Forms may not contain NUL characters."))


def _has_nul(form: Any) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in form.items(multi=True))


def _check_body() -> None:
    from kinerja.httpkit import check_body

    check_body()


STEPS: tuple[Callable[[], Any], ...] = (
    _start,
    _resolve_tenant,
    _load_principal,
    _gate,
    _body_limit,
    _check_forms,
    _check_body,
)


def _run() -> Any:
    for step in STEPS:
        answer = step()
        if answer is not None:
            return answer
    return None


# No inline scripts or styles anywhere; pages may not be framed. The API's browsable docs page
# (Swagger UI) starts itself with an inline script, so it alone gets that allowance.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
# A chart is an SVG document of its own (shown through <img>): its styles are inline, and it
# may load nothing and run nothing.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
PUBLIC_CACHEABLE = ("/static/", "/favicon.ico", "/bootstrap/", "/api/v1/docs/assets/")


def _security_headers(response: Response) -> None:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    policy = DOCS_CSP if request.path.rstrip("/") == "/api/v1/docs" else CSP
    issuer = current_app.config.get("OIDC_ISSUER")
    if issuer:
        # Signing out is a form whose answer redirects to the provider: browsers apply
        # form-action to that redirect, so the provider's origin is allowed there.
        parts = urlsplit(issuer)
        policy = policy.replace(
            "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}"
        )
    if response.mimetype == "image/svg+xml" and not request.path.startswith("/static/"):
        policy = SVG_CSP
    headers["Content-Security-Policy"] = policy
    headers["Server"] = "Kinerja"  # never the server's name and version
    principal = g.get("principal")
    personal = "tenant" in g or (principal is not None and principal.authenticated)
    if personal or request.path.startswith(("/auth/", "/me")):
        # Personal data and tokens must not stay in a shared computer's cache.
        headers["Cache-Control"] = "no-store"
    elif not request.path.startswith(PUBLIC_CACHEABLE):
        headers.setdefault("Cache-Control", "no-cache")


def _finish(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    _security_headers(response)
    if request.path not in {"/healthz", "/readyz"}:
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "status": response.status_code,
                "duration_ms": round(elapsed, 1),
                "method": request.method,
                "path": request.path,
            },
        )
    return response


def _clear(exc: BaseException | None) -> None:
    logs.clear()
    audit.set_actor(audit.Actor())
    # An app context can outlive a request (tests, CLI): never let who-and-where leak on.
    for key in REQUEST_KEYS:
        g.pop(key, None)


# PostgreSQL's integer: the year and version columns are integers, so a larger number in a path
# overflows in the query (a 500); ids are bigint, but no table comes near 2**31 rows.
INT4_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: a number beyond PostgreSQL's integer matches no route (404), never
    a query that overflows (500). ASCII digits only: werkzeug's `\\d` also matches other
    scripts' digits, which `int()` reads ("/achievement/٢٠٢٦" answered for 2026), the reading
    `kinerja.numbers` refuses everywhere else."""

    regex = "[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT4_MAX)
        super().__init__(map, *args, **kwargs)


class YearConverter(IntegerConverter):
    """`<year:…>` in routes: the performance year, FIRST_YEAR to LAST_YEAR (the range of the
    API's year argument), else no route (404); ASCII digits only, like `IdConverter`."""

    regex = "[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        from kinerja.performance.years import FIRST_YEAR, LAST_YEAR

        super().__init__(map, fixed_digits=4, min=FIRST_YEAR, max=LAST_YEAR)


def init_app(app: Flask) -> None:
    """Register the pipeline first, so nothing runs before the request has an id."""
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.url_map.converters["year"] = YearConverter
    app.url_value_preprocessor(_pull_tenant)
    app.url_defaults(_add_tenant)
    app.before_request_funcs.setdefault(None, []).insert(0, _run)
    app.after_request(_finish)
    app.teardown_request(_clear)
