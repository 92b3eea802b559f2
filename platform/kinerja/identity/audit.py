"""Writing the audit log: one call per state change, with the diff of what changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kinerja import logs
from kinerja.identity.models import AuditEntry


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for every field whose value changed (missing counts as None)."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    session: Session,
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    changes: Mapping[str, Any] | None = None,
    subject_employee_id: int | None = None,
    actor_user_id: int | None = None,
    actor_role: str | None = None,
) -> AuditEntry:
    """Append an entry in the session's tenant; the caller's transaction commits it."""
    principal = g.get("principal") if has_request_context() else None
    if principal is not None:
        actor_user_id = actor_user_id if actor_user_id is not None else principal.user_id
        actor_role = actor_role or principal.role
    entry = AuditEntry(
        actor_user_id=actor_user_id,
        actor_role=actor_role,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        subject_employee_id=subject_employee_id,
        changes=dict(changes or {}),
        request_id=logs.current().get("request_id"),
        address=request.remote_addr if has_request_context() else None,
    )
    session.add(entry)
    return entry


def visible_entries(principal: Any, tenant_id: int) -> Select[Any] | None:
    """The audit entries `principal` may read in `tenant_id`, newest first; None for none.

    Admin OPD: all of the agency's. A city admin who entered: the records of entries. A pegawai:
    the entries about themself.
    """
    from kinerja.identity import permissions as perm

    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if perm.can(
        principal, perm.VIEW, perm.Resource(perm.AUDIT, tenant_id, employee_id=-1, user_id=-1)
    ):
        return query
    if principal.city_admin and principal.entered_tenant and not principal.roles:
        return query.where(AuditEntry.action == "city_admin.enter")
    if principal.employee_id is not None and principal.roles:
        return query.where(AuditEntry.subject_employee_id == principal.employee_id)
    return None
