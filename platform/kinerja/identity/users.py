"""Users (global identities), their roles per agency, and how they are linked to employees.

A role can come from three sources (`Membership.source`): granted by hand, from the provider's
groups at sign-in, or with an active employee record. Each source adds and removes only its own
grants, so removing a group at the provider never takes away a role an admin gave by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.db import db
from kinerja.exceptions import Conflict, Invalid, NotFound
from kinerja.i18n import _
from kinerja.identity.models import (
    ROLE_ADMIN_OPD,
    ROLE_PEGAWAI,
    SOURCE_ADMIN,
    SOURCE_EMPLOYEE,
    SOURCE_SSO,
    ApiToken,
    Membership,
    User,
)
from kinerja.people import addresses
from kinerja.people.models import Employee
from kinerja.permissions import TENANT_ROLES

log = logging.getLogger(__name__)


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_local(session: Session, login: str) -> User | None:
    """A local account by NIP or e-mail."""
    login = login.strip()
    return session.scalar(
        select(User).where(
            or_(User.nip == login, func.lower(User.email) == login.lower()),
            User.password_hash.is_not(None),
            User.active,
        )
    )


def memberships(session: Session, user_id: int) -> list[tuple[int, str]]:
    """(tenant id, role) of every membership of the user, across tenants."""
    rows = session.execute(
        text("SELECT tenant_id, role FROM kinerja_user_memberships(:u) ORDER BY tenant_id, role"),
        {"u": user_id},
    )
    return [(int(r.tenant_id), str(r.role)) for r in rows]


def roles_in(session: Session, user_id: int) -> frozenset[str]:
    """Roles of the user in the session's tenant, whatever their source."""
    return frozenset(session.scalars(select(Membership.role).where(Membership.user_id == user_id)))


def query_memberships() -> Select[Any]:
    """Who holds which role in the session's tenant, one row per user and role."""
    query: Select = (
        select(
            Membership.user_id, Membership.role, func.min(Membership.created_at).label("created_at")
        )
        .group_by(Membership.user_id, Membership.role)
        .order_by(Membership.user_id, Membership.role)
    )
    return query


def ensure_membership(
    session: Session, user_id: int, role: str, source: str = SOURCE_ADMIN
) -> bool:
    """Grant `role` from `source` in the session's tenant (idempotent); audited when new."""
    exists = session.scalar(
        select(Membership.role).where(
            Membership.user_id == user_id, Membership.role == role, Membership.source == source
        )
    )
    if exists:
        return False
    session.add(Membership(user_id=user_id, role=role, source=source))
    session.flush()
    audit.record(
        session,
        "membership.create",
        "membership",
        f"{user_id}:{role}",
        changes={"role": [None, role], "user_id": [None, user_id], "source": [None, source]},
    )
    return True


def _drop(session: Session, user_id: int, role: str | None, source: str | None) -> list[str]:
    """Delete matching grants; audit each role that the user no longer holds at all."""
    query = delete(Membership).where(Membership.user_id == user_id)
    if role is not None:
        query = query.where(Membership.role == role)
    if source is not None:
        query = query.where(Membership.source == source)
    removed = list(session.scalars(query.returning(Membership.role)))
    session.flush()
    still = roles_in(session, user_id)
    gone = sorted(set(removed) - still)
    for lost in gone:
        audit.record(
            session,
            "membership.delete",
            "membership",
            f"{user_id}:{lost}",
            changes={"role": [lost, None], "source": [source, None]},
        )
    return gone


def grant_by_nip(session: Session, nip_value: str, role: str) -> dict[str, Any]:
    """Give `role` by hand to the account of the employee with this NIP in the session's tenant."""
    if role not in TENANT_ROLES:
        raise Invalid("role", _("Choose a role."))
    employee = session.scalar(
        select(Employee).where(Employee.nip == nip_value.strip(), Employee.active)
    )
    if employee is None:
        raise Invalid("nip", _("No active employee of this agency has this NIP."))
    if employee.user_id is None:
        raise Conflict(_("This employee has not signed in yet; roles follow the first sign-in."))
    ensure_membership(session, employee.user_id, role, SOURCE_ADMIN)
    return {
        "user_id": employee.user_id,
        "role": role,
        "created_at": datetime.now(UTC),
    }


def remove_membership(
    session: Session, acting_user_id: int | None, user_id: int, role: str
) -> None:
    """Take a role granted by hand away; an admin cannot demote themself. Audited."""
    held = session.scalars(
        select(Membership.source).where(Membership.user_id == user_id, Membership.role == role)
    ).all()
    if not held:
        raise NotFound()
    if user_id == acting_user_id and role == ROLE_ADMIN_OPD:
        raise Conflict(
            _("You cannot remove your own admin role; ask another admin or the city admin.")
        )
    if SOURCE_ADMIN not in held:
        if SOURCE_SSO in held:
            raise Conflict(
                _("This role comes from the single sign-on groups; change it at the provider.")
            )
        raise Conflict(
            _("This role comes with the employee record; make the employee inactive instead.")
        )
    _drop(session, user_id, role, SOURCE_ADMIN)


def sync_sso_roles(session: Session, user_id: int, roles: Iterable[str]) -> None:
    """Make the user's group-granted roles in the session's tenant exactly `roles`."""
    wanted = {r for r in roles if r in TENANT_ROLES}
    current = set(
        session.scalars(
            select(Membership.role).where(
                Membership.user_id == user_id, Membership.source == SOURCE_SSO
            )
        )
    )
    for role in sorted(wanted - current):
        ensure_membership(session, user_id, role, SOURCE_SSO)
    for role in sorted(current - wanted):
        _drop(session, user_id, role, SOURCE_SSO)


