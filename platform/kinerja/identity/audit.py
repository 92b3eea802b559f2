"""Writing the audit log: one call per state change, with the diff of what changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g, has_request_context, request
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
