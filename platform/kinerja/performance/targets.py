"""The agency's own targets for a year (sasaran strategis and their indicators), which the head
of the agency's SKP cascades from. Managed by the admin OPD."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.db.load import load_or_404
from kinerja.exceptions import Conflict, Invalid, InvalidFields
from kinerja.i18n import _
from kinerja.performance import years
from kinerja.performance.models import OrgTarget, Rhk

MAX_INDICATORS = 20
FIELDS = ("code", "text", "indicators")


def query(year: int) -> Select[Any]:
    return select(OrgTarget).where(OrgTarget.year == year).order_by(OrgTarget.code, OrgTarget.id)


def get(session: Session, target_id: int) -> OrgTarget:
    return load_or_404(session, OrgTarget, target_id)


def _text(raw: Any, field: str, limit: int, required: bool = True) -> str:
    value = raw.strip() if isinstance(raw, str) else ""
    if required and not value:
        raise Invalid(field, _("This field is required."))
    if len(value) > limit:
        raise Invalid(field, _("Enter at most %(max)s characters.", max=limit))
    return value


def read_indicators(raw: Any) -> list[dict[str, str]]:
    """A list of {text, target, unit}; empty lines are dropped."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_INDICATORS:
        raise Invalid(
            "indicators", _("Give at most %(max)s indicators as a list.", max=MAX_INDICATORS)
        )
    out = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise Invalid("indicators", _("Each indicator needs a text, a target and a unit."))
        entry = {
            "text": _text(item.get("text"), "indicators", 500, required=False),
            "target": _text(item.get("target"), "indicators", 60, required=False),
            "unit": _text(item.get("unit"), "indicators", 40, required=False),
        }
        if entry["text"]:
            out.append(entry)
    return out


def _read(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[Any]] = {}
    values: dict[str, Any] = {}
    for field, read in (
        ("code", lambda v: _text(v, "code", 20)),
        ("text", lambda v: _text(v, "text", 1000)),
        ("indicators", read_indicators),
    ):
        if field not in data:
            continue
        try:
            values[field] = read(data[field])
        except Invalid as problem:
            errors[field] = [problem.message]
    if errors:
        raise InvalidFields(errors)
    return values


def _check_code_free(session: Session, year: int, code: str, target_id: int | None) -> None:
    clash = session.scalar(
        select(OrgTarget.id).where(
            OrgTarget.year == year, func.lower(OrgTarget.code) == code.lower()
        )
    )
    if clash is not None and clash != target_id:
        raise Conflict(_("The code %(code)s is already used this year.", code=code))


def create(session: Session, year: int, data: Mapping[str, Any]) -> OrgTarget:
    years.check_year(year)
    years.check_open(session, year)
    values = _read({"indicators": [], **data})
    for field in ("code", "text"):
        if field not in values:
            raise Invalid(field, _("This field is required."))
    _check_code_free(session, year, values["code"], None)
    target = OrgTarget(year=year, **values)
    session.add(target)
    session.flush()
    audit.record(
        session, "plan.target_create", "org_target", target.id, changes=_changes({}, values)
    )
    return target


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return audit.diff(before, after)


def update(session: Session, target: OrgTarget, data: Mapping[str, Any]) -> OrgTarget:
    years.check_open(session, target.year)
    values = _read(data)
    if "code" in values:
        _check_code_free(session, target.year, values["code"], target.id)
    before = {f: getattr(target, f) for f in FIELDS}
    for key, value in values.items():
        setattr(target, key, value)
    session.flush()
    changes = _changes(before, {f: getattr(target, f) for f in FIELDS})
    if changes:
        audit.record(session, "plan.target_update", "org_target", target.id, changes=changes)
    return target


def delete(session: Session, target: OrgTarget) -> None:
    years.check_open(session, target.year)
    used = session.scalar(select(func.count()).where(Rhk.org_target_id == target.id))
    if used:
        raise Conflict(
            _("%(count)s result(s) of the head's SKP cascade from this target.", count=used)
        )
    audit.record(
        session,
        "plan.target_delete",
        "org_target",
        target.id,
        changes={"code": [target.code, None], "text": [target.text, None]},
    )
    session.delete(target)
    session.flush()
