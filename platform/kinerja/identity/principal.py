"""Who is asking: built once per request from the session cookie or a bearer token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from flask import abort, g, request, session
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kinerja.i18n import _
from kinerja.identity import cache, tokens
from kinerja.identity.models import User
from kinerja.identity.users import roles_in
from kinerja.people import overseers, raters
from kinerja.people.employees import subordinate_ids
from kinerja.people.models import Employee
from kinerja.permissions import ROLE_ADMIN_OPD, Principal, Resource, can

SESSION_USER = cache.SESSION_USER  # "user_id"
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
    `operator`: the Authorization header carries the deployment operator's token (no person).

    Inside an agency the facts come from the principal cache when nothing changed
    (`identity/cache.py`, read by the tenant step), else from the database, then cached."""
    token = _bearer(tenant_id, operator)
    ahead = cache.prefetched() if tenant_id is not None else None
    principal = Principal(tenant_id=tenant_id)
    if token is not None:
        if tokens.token_tenant(token) != tenant_id or tenant_id is None:
            abort(404)  # another agency's token: nothing here for it
        principal = _by_token(db_session, tenant_id, token, ahead)
    elif request.path.startswith("/api/") and request.method not in {"GET", "HEAD", "OPTIONS"}:
        # API writes authenticate by token only: a cookie alone could be a cross-site request.
        # Who the cookie belongs to still decides between "not here at all" (404) and "use a
        # token" (401), so another agency's staff learn nothing either way.
        cookie_user = session.get(SESSION_USER)
        facts = _user_facts(db_session, cookie_user, tenant_id, ahead) if cookie_user else None
        if facts is not None:
            g.cookie_principal = _principal(db_session, facts, tenant_id, None)
    elif request.path.startswith("/api/") and "Authorization" in request.headers:
        pass  # another scheme (the operator's): the browser session is not asked
    else:
        user_id = session.get(SESSION_USER)
        if user_id is not None:
            facts = _user_facts(db_session, user_id, tenant_id, ahead)
            if facts is None:
                session.pop(SESSION_USER, None)
            else:
                principal = _principal(db_session, facts, tenant_id, None)
    g.principal = principal
    g.user_id = principal.user_id
    return principal


def _user_facts(
    db_session: Session, user_id: Any, tenant_id: int | None, ahead: cache.Prefetch | None
) -> cache.Facts | None:
    """What the signed-in user is here; None when the account is gone or inactive."""
    who = ("u", str(user_id))
    hit = ahead.hit(who) if ahead is not None else None
    if hit is not None:
        return cache.Facts.load(hit["p"])
    user = db_session.get(User, user_id)
    if user is None or not user.active:
        return None
    facts = _facts(db_session, user, tenant_id, None, rater=ahead is not None)
    if ahead is not None:
        ahead.store(who, {"p": facts.dump()})
    return facts


def _by_token(
    db_session: Session, tenant_id: int, token: str, ahead: cache.Prefetch | None
) -> Principal:
    now = datetime.now(UTC)
    who = ("t", tokens.hash_token(token))
    hit = ahead.hit(who) if ahead is not None else None
    if hit is not None:
        seen = cache.TokenFacts.load(hit["t"])
        if seen.expired(now):
            _refused(_("The API token is unknown, revoked or expired."))
        facts = cache.Facts.load(hit["p"])
        if _due(seen.last_used_at, now):
            tokens.touch(db_session, seen.id, now)
            assert ahead is not None
            ahead.store(who, {"t": {**hit["t"], "last_used_at": now.isoformat()}, "p": hit["p"]})
        return _principal(db_session, facts, tenant_id, seen.role)
    record = tokens.lookup(db_session, token)
    if record is None:
        _refused(_("The API token is unknown, revoked or expired."))
    assert record is not None
    if _due(record.last_used_at, now):
        tokens.touch(db_session, record.id, now)
        set_committed_value(record, "last_used_at", now)
    user = db_session.get(User, record.user_id)
    if user is None or not user.active:
        session.pop(SESSION_USER, None)
        _refused(_("The API token's user is no longer active."))
    assert user is not None
    facts = _facts(db_session, user, tenant_id, record.role, rater=ahead is not None)
    if ahead is not None:
        ahead.store(who, {"t": cache.TokenFacts.of(record).dump(), "p": facts.dump()})
    return _principal(db_session, facts, tenant_id, record.role)


def _due(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= LAST_USED_EVERY


def _facts(
    db_session: Session,
    user: User,
    tenant_id: int | None,
    token_role: str | None,
    *,
    rater: bool = False,
) -> cache.Facts:
    """What `user` is in `tenant_id`, from the database (within `token_role` for a token).
    `rater`: work out their rater now (a value about to be cached), not when first asked."""
    if tenant_id is None:
        return cache.Facts(
            user.id, frozenset(), None, frozenset(), user.city_admin, False, user.display_name
        )
    roles = roles_in(db_session, user.id)
    if token_role is not None:
        # A token never has more than its role, nor more than its user still has.
        roles = roles & {token_role} if token_role == "pegawai" else roles & {token_role, "pegawai"}
    employee = db_session.scalar(
        select(Employee).where(Employee.user_id == user.id, Employee.active)
    )
    employee_id = employee.id if employee is not None else None
    if employee_id is None:
        roles = frozenset()  # no active employee record here: no agency role either
    decides = (
        raters.decides_for(db_session, employee_id, ROLE_ADMIN_OPD in roles)
        if employee_id and roles
        else frozenset()
    )
    # the agency's head or someone it names: sees the agency as a whole (read-only)
    sees_all = bool(roles) and overseers.oversees(db_session, employee_id)
    above = raters.active_above(db_session, employee)[0] if rater and employee else None
    return cache.Facts(
        user.id,
        roles,
        employee_id,
        decides,
        user.city_admin,
        sees_all,
        user.display_name,
        rater_id=above.id if above is not None else None,
        rater_known=rater,
    )


def _principal(
    db_session: Session, facts: cache.Facts, tenant_id: int | None, token_role: str | None
) -> Principal:
    if tenant_id is None:
        return Principal(user_id=facts.user_id, city_admin=facts.city_admin, name=facts.name)
    # The subordinates tree (a recursive query) is walked only if a rule asks for it. Anyone
    # with a subordinate decides on at least that direct one (`raters.rated_by` starts from
    # the direct subordinates), so deciding on nobody means no tree to walk at all.
    subs: frozenset[int] | Callable[[], frozenset[int]] = frozenset()
    if facts.employee_id is not None and facts.decides_for:
        subs = partial(subordinate_ids, db_session, facts.employee_id)
    rater: int | Callable[[], int | None] | None = facts.rater_id
    if not facts.rater_known:
        rater = partial(raters.rater_of, db_session, facts.employee_id)
    entered = tenant_id in session.get(SESSION_ENTERED, []) and token_role is None
    return Principal(
        user_id=facts.user_id,
        tenant_id=tenant_id,
        roles=facts.roles,
        employee_id=facts.employee_id,
        subordinate_ids=subs,
        decides_for=facts.decides_for,
        city_admin=facts.city_admin and token_role is None,
        entered_tenant=entered,
        oversees=facts.oversees,
        name=facts.name,
        rater_id=rater,
        complete=facts.employee_id is not None,
    )


def build(
    db_session: Session, user: User, tenant_id: int | None, token_role: str | None = None
) -> Principal:
    """`user`'s principal in `tenant_id`, straight from the database (no cache): for jobs and
    checks that compare with what a request would see."""
    return _principal(
        db_session, _facts(db_session, user, tenant_id, token_role), tenant_id, token_role
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
