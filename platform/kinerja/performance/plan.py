"""Editing an SKP: its results (RHK) and indicators (IKI), the lampiran, the superior's
expectations, and results handed down to subordinates. Only drafts (and rejected plans) change;
an approved plan changes through a revision (`flow`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.exceptions import Conflict, Invalid, InvalidFields
from kinerja.i18n import _, skp_status_label
from kinerja.people.models import Employee, Position
from kinerja.performance import behaviour, labels, workflow, years
from kinerja.performance import skp as skps
from kinerja.performance.models import Iki, OrgTarget, Rhk, Skp

MAX_TARGET = Decimal(10) ** 15
LAMPIRAN_KEYS = tuple(labels.LAMPIRAN)


def check_editable(session: Session, skp: Skp) -> None:
    years.check_open(session, skp.year)
    if skp.status not in workflow.EDITABLE:
        raise Conflict(
            _(
                "This SKP is %(state)s: it cannot be changed now.",
                state=skp_status_label(skp.status),
            )
        )


# --- reading input -----------------------------------------------------------------------------
def _text(raw: Any, limit: int) -> str:
    value = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw).strip())
    if len(value) > limit:
        raise ValueError(_("Enter at most %(max)s characters.", max=limit))
    return value


def _decimal(raw: Any) -> Decimal | None:
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

    field("text", lambda v: _text(v, 1000))
    field("aspect", lambda v: _text(v, 10) or None)
    field("target_low", _decimal)
    field("target_high", _decimal)
    field("unit", lambda v: _text(v, 40) or None)
    field("narrative", lambda v: _text(v, 2000) or None)
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
        ("kind", lambda v: _text(v, 8) or "utama"),
        ("text", lambda v: _text(v, 2000)),
        ("parent_rhk_id", _read_id),
        ("org_target_id", _read_id),
        ("cascading", lambda v: _text(v, 14) or None),
        ("perspektif", lambda v: _text(v, 20) or None),
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


# --- results and indicators --------------------------------------------------------------------
def _snapshot(rhk: Rhk) -> dict[str, Any]:
    return {k: getattr(rhk, k) for k in ("kind", "text", "parent_rhk_id", "org_target_id")}


def add_rhk(session: Session, skp: Skp, raw: Mapping[str, Any]) -> Rhk:
    check_editable(session, skp)
    values = read_rhk(session, skp, raw)
    ikis = read_iki_list(raw.get("iki"), skp.approach)
    rhk = skps.add_rhk_row(session, skp, values, ikis)
    audit.record(
        session,
        "skp.rhk_add",
        "rhk",
        rhk.id,
        changes=audit.diff({}, _snapshot(rhk)),
        subject_employee_id=skp.employee_id,
    )
    return rhk


def get_rhk(session: Session, skp: Skp, rhk_id: int) -> Rhk:
    from kinerja.db.load import load_or_404

    rhk = load_or_404(session, Rhk, rhk_id)
    if rhk.skp_id != skp.id:
        from kinerja.exceptions import NotFound

        raise NotFound()
    return rhk


def update_rhk(session: Session, skp: Skp, rhk: Rhk, raw: Mapping[str, Any]) -> Rhk:
    """Change an RHK's fields (those given); `iki` given replaces its indicators; `accept`
    turns a handed-down proposal into the plan's own result."""
    check_editable(session, skp)
    values = read_rhk(session, skp, raw, partial=True)
    ikis = read_iki_list(raw["iki"], skp.approach) if "iki" in raw else None
    before = _snapshot(rhk)
    for key, value in values.items():
        setattr(rhk, key, value)
    if raw.get("accept") in (True, "1", "true"):
        rhk.proposed = False
    if ikis is not None:
        for old in session.scalars(select(Iki).where(Iki.rhk_id == rhk.id)):
            session.delete(old)
        session.flush()
        for position, item in enumerate(ikis):
            session.add(Iki(rhk_id=rhk.id, position=position, **item))
    session.flush()
    changes = audit.diff(before, _snapshot(rhk))
    if ikis is not None:
        changes["iki"] = [None, len(ikis)]
    audit.record(
        session,
        "skp.rhk_update",
        "rhk",
        rhk.id,
        changes=changes,
        subject_employee_id=skp.employee_id,
    )
    return rhk


def delete_rhk(session: Session, skp: Skp, rhk: Rhk) -> None:
    check_editable(session, skp)
    below = session.scalar(
        select(func.count()).where(Rhk.parent_rhk_id == rhk.id, Rhk.proposed.is_(False))
    )
    if below:
        raise Conflict(
            _("%(count)s result(s) of subordinates intervene this one: it stays.", count=below)
        )
    # Proposals handed down from this result go with it.
    for proposal in session.scalars(select(Rhk).where(Rhk.parent_rhk_id == rhk.id)):
        session.delete(proposal)
    session.flush()
    audit.record(
        session,
        "skp.rhk_delete",
        "rhk",
        rhk.id,
        changes=audit.diff(_snapshot(rhk), {}),
        subject_employee_id=skp.employee_id,
    )
    session.delete(rhk)
    session.flush()


def add_iki(session: Session, skp: Skp, rhk: Rhk, raw: Mapping[str, Any]) -> Iki:
    check_editable(session, skp)
    values = read_iki(raw, skp.approach)
    count = session.scalar(select(func.count()).where(Iki.rhk_id == rhk.id)) or 0
    if count >= skps.MAX_IKI:
        raise Conflict(_("A result holds at most %(max)s indicators.", max=skps.MAX_IKI))
    iki = Iki(rhk_id=rhk.id, position=count, **values)
    session.add(iki)
    session.flush()
    audit.record(
        session,
        "skp.rhk_update",
        "rhk",
        rhk.id,
        changes={"iki": [None, values["text"]]},
        subject_employee_id=skp.employee_id,
    )
    return iki


