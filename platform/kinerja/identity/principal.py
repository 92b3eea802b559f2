"""Who is asking: built once per request from the session cookie or a bearer token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, g, request, session
from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.i18n import _
from kinerja.identity import tokens
from kinerja.identity.models import User
from kinerja.identity.users import roles_in
from kinerja.people import overseers, raters
from kinerja.people.employees import subordinate_ids
from kinerja.people.models import Employee
from kinerja.permissions import ROLE_ADMIN_OPD, Principal, Resource, can

SESSION_USER = "user_id"
SESSION_ENTERED = "entered_tenants"
# A token's last use is recorded at most this often: reads must not each cost a write.
LAST_USED_EVERY = timedelta(minutes=1)


def _bearer(tenant_id: int | None, operator: bool) -> str | None:
    """The personal API token this request authenticates with, if any.

    Only an agency's routes need someone (outside them a route is public or asks for a signed-in
    city admin itself), so only they check the token: a client that sends its header everywhere
    still gets the API description and the list of agencies. Inside an agency a Bearer value that
    is neither the operator's token nor shaped like ours is refused as RFC 6750 says (401,
    `error="invalid_token"`), not taken for an anonymous request nor for another agency's.
    """
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or tenant_id is None or operator:
        return None
    token = value.strip()
    if tokens.token_tenant(token) is None:
        _refused(_("The API token is malformed: send the knj_… token you were given."))
    return token


def _refused(message: Any) -> None:
    from kinerja.errors import unauthorized

    raise unauthorized(message, invalid_token=True)


def load(db_session: Session, tenant_id: int | None, operator: bool = False) -> Principal:
    """The principal of this request in `tenant_id` (None outside any tenant); sets g.principal.
    `operator`: the Authorization header carries the deployment operator's token (no person)."""
    token = _bearer(tenant_id, operator)
    user_id: int | None = None
    token_role: str | None = None
    if token is not None:
        if tokens.token_tenant(token) != tenant_id:
            abort(404)  # another agency's token: nothing here for it
        record = tokens.lookup(db_session, token)
        if record is None:
            _refused(_("The API token is unknown, revoked or expired."))
        assert record is not None
        now = datetime.now(UTC)
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_EVERY:
            tokens.touch(db_session, record, now)
        user_id, token_role = record.user_id, record.role
    elif request.path.startswith("/api/") and request.method not in {"GET", "HEAD", "OPTIONS"}:
        # API writes authenticate by token only: a cookie alone could be a cross-site request.
        # Who the cookie belongs to still decides between "not here at all" (404) and "use a
        # token" (401), so another agency's staff learn nothing either way.
        user_id = None
        cookie_user = db_session.get(User, session.get(SESSION_USER) or 0)
        if cookie_user is not None and cookie_user.active:
            g.cookie_principal = _build(db_session, cookie_user, tenant_id, None)
    elif request.path.startswith("/api/") and "Authorization" in request.headers:
        user_id = None  # another scheme (the operator's): the browser session is not asked
    else:
        user_id = session.get(SESSION_USER)
    principal = Principal(tenant_id=tenant_id)
    if user_id is not None:
        user = db_session.get(User, user_id)
        if user is None or not user.active:
            session.pop(SESSION_USER, None)
            if token is not None:
                _refused(_("The API token's user is no longer active."))
        else:
            principal = _build(db_session, user, tenant_id, token_role)
    g.principal = principal
    g.user_id = principal.user_id
    return principal


def _build(
    db_session: Session, user: User, tenant_id: int | None, token_role: str | None
) -> Principal:
    if tenant_id is None:
        return Principal(user_id=user.id, city_admin=user.city_admin, name=user.display_name)
    roles = roles_in(db_session, user.id)
    if token_role is not None:
        # A token never has more than its role, nor more than its user still has.
        roles = roles & {token_role} if token_role == "pegawai" else roles & {token_role, "pegawai"}
    employee_id = db_session.scalar(
        select(Employee.id).where(Employee.user_id == user.id, Employee.active)
    )
    if employee_id is None:
        roles = frozenset()  # no active employee record here: no agency role either
    subs = subordinate_ids(db_session, employee_id) if employee_id and roles else frozenset()
    decides = (
        raters.decides_for(db_session, employee_id, ROLE_ADMIN_OPD in roles)
        if employee_id and roles
        else frozenset()
    )
    # the agency's head or someone it names: sees the agency as a whole (read-only)
    sees_all = bool(roles) and overseers.oversees(db_session, employee_id)
    entered = tenant_id in session.get(SESSION_ENTERED, []) and token_role is None
    return Principal(
        user_id=user.id,
        tenant_id=tenant_id,
        roles=roles,
        employee_id=employee_id,
        subordinate_ids=subs,
        decides_for=decides,
        city_admin=user.city_admin and token_role is None,
        entered_tenant=entered,
        oversees=sees_all,
        name=user.display_name,
    )


def current() -> Principal:
    return g.get("principal") or Principal()


def require(action: str, resource: Resource) -> Principal:
    """Allow, or answer 401 (not signed in), 404 (may not even see it) or 403 (may only see it)."""
    principal = current()
    if can(principal, action, resource):
        return principal
    if not principal.authenticated:
        _refused("Sign in first.")
    if action != "view" and can(principal, "view", resource):
        abort(403, description="You may see this but not change it.")
    abort(404)