def employees_with_nip(session: Session, nip: str) -> list[tuple[int, int, int | None]]:
    rows = session.execute(text("SELECT * FROM kinerja_employees_by_nip(:n)"), {"n": nip})
    return [(int(r.tenant_id), int(r.employee_id), r.user_id) for r in rows]


def mapped_roles(groups: Iterable[str], role_map: Mapping[str, str]) -> set[str]:
    return {role_map[g] for g in groups if g in role_map}


def link_by_nip(
    user: User, groups: Iterable[str] = (), role_map: Mapping[str, str] | None = None
) -> list[int]:
    """Link `user` to the active employees carrying their NIP; grant the employee's pegawai role
    and recompute the group-granted roles there. Returns the tenant ids linked."""
    group_roles = mapped_roles(groups, role_map or {})
    linked: list[int] = []
    if not user.nip:
        return linked
    with db.unit_of_work() as session:
        found = employees_with_nip(session, user.nip)
    for tenant_id, employee_id, owner in found:
        if owner is not None and owner != user.id:
            continue  # already someone else's: an admin must sort it out, never silently move it
        with db.unit_of_work(tenant_id) as session, audit.acting(audit.Actor(user_id=user.id)):
            employee = session.scalar(select(Employee).where(Employee.id == employee_id))
            if employee is None:
                continue
            if employee.user_id is None:
                employee.user_id = user.id
                audit.record(
                    session,
                    "employee.link_user",
                    "employee",
                    employee.id,
                    changes={"user_id": [None, user.id]},
                    subject_employee_id=employee.id,
                )
            ensure_membership(session, user.id, ROLE_PEGAWAI, SOURCE_EMPLOYEE)
            sync_sso_roles(session, user.id, group_roles)
        linked.append(tenant_id)
    return linked


def drop_sso_roles_elsewhere(user_id: int, linked: Iterable[int]) -> None:
    """Group-granted roles in agencies the user is no longer linked to go too."""
    keep = set(linked)
    with db.unit_of_work() as session:
        tenants = {t for t, _ in memberships(session, user_id)} - keep
    for tenant_id in sorted(tenants):
        with db.unit_of_work(tenant_id) as session, audit.acting(audit.Actor(user_id=user_id)):
            sync_sso_roles(session, user_id, ())


def upsert_oidc_user(
    session: Session, issuer: str, claims: Mapping[str, Any], nip_claim: str, city_admin: bool
) -> User:
    """The user behind these claims; the SSO city-admin flag follows the claims every time."""
    subject = str(claims["sub"])
    user = session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    nip = str(claims.get(nip_claim) or "").strip()[:18] or None
    name = str(claims.get("name") or claims.get("preferred_username") or nip or subject)
    if user is None and nip:
        # A known person (e.g. created by an import or an earlier account) signs in by SSO.
        user = session.scalar(select(User).where(User.nip == nip))
    if user is None:
        user = User(display_name=name[:200])
        session.add(user)
    user.oidc_issuer, user.oidc_subject = issuer, subject[:255]
    user.display_name = name[:200]
    try:  # the same rule as every other edge; a bad claim keeps the address we had
        user.email = addresses.clean(claims.get("email")) or user.email
    except ValueError:
        log.warning("ignoring an invalid e-mail claim for subject %s", subject)
    if nip:
        user.nip = nip
    user.sso_city_admin = city_admin
    user.last_login_at = datetime.now(UTC)
    session.flush()
    return user


def leave(session: Session, user_id: int) -> list[str]:
    """The user leaves the session's agency: every role there and every token there end now.

    Sessions need no action: the commit moves the agency's version of the principal cache
    (`identity/versions.py`), so a browser session of this user finds nothing in this agency
    from the next request on, in every worker.
    """
    gone = _drop(session, user_id, None, None)
    now = datetime.now(UTC)
    revoked = session.scalars(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(ApiToken.id)
    ).all()
    for token_id in revoked:
        audit.record(
            session,
            "token.revoke",
            "api_token",
            token_id,
            changes={"revoked_at": [None, now.isoformat()], "reason": [None, "left"]},
        )
    return gone


def audit_everywhere(user_id: int, action: str, changes: Mapping[str, Any] | None = None) -> None:
    """Record a sign-in event in the audit log of every agency the user belongs to (the log is
    per agency; an account that belongs nowhere leaves only the application log)."""
    with db.unit_of_work() as session:
        tenants = sorted({t for t, _ in memberships(session, user_id)})
    for tenant_id in tenants:
        with db.unit_of_work(tenant_id) as session:
            employee_id = session.scalar(select(Employee.id).where(Employee.user_id == user_id))
            audit.record(
                session,
                action,
                "user",
                user_id,
                changes=changes,
                subject_employee_id=employee_id,
                actor_user_id=user_id,
            )


def other_admin(session: Session, user_id: int | None) -> bool:
    """Whether the session's agency has an admin OPD other than this user (the one evaluated
    may be the only one: then nobody else could review their evaluation)."""
    found = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.role == ROLE_ADMIN_OPD, Membership.user_id != (user_id or -1))
    )
    return bool(found)
