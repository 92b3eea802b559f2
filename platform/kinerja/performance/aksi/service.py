"""Rencana Aksi steps: planning them while the SKP is editable, marking them done while it is
in force, their status and evidence (approved daily entries naming them), and the checks a
daily entry's step goes through. Every change is in the audit log.

The plan of a step (its result, period, what, by when, output) is part of the plan: it changes
only while the SKP does (draft or rejected, the year open), under the SKP's row lock
(`plan.check_editable`), so no submission or approval slips in between. The "done" mark is
execution, like a daily entry: the owner sets it once the plan is in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kinerja import audit, clock
from kinerja import permissions as perm
from kinerja.exceptions import Conflict, InvalidFields, NotFound
from kinerja.i18n import _
from kinerja.performance import plan, years
from kinerja.performance.aksi import rules
from kinerja.performance.aksi.models import RencanaAksi
from kinerja.performance.log import rules as log_rules
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.models import Rhk, Skp
from kinerja.presentation import formats
from kinerja.workflow import locked

FIELDS = ("rhk_id", "period", "text", "due", "output")


@dataclass
class StepView:
    """A step as pages and the API show it: its fields, status and evidence."""

    step: RencanaAksi
    status: str
    evidence: list[WorkEntry] = field(default_factory=list)  # approved entries naming it

    @property
    def marked_done(self) -> bool:
        return self.step.done_at is not None


# --- reading -------------------------------------------------------------------------------
def query(skp: Skp, rhk_id: int | None = None, period: int | None = None) -> Select[Any]:
    """The plan's steps (of one result, of one period), in order of period and date."""
    found = select(RencanaAksi).where(RencanaAksi.skp_id == skp.id)
    if rhk_id:
        found = found.where(RencanaAksi.rhk_id == rhk_id)
    if period:
        found = found.where(RencanaAksi.period == period)
    return found.order_by(RencanaAksi.period, RencanaAksi.due, RencanaAksi.id)


def get(session: Session, skp: Skp, step_id: int) -> RencanaAksi:
    """A step of `skp`; another plan's (or agency's) is not found."""
    found = session.scalar(
        select(RencanaAksi).where(RencanaAksi.id == step_id, RencanaAksi.skp_id == skp.id)
    )
    if found is None:
        raise NotFound()
    return found


def get_locked(session: Session, skp: Skp, step_id: int) -> RencanaAksi:
    """A step of `skp` for a change, read under the plan's row lock and then its own (the
    order every change of a step takes): the version a client's If-Match is compared with is
    the one no other change can alter before the commit. Two edits sent with one ETag: the
    first wins, the second is refused (412) instead of silently overwriting it; a step deleted
    meanwhile is not found."""
    locked(session, skp)
    return locked(session, get(session, skp, step_id))


def evidence(session: Session, step_ids: Sequence[int]) -> dict[int, list[WorkEntry]]:
    """The approved daily entries naming each step, oldest first, in one query."""
    found: dict[int, list[WorkEntry]] = {i: [] for i in step_ids}
    if step_ids:
        for entry in session.scalars(
            select(WorkEntry)
            .where(
                WorkEntry.rencana_aksi_id.in_(step_ids),
                WorkEntry.status == log_rules.APPROVED,
            )
            .order_by(WorkEntry.entry_date, WorkEntry.id)
        ):
            found[entry.rencana_aksi_id or 0].append(entry)
    return found


def views(
    session: Session, steps: Sequence[RencanaAksi], today: date | None = None
) -> list[StepView]:
    """Each step with its status on Medan's `today` and its evidence."""
    today = today or clock.today()
    found = evidence(session, [s.id for s in steps])
    return [
        StepView(
            s, rules.status(s.due, s.done_at is not None, bool(found[s.id]), today), found[s.id]
        )
        for s in steps
    ]


def by_rhk(session: Session, skp: Skp) -> dict[int, list[StepView]]:
    """The plan's steps with their status, per result (in period and date order)."""
    grouped: dict[int, list[StepView]] = {}
    for view in views(session, list(session.scalars(query(skp)))):
        grouped.setdefault(view.step.rhk_id, []).append(view)
    return grouped


def in_span(skp_id: int, starts: date, ends: date) -> Select[Any]:
    """The steps of a plan due between two dates (an evaluation's period, or its year)."""
    return (
        select(RencanaAksi)
        .join(Rhk, Rhk.id == RencanaAksi.rhk_id)
        .where(RencanaAksi.skp_id == skp_id, RencanaAksi.due.between(starts, ends))
        .order_by(Rhk.position, Rhk.id, RencanaAksi.due, RencanaAksi.id)
    )


# --- planning ------------------------------------------------------------------------------
def _checked(session: Session, skp: Skp, values: dict[str, Any]) -> dict[str, Any]:
    """`values` whole (a step's fields), checked against the plan: a result of this plan (not a
    proposal still to accept), a period of the year and a date inside it."""
    errors: dict[str, list[Any]] = {}
    rhk = session.scalar(
        select(Rhk).where(Rhk.id == values["rhk_id"], Rhk.skp_id == skp.id, Rhk.proposed.is_(False))
    )
    if rhk is None:
        errors["rhk_id"] = [_("Choose a result (RHK) of this SKP.")]
    refusal = rules.check_date(years.periods_of(session, skp.year), values["period"], values["due"])
    if refusal is not None:
        params = {
            k: formats.date_short(v) if isinstance(v, date) else v
            for k, v in refusal.params.items()
        }
        errors[refusal.field] = [gettext(refusal.msgid, **params)]
    if errors:
        raise InvalidFields(errors)
    return values


