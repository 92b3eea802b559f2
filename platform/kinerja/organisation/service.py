"""Unit kerja operations; the session is already scoped to one tenant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from kinerja import audit, workflow
from kinerja.db.load import load_or_404
from kinerja.db.search import contains
from kinerja.exceptions import Conflict, Invalid
from kinerja.i18n import _
from kinerja.organisation.models import OrgUnit


def query_units(parent_id: int | None = None, q: str | None = None) -> Select[Any]:
    query = select(OrgUnit).order_by(OrgUnit.code, OrgUnit.id)
    if parent_id is not None:
        query = query.where(OrgUnit.parent_id == parent_id)
    if q:
        pattern = contains(q)
        query = query.where(or_(OrgUnit.code.ilike(pattern), OrgUnit.name.ilike(pattern)))
    return query


def count_units(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OrgUnit)) or 0


def get_unit(session: Session, unit_id: int) -> OrgUnit:
    return load_or_404(session, OrgUnit, unit_id)


def changing(session: Session) -> None:
    """Each change of the agency's units waits for the one before it to commit (a lock on the
    tree): two moves at once could each pass the cycle check and make a loop, a unit deleted
    while a sub-unit is added under it could lose the check, and an edit's If-Match is then
    compared with what the edit before it left. Units change rarely; waiting costs nothing."""
    workflow.agency_lock(session, "org_unit")


def as_tree(units: list[OrgUnit]) -> list[tuple[int, OrgUnit]]:
    """(depth, unit) in tree order, children under their parent; orphans at the top level."""
    known = {u.id for u in units}
    by_parent: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in known else None
        by_parent.setdefault(parent, []).append(unit)
    tree: list[tuple[int, OrgUnit]] = []
    stack = [(0, u) for u in reversed(by_parent.get(None, []))]
    seen: set[int] = set()
    while stack:  # iterative: a deep tree must not exhaust the recursion limit
        depth, unit = stack.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        tree.append((depth, unit))
        stack.extend((depth + 1, c) for c in reversed(by_parent.get(unit.id, [])))
    return tree


def _check_code_free(session: Session, code: str, unit_id: int | None = None) -> None:
    query = select(OrgUnit.id).where(OrgUnit.code == code)
    if unit_id is not None:
        query = query.where(OrgUnit.id != unit_id)
    if session.scalar(query) is not None:
        raise Conflict(_("A unit with code %(code)s already exists.", code=code))


def _check_parent(session: Session, parent_id: int | None, unit_id: int | None = None) -> None:
    if parent_id is None:
        return
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None:
        if current == unit_id:
            raise Conflict(_("A unit cannot sit under itself or one of its own sub-units."))
        if current in seen:  # an existing cycle (should not happen) must not hang the request
            raise Conflict(_("The unit tree already has a cycle; fix it before moving units."))
        seen.add(current)
        # The column, not the object: a unit the session loaded before the lock keeps its
        # old parent in the identity map.
        parent = session.execute(select(OrgUnit.parent_id).where(OrgUnit.id == current)).first()
        if parent is None:
            if current == parent_id:
                raise Invalid("parent_id", _("This unit does not exist in this agency."))
            break
        current = parent.parent_id


FIELDS = ("code", "name", "parent_id")


def _snapshot(unit: OrgUnit) -> dict[str, Any]:
    return {key: getattr(unit, key) for key in FIELDS}


# Every change is audited here, so the API, the pages and any future caller are alike.
# `actor_role` names who acted when it is not a signed-in person (the operator token).
def create_unit(
    session: Session, data: Mapping[str, Any], actor_role: str | None = None
) -> OrgUnit:
    changing(session)
    _check_code_free(session, data["code"])
    _check_parent(session, data.get("parent_id"))
    unit = OrgUnit(code=data["code"], name=data["name"], parent_id=data.get("parent_id"))
    session.add(unit)
    session.flush()
    audit.record(
        session,
        "org_unit.create",
        "org_unit",
        unit.id,
        changes=audit.diff({}, _snapshot(unit)),
        actor_role=actor_role,
    )
    return unit


def update_unit(
    session: Session, unit: OrgUnit, data: Mapping[str, Any], actor_role: str | None = None
) -> OrgUnit:
    changing(session)
    if "code" in data and data["code"] != unit.code:
        _check_code_free(session, data["code"], unit.id)
    if "parent_id" in data:
        _check_parent(session, data["parent_id"], unit.id)
    before = _snapshot(unit)
    for key in FIELDS:
        if key in data:
            setattr(unit, key, data[key])
    session.flush()
    if changes := audit.diff(before, _snapshot(unit)):
        audit.record(
            session, "org_unit.update", "org_unit", unit.id, changes=changes, actor_role=actor_role
        )
    return unit


def delete_unit(session: Session, unit: OrgUnit, actor_role: str | None = None) -> None:
    changing(session)
    has_children = session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id == unit.id).limit(1))
    if has_children is not None:
        raise Conflict(_("This unit still has sub-units; move or delete them first."))
    audit.record(
        session,
        "org_unit.delete",
        "org_unit",
        unit.id,
        changes=audit.diff(_snapshot(unit), {}),
        actor_role=actor_role,
    )
    session.delete(unit)
    session.flush()
