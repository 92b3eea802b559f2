"""Editing an SKP: its results (RHK) and indicators (IKI), the lampiran, the superior's
expectations, and results handed down to subordinates. Only drafts (and rejected plans) change;
an approved plan changes through a revision (`flow`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja.db.load import load_or_404
from kinerja.exceptions import Conflict, InvalidFields, NotFound
from kinerja.i18n import _, skp_status_label
from kinerja.people.models import Employee
from kinerja.performance import behaviour, inputs, labels, measure, workflow, years
from kinerja.performance import skp as skps
from kinerja.performance.models import Iki, Rhk, Skp
from kinerja.workflow import locked

LAMPIRAN_KEYS = tuple(labels.LAMPIRAN)


def check_editable(session: Session, skp: Skp) -> None:
    """Raise unless the plan may change now; holds its row lock to the end of the transaction,
    so no submit or approval slips in between this check and the edit."""
    locked(session, skp)
    years.check_open(session, skp.year)
    if skp.status not in workflow.EDITABLE:
        raise Conflict(
            _(
                "This SKP is %(state)s: it cannot be changed now.",
                state=skp_status_label(skp.status),
            )
        )


# --- results and indicators --------------------------------------------------------------------
def _snapshot(rhk: Rhk) -> dict[str, Any]:
    return {k: getattr(rhk, k) for k in ("kind", "text", "parent_rhk_id", "org_target_id")}


def _indicators(session: Session, skp: Skp, loaded: list[dict[str, Any]]) -> list[dict]:
    """Indicators loaded through `inputs.IkiInput`, checked against the plan's approach and
    the agency's periods, as the rows' values."""
    count = len(years.periods_of(session, skp.year))
    errors = inputs.approach_problems(loaded, skp.approach)
    errors |= inputs.period_problems(loaded, count)
    if errors:
        raise InvalidFields(errors)
    frequency = years.frequency(session, skp.year)
    return [measure.iki_row(values, frequency) for values in loaded]


def add_rhk(session: Session, skp: Skp, loaded: Mapping[str, Any]) -> Rhk:
    """A result with its indicators, loaded through `inputs.RhkInput`."""
    check_editable(session, skp)
    values = inputs.check_rhk(session, skp, {k: v for k, v in loaded.items() if k != "iki"})
    ikis = _indicators(session, skp, list(loaded.get("iki") or []))
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
    rhk = load_or_404(session, Rhk, rhk_id)
    if rhk.skp_id != skp.id:
        raise NotFound()
    return rhk


def update_rhk(session: Session, skp: Skp, rhk: Rhk, loaded: Mapping[str, Any]) -> Rhk:
    """Change an RHK's fields (those given, loaded through `inputs.RhkPatch`); `iki` given
    replaces its indicators; `accept` turns a handed-down proposal into the plan's own
    result."""
    check_editable(session, skp)
    own = {k: v for k, v in loaded.items() if k not in ("iki", "accept")}
    values = inputs.check_rhk(session, skp, own)
    ikis = _indicators(session, skp, list(loaded["iki"])) if "iki" in loaded else None
    before = _snapshot(rhk)
    for key, value in values.items():
        setattr(rhk, key, value)
    if loaded.get("accept"):
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


def add_iki(session: Session, skp: Skp, rhk: Rhk, loaded: Mapping[str, Any]) -> Iki:
    """One more indicator, loaded through `inputs.IkiInput`."""
    check_editable(session, skp)
    values = _one_indicator(session, skp, loaded)
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


def _one_indicator(session: Session, skp: Skp, loaded: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return _indicators(session, skp, [dict(loaded)])[0]
    except InvalidFields as problem:  # one indicator: its fields by their own names
        raise InvalidFields(
            {k.removeprefix("iki.0."): v for k, v in problem.errors.items()}
        ) from None


def update_iki(session: Session, skp: Skp, rhk: Rhk, iki_id: int, loaded: Mapping[str, Any]) -> Iki:
    """Change an indicator in place (its text, aspect, target, unit, targets per period;
    loaded whole through `inputs.IkiInput`), in a draft or a plan under revision: it keeps its
    id, so the daily entries that name it still do."""
    check_editable(session, skp)
    iki = session.scalar(select(Iki).where(Iki.id == iki_id, Iki.rhk_id == rhk.id))
    if iki is None:
        raise NotFound()
    values = _one_indicator(session, skp, loaded)
    before = skps.iki_dict(iki)
    for name, value in values.items():
        setattr(iki, name, value)
    session.flush()
    changes = audit.diff(before, skps.iki_dict(iki))
    if changes:
        audit.record(
            session,
            "skp.rhk_update",
            "rhk",
            rhk.id,
            changes={f"iki.{iki.id}.{k}": v for k, v in changes.items()},
            subject_employee_id=skp.employee_id,
        )
    return iki


def delete_iki(session: Session, skp: Skp, rhk: Rhk, iki_id: int) -> None:
    check_editable(session, skp)
    iki = session.scalar(select(Iki).where(Iki.id == iki_id, Iki.rhk_id == rhk.id))
    if iki is None:
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
def update_plan(session: Session, skp: Skp, loaded: Mapping[str, Any]) -> Skp:
    """The approach and the lampiran (dukungan, skema, konsekuensi), loaded through
    `inputs.PlanInput`; a lampiran text given blank is cleared."""
    check_editable(session, skp)
    before = {"approach": skp.approach, **(skp.lampiran or {})}
    if loaded.get("approach"):
        skp.approach = loaded["approach"]
    lampiran = dict(skp.lampiran or {})
    for key, value in (loaded.get("lampiran") or {}).items():
        if key in LAMPIRAN_KEYS:
            lampiran[key] = value or ""
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
    """The superior's ekspektasi khusus per BerAKHLAK value (optional text; empty clears),
    loaded through `inputs.ExpectationsBody`."""
    years.check_open(session, skp.year)
    if skp.status == workflow.APPROVED:
        raise Conflict(_("This SKP is approved: open a revision to change it."))
    known = behaviour.codes()
    values = dict(skp.expectations or {}) | {c: v for c, v in raw.items() if c in known}
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
        if locked(session, theirs).status not in workflow.EDITABLE:
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
            [skps.iki_values(i) for i in ikis],
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
    """The active employees whose plans the owner of `skp` rates (below a vacant post too:
    `skps.rated_by`, the rule `hand_down` checks)."""
    rated = skps.rated_by(session, skp.employee_id)
    found = session.scalars(select(Employee).where(Employee.id.in_(rated), Employee.active))
    return sorted(found, key=lambda e: e.name)
