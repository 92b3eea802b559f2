"""Reading an SKP's input: results (RHK) and indicators (IKI) from forms and JSON, with every
field's problem named, and the links a plan may choose (the superior's results, the agency's
targets). No writes here: `plan` changes the plan with what these return."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from kinerja.exceptions import Invalid, InvalidFields
from kinerja.i18n import _
from kinerja.people.models import Employee, Position
from kinerja.performance import behaviour, labels
from kinerja.performance import skp as skps
from kinerja.performance.models import OrgTarget, Rhk, Skp
from kinerja.schema import InputSchema, Text

MAX_TARGET = Decimal(10) ** 15


def text(raw: Any, limit: int) -> str:
    """Text of at most `limit` characters; numbers are read as their text, anything else (a
    list, an object from JSON) is refused."""
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(_("Enter text."))
    value = str(raw).strip()
    if len(value) > limit:
        raise ValueError(_("Enter at most %(max)s characters.", max=limit))
    return value


def decimal(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(_("Enter a number."))
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    if not value.is_finite() or abs(value) >= MAX_TARGET:
        raise ValueError(_("Enter a number."))
    if value < 0:
        raise ValueError(_("Enter a number of at least %(min)s.", min=0))
    return value.quantize(Decimal("0.01"))


def read_iki(raw: Mapping[str, Any], approach: str) -> dict[str, Any]:
    """An IKI from input; quantitative plans need aspect, target and unit, qualitative ones a
    narrative target. Every field's problem at once (`InvalidFields`)."""
    errors: dict[str, list[Any]] = {}
    values: dict[str, Any] = {}

    def field(name: str, read: Any) -> None:
        try:
            values[name] = read(raw.get(name))
        except ValueError as problem:
            errors[name] = [problem.args[0]]

    field("text", lambda v: text(v, 1000))
    field("aspect", lambda v: text(v, 10) or None)
    field("target_low", decimal)
    field("target_high", decimal)
    field("unit", lambda v: text(v, 40) or None)
    field("narrative", lambda v: text(v, 2000) or None)
    required = _("This field is required.")
    if "text" in values and not values["text"]:
        errors["text"] = [required]
    aspect = values.get("aspect")
    if aspect is not None and aspect not in labels.ASPECTS:
        errors["aspect"] = [_("Choose quantity, quality, time or cost.")]
    if approach == "kuantitatif":
        for name in ("aspect", "target_low", "unit"):
            if name not in errors and values.get(name) is None:
                errors[name] = [required]
    elif "narrative" not in errors and not values.get("narrative"):
        errors["narrative"] = [required]
    low, high = values.get("target_low"), values.get("target_high")
    if high is not None and low is None and "target_low" not in errors:
        errors["target_low"] = [_("A range needs its lower end.")]
    if low is not None and high is not None and high < low:
        errors["target_high"] = [_("The upper end cannot be below the lower end.")]
    if errors:
        raise InvalidFields(errors)
    return values


def is_jpt(session: Session, employee_id: int) -> bool:
    kind = session.scalar(
        select(Position.type)
        .join(Employee, Employee.position_id == Position.id)
        .where(Employee.id == employee_id)
    )
    return bool(kind and kind.startswith("jpt"))


def parent_choices(session: Session, skp: Skp) -> list[Rhk]:
    """The superior's results this plan may intervene (the rater's SKP of the same year)."""
    employee = session.scalar(select(Employee).where(Employee.id == skp.employee_id))
    assert employee is not None
    rater = skps.chain(session, employee).rater
    source = skps.of_employee(session, rater.id, skp.year) if rater is not None else None
    if source is None:
        return []
    return [r for r in skps.rhk_rows(session, source) if not r.proposed]


def target_choices(session: Session, skp: Skp) -> list[OrgTarget]:
    """The agency's targets, for the plan of an employee without a superior (the head)."""
    employee = session.scalar(select(Employee).where(Employee.id == skp.employee_id))
    if employee is None or skps.chain(session, employee).rater is not None:
        return []
    return list(
        session.scalars(
            select(OrgTarget).where(OrgTarget.year == skp.year).order_by(OrgTarget.code)
        )
    )


def _read_id(raw: Any) -> int | None:
    if raw in (None, "", 0, "0"):
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValueError(_("Choose one of the listed items."))
    return int(text)


def read_rhk(
    session: Session, skp: Skp, raw: Mapping[str, Any], partial: bool = False
) -> dict[str, Any]:
    """An RHK's own fields from input (not its IKI); links are checked against what this plan
    may intervene."""
    errors: dict[str, list[Any]] = {}
    values: dict[str, Any] = {}
    for name, read in (
        ("kind", lambda v: text(v, 8) or "utama"),
        ("text", lambda v: text(v, 2000)),
        ("parent_rhk_id", _read_id),
        ("org_target_id", _read_id),
        ("cascading", lambda v: text(v, 14) or None),
        ("perspektif", lambda v: text(v, 20) or None),
    ):
        if partial and name not in raw:
            continue
        try:
            values[name] = read(raw.get(name))
        except ValueError as problem:
            errors[name] = [problem.args[0]]
    if "kind" in values and values["kind"] not in labels.KINDS:
        errors["kind"] = [_("Choose main or additional.")]
    if "text" in values and not values["text"]:
        errors["text"] = [_("This field is required.")]
    if values.get("cascading") is not None and values["cascading"] not in labels.CASCADING:
        errors["cascading"] = [_("Choose direct or indirect.")]
    parent = values.get("parent_rhk_id")
    if parent is not None and "parent_rhk_id" not in errors:  # noqa: SIM102 - one rule each
        if parent not in {r.id for r in parent_choices(session, skp)}:
            errors["parent_rhk_id"] = [_("Choose one of your superior's results of this year.")]
    target = values.get("org_target_id")
    if target is not None and "org_target_id" not in errors:  # noqa: SIM102 - one rule each
        if target not in {t.id for t in target_choices(session, skp)}:
            errors["org_target_id"] = [_("Choose one of the agency's targets of this year.")]
    if values.get("perspektif") is not None:
        if values["perspektif"] not in labels.PERSPECTIVES:
            errors["perspektif"] = [_("Choose one of the listed perspectives.")]
        elif not is_jpt(session, skp.employee_id):
            errors["perspektif"] = [_("Only the SKP of a JPT has perspectives.")]
    if errors:
        raise InvalidFields(errors)
    if values.get("parent_rhk_id") is not None and not values.get("cascading"):
        values["cascading"] = "langsung"
    if "parent_rhk_id" in values and values["parent_rhk_id"] is None:
        values["cascading"] = None
    return values


def read_iki_list(raw: Any, approach: str) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > skps.MAX_IKI:
        raise Invalid("iki", _("Give at most %(max)s indicators as a list.", max=skps.MAX_IKI))
    out, errors = [], {}
    for n, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors[f"iki.{n}"] = [_("Each indicator is an object with its fields.")]
            continue
        try:
            out.append(read_iki(item, approach))
        except InvalidFields as problem:
            errors |= {f"iki.{n}.{k}": v for k, v in problem.errors.items()}
    if errors:
        raise InvalidFields(errors)
    return out


# The superior's ekspektasi khusus: one optional text per BerAKHLAK value (blank clears it).
ExpectationsBody = cast(
    type[InputSchema],
    InputSchema.from_dict(
        {
            v.code: Text(1000, allow_none=True, metadata={"description": f"{v.name} ({v.name_en})"})
            for v in behaviour.values()
        },
        name="ExpectationsBody",
    ),
)