def _snapshot(step: RencanaAksi) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in ((n, getattr(step, n)) for n in FIELDS)
    }


def create(session: Session, skp: Skp, values: Mapping[str, Any]) -> RencanaAksi:
    """A new step (values loaded through `inputs.StepInput`) in an editable plan."""
    plan.check_editable(session, skp)
    checked = _checked(session, skp, {name: values[name] for name in FIELDS})
    step = RencanaAksi(skp_id=skp.id, **checked)
    session.add(step)
    session.flush()
    audit.record(
        session,
        "aksi.add",
        "rencana_aksi",
        step.id,
        changes=audit.diff({}, _snapshot(step)),
        subject_employee_id=skp.employee_id,
    )
    return step


def update(
    session: Session, skp: Skp, step: RencanaAksi, changes: Mapping[str, Any]
) -> RencanaAksi:
    """Change a step's fields (loaded through `inputs.StepPatch`), judged whole."""
    plan.check_editable(session, skp)
    locked(session, step)  # deleted meanwhile (another tab): not found, not a lost update
    merged = {name: getattr(step, name) for name in FIELDS} | {
        k: v for k, v in changes.items() if k in FIELDS
    }
    checked = _checked(session, skp, merged)
    before = _snapshot(step)
    for name, value in checked.items():
        setattr(step, name, value)
    session.flush()
    found = audit.diff(before, _snapshot(step))
    if found:
        audit.record(
            session,
            "aksi.update",
            "rencana_aksi",
            step.id,
            changes=found,
            subject_employee_id=skp.employee_id,
        )
    return step


def delete(session: Session, skp: Skp, step: RencanaAksi) -> None:
    """Remove a step no daily entry names (work on record keeps what it served)."""
    plan.check_editable(session, skp)
    locked(session, step)  # deleted by another tab meanwhile: not found (a 500 before)
    named = session.scalar(select(func.count()).where(WorkEntry.rencana_aksi_id == step.id))
    if named:
        raise Conflict(_("%(count)s daily entries name this step: it stays.", count=named))
    audit.record(
        session,
        "aksi.delete",
        "rencana_aksi",
        step.id,
        changes=audit.diff(_snapshot(step), {}),
        subject_employee_id=skp.employee_id,
    )
    session.delete(step)
    session.flush()


def mark(
    session: Session,
    principal: perm.Principal,
    skp: Skp,
    step: RencanaAksi,
    done: bool,
    now: datetime | None = None,
) -> RencanaAksi:
    """The owner marks a step done (or takes the mark back) while the plan is in force."""
    locked(session, skp)
    years.check_open(session, skp.year)
    if not skp.in_force:
        raise Conflict(_("Steps are marked done once the SKP is approved."))
    locked(session, step)
    if (step.done_at is not None) == done:
        return step  # already so: nothing to record
    step.done_at = (now or datetime.now(UTC)) if done else None
    step.done_by = principal.user_id if done else None
    session.flush()
    audit.record(
        session,
        "aksi.done" if done else "aksi.reopen",
        "rencana_aksi",
        step.id,
        changes={"done": [not done, done]},
        subject_employee_id=skp.employee_id,
    )
    return step


# --- the step a daily entry serves -------------------------------------------------------------
def check_entry_step(session: Session, rhk: Rhk, step_id: int) -> bool:
    """Whether a daily entry against `rhk` (already checked to be of its author's plan) may name
    step `step_id`: the step must be one of that result's. Another plan's or agency's step is
    simply not one of them, so the answer never tells it exists."""
    return (
        session.scalar(
            select(RencanaAksi.id).where(
                RencanaAksi.id == step_id,
                RencanaAksi.rhk_id == rhk.id,
                RencanaAksi.skp_id == rhk.skp_id,
            )
        )
        is not None
    )


def entry_choices(session: Session, rhk_ids: Sequence[int]) -> list[RencanaAksi]:
    """The steps a daily entry may name: those of the results it may serve."""
    if not rhk_ids:
        return []
    return list(
        session.scalars(
            select(RencanaAksi)
            .where(RencanaAksi.rhk_id.in_(rhk_ids))
            .order_by(RencanaAksi.rhk_id, RencanaAksi.period, RencanaAksi.due, RencanaAksi.id)
        )
    )


def of_entries(session: Session, entries: Sequence[WorkEntry]) -> dict[int, RencanaAksi]:
    """The step each entry serves, by entry id (entries naming none are left out), in one
    query: the feed and the lists show it beside the result and indicator."""
    step_ids = {e.rencana_aksi_id for e in entries if e.rencana_aksi_id}
    if not step_ids:
        return {}
    found = session.scalars(select(RencanaAksi).where(RencanaAksi.id.in_(step_ids)))
    steps = {s.id: s for s in found}
    return {
        e.id: steps[e.rencana_aksi_id]
        for e in entries
        if e.rencana_aksi_id and e.rencana_aksi_id in steps
    }
