"""Users (global identities) and how they are linked to employees and memberships."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from kinerja.db import db
from kinerja.identity import audit
from kinerja.identity.models import ROLE_ADMIN_OPD, ROLE_PEGAWAI, Employee, Membership, User


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
    """Roles of the user in the session's tenant."""
    return frozenset(session.scalars(select(Membership.role).where(Membership.user_id == user_id)))


def ensure_membership(session: Session, user_id: int, role: str) -> bool:
    exists = session.scalar(
        select(Membership.role).where(Membership.user_id == user_id, Membership.role == role)
    )
    if exists:
        return False
    session.add(Membership(user_id=user_id, role=role))
    session.flush()
    audit.record(
        session,
        "membership.create",
        "membership",
        f"{user_id}:{role}",
        changes={"role": [None, role], "user_id": [None, user_id]},
    )
    return True


def employees_with_nip(session: Session, nip: str) -> list[tuple[int, int, int | None]]:
    rows = session.execute(text("SELECT * FROM kinerja_employees_by_nip(:n)"), {"n": nip})
    return [(int(r.tenant_id), int(r.employee_id), r.user_id) for r in rows]


def link_by_nip(
    user: User, groups: Iterable[str] = (), role_map: Mapping[str, str] | None = None
) -> list[int]:
    """Link `user` to the active employees carrying their NIP; grant memberships. Tenant ids."""
    role_map = role_map or {}
    mapped = {role_map[g] for g in groups if g in role_map}
    linked: list[int] = []
    if not user.nip:
        return linked
    with db.unit_of_work() as session:
        found = employees_with_nip(session, user.nip)
    for tenant_id, employee_id, owner in found:
        if owner is not None and owner != user.id:
            continue  # already someone else's: an admin must sort it out, never silently move it
        with db.unit_of_work(tenant_id) as session:
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
                    actor_user_id=user.id,
                )
            ensure_membership(session, user.id, ROLE_PEGAWAI)
            if ROLE_ADMIN_OPD in mapped:
                ensure_membership(session, user.id, ROLE_ADMIN_OPD)
        linked.append(tenant_id)
    return linked


def upsert_oidc_user(
    session: Session, issuer: str, claims: Mapping[str, Any], nip_claim: str, city_admin: bool
) -> User:
    subject = str(claims["sub"])
    user = session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    nip = str(claims.get(nip_claim) or "").strip() or None
    name = str(claims.get("name") or claims.get("preferred_username") or nip or subject)
    if user is None and nip:
        # A known person (e.g. created by an import or an earlier account) signs in by SSO.
        user = session.scalar(select(User).where(User.nip == nip))
    if user is None:
        user = User(display_name=name)
        session.add(user)
    user.oidc_issuer, user.oidc_subject = issuer, subject
    user.display_name = name[:200]
    user.email = claims.get("email") or user.email
    if nip:
        user.nip = nip
    if city_admin:
        user.is_city_admin = True
    user.last_login_at = datetime.now(UTC)
    session.flush()
    return user


def remove_membership(
    session: Session, acting_user_id: int | None, user_id: int, role: str
) -> None:
    """Take a role away in the session's tenant; an admin cannot demote themself. Audited."""
    from kinerja.exceptions import Conflict, NotFound

    membership = session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.role == role)
    )
    if membership is None:
        raise NotFound("Not found")
    if user_id == acting_user_id and role == ROLE_ADMIN_OPD:
        raise Conflict("You cannot remove your own admin role")
    session.delete(membership)
    audit.record(
        session,
        "membership.delete",
        "membership",
        f"{user_id}:{role}",
        changes={"role": [role, None]},
    )