def delete_iki(session: Session, skp: Skp, rhk: Rhk, iki_id: int) -> None:
    check_editable(session, skp)
    iki = session.scalar(select(Iki).where(Iki.id == iki_id, Iki.rhk_id == rhk.id))
    if iki is None:
        from kinerja.exceptions import NotFound

        raise NotFound()
    audit.record(
        session,
        "skp.rhk_update",
        "rhk",
        rhk.id,
        changes={"iki": [iki.text, None]},
        subject_employee_id=skp.employee_id,
    )
    session.delete(iki)
    session.flush()


# --- the rest of the plan ----------------------------------------------------------------------
def update_plan(session: Session, skp: Skp, raw: Mapping[str, Any]) -> Skp:
    """The approach and the lampiran (dukungan, skema, konsekuensi)."""
    check_editable(session, skp)
    errors: dict[str, list[Any]] = {}
    before = {"approach": skp.approach, **(skp.lampiran or {})}
    if "approach" in raw:
        if raw["approach"] not in labels.APPROACHES:
            errors["approach"] = [_("Choose quantitative or qualitative.")]
        else:
            skp.approach = raw["approach"]
    lampiran = dict(skp.lampiran or {})
    source = raw.get("lampiran", raw)
    if not isinstance(source, Mapping):
        errors["lampiran"] = [_("Send the attachment as an object.")]
        source = {}
    for key in LAMPIRAN_KEYS:
        if key in source:
            try:
                lampiran[key] = _text(source[key], 4000)
            except ValueError as problem:
                errors[key] = [problem.args[0]]
    if errors:
        raise InvalidFields(errors)
    skp.lampiran = lampiran
    session.flush()
    changes = audit.diff(before, {"approach": skp.approach, **lampiran})
    if changes:
        audit.record(
            session,
            "skp.update",
            "skp",
            skp.id,
            changes=changes,
            subject_employee_id=skp.employee_id,
        )
    return skp


def set_expectations(session: Session, skp: Skp, raw: Mapping[str, Any]) -> Skp:
    """The superior's ekspektasi khusus per BerAKHLAK value (optional text; empty clears)."""
    years.check_open(session, skp.year)
    if skp.status == workflow.APPROVED:
        raise Conflict(_("This SKP is approved: open a revision to change it."))
    known = behaviour.codes()
    errors: dict[str, list[Any]] = {}
    values = dict(skp.expectations or {})
    for code, text in raw.items():
        if code not in known:
            continue
        try:
            values[code] = _text(text, 1000)
        except ValueError as problem:
            errors[code] = [problem.args[0]]
    if errors:
        raise InvalidFields(errors)
    values = {k: v for k, v in values.items() if v}
    changes = audit.diff(skp.expectations or {}, values)
    skp.expectations = values
    session.flush()
    if changes:
        audit.record(
            session,
            "skp.expectations",
            "skp",
            skp.id,
            changes=changes,
            subject_employee_id=skp.employee_id,
        )
    return skp


def hand_down(
    session: Session, skp: Skp, rhk: Rhk, employee_ids: list[int]
) -> tuple[list[str], list[tuple[str, Any]]]:
    """Propose `rhk` (with its IKI) in the drafts of subordinates the plan's owner rates; their
    draft is started if they have none. Returns (names done, (name, why not) skipped)."""
    years.check_open(session, skp.year)
    if rhk.proposed:
        raise Conflict(_("Accept this result before handing it down."))
    ikis = skps.iki_by_rhk(session, [rhk.id])[rhk.id]
    done: list[str] = []
    skipped: list[tuple[str, Any]] = []
    for employee_id in dict.fromkeys(employee_ids):
        employee = session.scalar(select(Employee).where(Employee.id == employee_id))
        if employee is None:
            continue
        rater = skps.chain(session, employee).rater
        if rater is None or rater.id != skp.employee_id or not employee.active:
            skipped.append((employee.name, _("not rated by the owner of this plan")))
            continue
        theirs = skps.of_employee(session, employee.id, skp.year)
        if theirs is None:
            theirs = skps.create(session, employee, skp.year, approach=skp.approach)
        if theirs.status not in workflow.EDITABLE:
            skipped.append((employee.name, skp_status_label(theirs.status)))
            continue
        already = session.scalar(
            select(Rhk.id).where(Rhk.skp_id == theirs.id, Rhk.parent_rhk_id == rhk.id)
        )
        if already is not None:
            skipped.append((employee.name, _("already has it")))
            continue
        proposal = skps.add_rhk_row(
            session,
            theirs,
            {"kind": "utama", "text": rhk.text, "parent_rhk_id": rhk.id, "cascading": "langsung"},
            [
                {k: v for k, v in skps.iki_dict(i).items() if k != "id"}
                | {"target_low": i.target_low, "target_high": i.target_high}
                for i in ikis
            ],
        )
        proposal.proposed = True
        audit.record(
            session,
            "skp.hand_down",
            "rhk",
            proposal.id,
            changes={"from_rhk": [None, rhk.id]},
            subject_employee_id=employee.id,
        )
        done.append(employee.name)
    session.flush()
    return done, skipped


def hand_down_choices(session: Session, skp: Skp) -> list[Employee]:
    """The active subordinates whose plans the owner of `skp` rates."""
    direct = session.scalars(
        select(Employee).where(Employee.superior_id == skp.employee_id, Employee.active)
    )
    return sorted(direct, key=lambda e: e.name)
