"""Writing and reading the audit log: one call per state change, with the diff of what changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Insert, Select, String, Table, bindparam, cast, insert, select
from sqlalchemy.orm import Session

from kinerja import permissions as perm
from kinerja.audit.context import current_actor
from kinerja.audit.models import AuditEntry
from kinerja.db import idempotency
from kinerja.db.scoping import current_tenant_id

AUDIT = "audit"  # the permission kind of an audit entry
ENTER_ACTION = "city_admin.enter"


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for every field whose value changed (missing counts as None)."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def fields(
    action: str,
    object_type: str,
    *,
    changes: Mapping[str, Any] | None = None,
    subject_employee_id: int | None = None,
    actor_user_id: int | None = None,
    actor_role: str | None = None,
) -> dict[str, Any]:
    """The columns of an entry but its tenant and object (and `at`, the database's clock):
    what `record` and `insert_for` write, so both write the same row."""
    actor = current_actor()
    return {
        "actor_user_id": actor_user_id if actor_user_id is not None else actor.user_id,
        "actor_role": actor_role or actor.role,
        "action": action,
        "object_type": object_type,
        "subject_employee_id": subject_employee_id,
        "changes": dict(changes or {}),
        "request_id": actor.request_id,
        "address": actor.address,
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
    """Append an entry in the session's tenant; the caller's transaction commits it.

    Who acted comes from the current actor (`kinerja.audit.context`) unless given here.
    """
    entry = AuditEntry(
        object_id=None if object_id is None else str(object_id)[:64],
        **fields(
            action,
            object_type,
            changes=changes,
            subject_employee_id=subject_employee_id,
            actor_user_id=actor_user_id,
            actor_role=actor_role,
        ),
    )
    session.add(entry)
    return entry


def record_many(session: Session, rows: Sequence[tuple[object, Mapping[str, Any]]]) -> None:
    """Append several entries at once, each `(object_id, fields(...))`, in one multi-row INSERT
    sent now (a bulk decision writes one per entry; one statement, not one each)."""
    if not rows:
        return
    tenant_id = current_tenant_id(session)
    session.execute(
        insert(AuditEntry),
        [
            {"tenant_id": tenant_id, "object_id": str(object_id)[:64], **values}
            for object_id, values in rows
        ],
    )


def insert_for(tenant_id: int, row: Mapping[str, Any]) -> idempotency.Also:
    """The audit row (`fields`) of the row a `kinerja.db.idempotency.claim` inserts, as an
    INSERT … SELECT reading its id: sent in the same statement as the insert (a data-modifying
    CTE), it costs no round trip, and when the insert did nothing (a replayed key) neither does
    it."""
    table: Table = AuditEntry.__table__  # type: ignore[assignment]
    names = tuple(row)

    def build(created: Any) -> Insert:
        values = [
            bindparam("audit_tenant_id", type_=table.c.tenant_id.type),
            cast(created.c.id, String),
            *(bindparam(f"audit_{name}", type_=table.c[name].type) for name in names),
        ]
        return insert(table).from_select(
            ["tenant_id", "object_id", *names], select(*values).select_from(created)
        )

    params = {f"audit_{name}": value for name, value in row.items()}
    return idempotency.Also(("audit", names), build, params | {"audit_tenant_id": tenant_id})


def _rule(p: perm.Principal, action: str, r: perm.Resource) -> bool:
    if action != perm.VIEW:
        return False  # append-only: nobody edits the record
    if perm.is_agency_admin(p):
        return True
    if perm.is_visiting_city_admin(p):
        return r.extra.get("action") == ENTER_ACTION
    return r.employee_id is not None and r.employee_id == p.employee_id


perm.register(AUDIT, _rule)


def may_see_origin(principal: perm.Principal) -> bool:
    """Whether `principal` reads where an entry came from (the address, the request id): the
    agency's admin, who investigates. Never the person an entry is about: a pegawai reading
    their own record learns what was done and by whom, not their superior's or admin's IP."""
    return perm.is_agency_admin(principal)


def visible_entries(principal: perm.Principal) -> Select[Any] | None:
    """The audit entries `principal` may read in their tenant, newest first; None for none.

    Admin OPD: all of the agency's. A city admin who entered: the records of entries. A pegawai:
    the entries about themself.
    """
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if not perm.may_be_inside(principal):
        return None
    if perm.is_agency_admin(principal):
        return query
    if perm.is_visiting_city_admin(principal):
        return query.where(AuditEntry.action == ENTER_ACTION)
    if principal.employee_id is not None:
        return query.where(AuditEntry.subject_employee_id == principal.employee_id)
    return None
