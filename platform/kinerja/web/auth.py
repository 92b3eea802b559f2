"""Sign-in (SSO and, when enabled, local demo accounts), sign-out, and the no-access page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from redis.exceptions import RedisError
from requests import RequestException

from kinerja import metrics, redis
from kinerja.db import db
from kinerja.identity import oidc, passwords, throttle, users
from kinerja.identity.principal import SESSION_USER
from kinerja.permissions import ROLE_ADMIN_KOTA
from kinerja.tenancy.kinds import ACTIVE
from kinerja.tenancy.models import Tenant
from kinerja.web.views import safe_next

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")


def _landing(user_id: int) -> str:
    """Where a sign-in without a `next` leads: a person of one agency to that agency's home
    (what waits for them is there); the city admin and people of several agencies to their
    profile, which lists the agencies (and the city's pages)."""
    with db.unit_of_work() as s:
        user = users.get_user(s, user_id)
        agencies = {tenant_id for tenant_id, _role in users.memberships(s, user_id)}
        tenant = s.get(Tenant, next(iter(agencies))) if len(agencies) == 1 else None
        if user is None or user.city_admin or tenant is None or tenant.status != ACTIVE:
            return url_for("web.profile")
        return url_for("tenant.home", tenant=tenant.slug)


def _login(user_id: int, **extra: Any) -> Any:
    target = safe_next(session.get("next"), default=_landing(user_id))
    session.clear()
    session[SESSION_USER] = user_id
    session.update(extra)
    session.permanent = True
    # A new session id at every sign-in: a fixated id from before is worthless.
    current_app.session_interface.regenerate(session)  # type: ignore[attr-defined]
    return redirect(target, code=303)


@bp.get("/login")
def login() -> Any:
    wanted = request.args.get("next")
    if wanted and safe_next(wanted, default="/") == wanted:  # a foreign one is forgotten
        session["next"] = wanted
    if oidc.enabled() and not current_app.config["LOCAL_LOGIN"]:
        return redirect(url_for("auth.sso"))  # SSO is the only way in: go straight there
    return render_template(
        "login.html", sso=oidc.enabled(), local=current_app.config["LOCAL_LOGIN"], error=None
    )


@bp.get("/sso")
def sso() -> Any:
    if not oidc.enabled():
        abort(404)
    base = current_app.config["BASE_URL"]
    try:
        return oidc.client().authorize_redirect(base + url_for("auth.callback"))
    except RequestException as error:
        return provider_down(error)


def provider_down(error: Exception) -> Any:
    log.error("SSO provider unreachable: %s", error)
    return render_template("auth_error.html", unavailable=True), 503


@bp.get("/callback")
def callback() -> Any:
    if not oidc.enabled():
        abort(404)
    try:
        token = oidc.client().authorize_access_token()
    except RequestException as error:
        return provider_down(error)
    except (OAuthError, ValueError, KeyError) as error:
        # Tampered or replayed responses land here: authlib checked signature, iss, aud, exp,
        # nonce and state; the provider checked the code and the PKCE verifier.
        log.warning("SSO sign-in refused: %s", error)
        metrics.LOGIN_FAILURES.labels("sso").inc()
        return render_template("auth_error.html", reason=str(error)), 400
    claims = token.get("userinfo") or {}
    cfg = current_app.config
    groups = claims.get(cfg["OIDC_GROUPS_CLAIM"]) or []
    groups = [groups] if isinstance(groups, str) else [str(g) for g in groups]
    # Roles from groups follow the provider: recomputed from these claims at every sign-in.
    city_admin = ROLE_ADMIN_KOTA in users.mapped_roles(groups, cfg["OIDC_ROLE_MAP"])
    with db.unit_of_work() as s:
        user = users.upsert_oidc_user(
            s, cfg["OIDC_ISSUER"], claims, cfg["OIDC_NIP_CLAIM"], city_admin
        )
        user_id, is_city_admin = user.id, user.city_admin
    linked = users.link_by_nip(user, groups, cfg["OIDC_ROLE_MAP"])
    users.drop_sso_roles_elsewhere(user_id, linked)
    with db.unit_of_work() as s:
        has_access = bool(users.memberships(s, user_id)) or is_city_admin
    if not has_access:
        nip_value = claims.get(cfg["OIDC_NIP_CLAIM"])
        return render_template("no_access.html", nip=nip_value), 403
    users.audit_everywhere(user_id, "auth.sign_in", {"method": [None, "sso"]})
    return _login(user_id, id_token=token.get("id_token"))


@bp.post("/local")
def local() -> Any:
    cfg = current_app.config
    if not cfg["LOCAL_LOGIN"]:
        abort(404)
    login_name = request.form.get("login", "").strip()[:254]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or "unknown"
    client = redis.client()

    def refuse(message: Any, code: int, retry_after: int = 0) -> Any:
        page = render_template(
            "login.html", sso=oidc.enabled(), local=True, error=message, login=login_name
        )
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        return page, code, headers

    with db.unit_of_work() as s:
        user = users.find_local(s, login_name) if login_name else None
        user_id, known_hash = (user.id, user.password_hash) if user is not None else (None, None)
    # Counted on the account itself (once the name resolves), so its NIP and its e-mail share
    # one budget and one lock; counted before the password is checked.
    account = throttle.account_key(user_id, login_name)
    try:
        decision = throttle.attempt(
            client,
            account,
            address,
            cfg["LOGIN_MAX_FAILURES"],
            cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        )
    except RedisError as error:
        # Without the counters there is no brute-force protection: refuse, clearly.
        log.error("login rate limiter unavailable: %s", error)
        return render_template("auth_error.html", unavailable=True), 503
    if not decision.allowed:
        return _throttled(decision, user_id, refuse)
    ok = passwords.verify(known_hash, password)
    if not ok or user_id is None:
        log.info("failed sign-in", extra={"address": address})
        metrics.LOGIN_FAILURES.labels("local").inc()
        if user_id is not None:
            users.audit_everywhere(user_id, "auth.sign_in_failed", {"method": [None, "local"]})
        return refuse(_("The NIP/e-mail or password is wrong."), 401)
    with db.unit_of_work() as s:
        signed_in = users.get_user(s, user_id)
        if signed_in is not None:
            signed_in.last_login_at = datetime.now(UTC)
    throttle.succeeded(client, account, address)
    users.audit_everywhere(user_id, "auth.sign_in", {"method": [None, "local"]})
    return _login(user_id)


def _throttled(decision: throttle.Decision, user_id: int | None, refuse: Any) -> Any:
    minutes = max(1, (decision.retry_after + 59) // 60)
    if decision.reason == "locked" and user_id is not None:
        users.audit_everywhere(user_id, "auth.locked", {"minutes": [None, minutes]})
    if decision.reason == "address":
        message = _(
            "Too many sign-in attempts from this network. Try again in %(minutes)s minutes.",
            minutes=minutes,
        )
    else:
        message = _(
            "Too many failed sign-ins for this account. Try again in %(minutes)s minutes.",
            minutes=minutes,
        )
    return refuse(message, 429, decision.retry_after)


@bp.get("/logout")
def confirm_logout() -> Any:
    """A link can lead here; signing out itself is a POST with a CSRF token."""
    return render_template("logout.html")


@bp.post("/logout")
def logout() -> Any:
    id_token = session.get("id_token")
    session.clear()
    home = current_app.config["BASE_URL"] + url_for("web.index")
    if id_token and oidc.enabled():
        # RP-initiated logout: end the session at the provider too.
        try:
            endpoint = oidc.client().load_server_metadata().get("end_session_endpoint")
        except RequestException as error:  # signed out here all the same
            log.warning("SSO provider unreachable at sign-out: %s", error)
            endpoint = None
        if endpoint:
            query = urlencode(
                {
                    "id_token_hint": id_token,
                    "post_logout_redirect_uri": home,
                    "client_id": current_app.config["OIDC_CLIENT_ID"],
                }
            )
            return redirect(f"{endpoint}?{query}", code=303)
    return redirect(home, code=303)
