"""Moving an SKP through its workflow (`workflow.MACHINE`, on `kinerja.workflow`), its approved
versions, and the "waiting for you" list. Every transition is in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kinerja import audit, events
from kinerja import permissions as perm
from kinerja.exceptions import Conflict, Forbidden, Invalid, NotFound
from kinerja.i18n import _, skp_status_label
from kinerja.people.models import Employee
from kinerja.performance import labels, versions, workflow, years
from kinerja.performance import skp as skps
from kinerja.performance.models import Iki, Rhk, Skp, SkpVersion
from kinerja.workflow import locked

MAX_REASON = 1000


def facts(session: Session, skp: Skp, of: skps.Chain, reason: str | None) -> dict[str, bool]:
    """The workflow's requirements, answered for this plan."""
    rows = [r for r in skps.rhk_rows(session, skp)]
    kept = [r for r in rows if not r.proposed]
    with_iki = set(session.scalars(select(Iki.rhk_id).where(Iki.rhk_id.in_([r.id for r in kept]))))
    head = of.rater is None
    return {
        workflow.YEAR_OPEN: not years.info(session, skp.year).closed,
        workflow.HAS_UTAMA: any(r.kind == "utama" for r in kept),
        workflow.EVERY_RHK_HAS_IKI: all(r.id in with_iki for r in kept),
        workflow.UTAMA_LINKED: all(
            (r.org_target_id if head else r.parent_rhk_id) is not None
            for r in kept
            if r.kind == "utama"
        ),
        workflow.NO_PROPOSALS: len(kept) == len(rows),
        workflow.REASON: bool((reason or "").strip()),
    }


def _refuse(skp: Skp, action: str, refusal: str, of: skps.Chain) -> Exception:
    if refusal == "state":
        return Conflict(
            _(
                "This SKP is %(state)s: it cannot be %(action)s now.",
                state=skp_status_label(skp.status),
                action=str(labels.label(labels.ACTIONS, action)).lower(),
            )
        )
    if refusal == "who":
        if action in (workflow.APPROVE, workflow.REJECT):
            if of.rater is None:
                return Forbidden(_("The admin OPD decides on this SKP."))
            return Forbidden(
                _("The Pejabat Penilai (%(name)s) decides on this SKP.", name=of.rater.name)
            )
        return Forbidden(_("Only the employee can do this with their own SKP."))
    if refusal == workflow.REASON:
        return Invalid("reason", _(workflow.UNMET[workflow.REASON]))
    return Conflict(_(workflow.UNMET[refusal]))


def act(
    session: Session, principal: perm.Principal, skp: Skp, action: str, reason: str | None = None
) -> Skp:
    """Take `action` as `principal`, by the workflow table; snapshots, versions and audit.
    Atomic: decided on the row as it is under its lock (a concurrent decision answers 409)."""
    if action not in workflow.ACTIONS:
        raise NotFound()
    locked(session, skp)
    employee = session.scalar(select(Employee).where(Employee.id == skp.employee_id))
    assert employee is not None
    of = skps.chain(session, employee)
    outcome = workflow.decide(
        skp.status, action, skps.roles(principal, skp, of), facts(session, skp, of, reason)
    )
    if outcome.refusal is not None:
        raise _refuse(skp, action, outcome.refusal, of)
    assert outcome.to is not None
    before, now = skp.status, datetime.now(UTC)
    reason = (reason or "").strip()[:MAX_REASON] or None
    changes: dict[str, Any] = {"status": [before, outcome.to]}
    if action == workflow.SUBMIT:
        skp.header_submitted = skps.live_header(session, skp, of)
        skp.submitted_at, skp.reason = now, None
    elif action == workflow.WITHDRAW:
        skp.header_submitted = None
    elif action in (workflow.APPROVE, workflow.REJECT):
        skp.decided_at, skp.decided_by = now, principal.user_id
        skp.acting = of.acting
        if of.acting:
            changes["acting"] = [None, True]  # the direct superior's post is vacant
        if action == workflow.REJECT:
            skp.reason = reason
            changes["reason"] = [None, reason]
        else:
            skp.header_approved = skps.live_header(session, skp, of)
    elif action == workflow.REVISE:
        changes["version"] = [skp.version, skp.version + 1]
        skp.version += 1
        skp.revision_reason, changes["reason"] = reason, [None, reason]
        skp.header_submitted = skp.header_approved = None
        skp.reason = None
    skp.status = outcome.to
    session.flush()
    if action == workflow.APPROVE:
        _freeze(session, skp, principal.user_id, now)
    audit.record(
        session,
        f"skp.{action}",
        "skp",
        skp.id,
        changes=changes,
        subject_employee_id=skp.employee_id,
    )
    events.skp_acted.send(
        session, skp=skp, action=action, rater_id=of.rater.id if of.rater else None
    )
    return skp


def _freeze(session: Session, skp: Skp, user_id: int | None, at: datetime) -> None:
    frozen = skps.content(session, skp)
    session.add(
        SkpVersion(
            skp_id=skp.id,
            version=skp.version,
            content=frozen,
            reason=skp.revision_reason,
            approved_at=at,
            approved_by=user_id,
        )
    )
    session.flush()


# --- versions ----------------------------------------------------------------------------------
def version_list(session: Session, skp: Skp) -> list[SkpVersion]:
    return list(
        session.scalars(
            select(SkpVersion).where(SkpVersion.skp_id == skp.id).order_by(SkpVersion.version)
        )
    )


def version(session: Session, skp: Skp, number: int) -> SkpVersion:
    found = session.scalar(
        select(SkpVersion).where(SkpVersion.skp_id == skp.id, SkpVersion.version == number)
    )
    if found is None:
        raise NotFound()
    return found


def changes_in(session: Session, skp: Skp, number: int | None) -> list[versions.Change]:
    """What version `number` changed against the one before; None: what the working copy (an
    open revision) changes against the last approved version."""
    frozen = version_list(session, skp)
    if number is None:
        if not frozen or skp.status == workflow.APPROVED:
            return []
        return versions.diff(frozen[-1].content, skps.content(session, skp))
    current = version(session, skp, number)
    earlier = [v for v in frozen if v.version < number]
    return versions.diff(earlier[-1].content, current.content) if earlier else []


# --- what waits for someone --------------------------------------------------------------------
def waiting(session: Session, principal: perm.Principal, year: int | None = None) -> list[Skp]:
    """Submitted plans `principal` decides on: those they rate (nearest active superior), and for
    the admin OPD those of employees nobody rates (the head): the permission's filter
    (`perm.decided`), each confirmed by the workflow's role."""
    decided = perm.decided(principal)
    if not decided.employee_ids:
        return []
    query = select(Skp).where(Skp.status == workflow.SUBMITTED, decided.where(Skp.employee_id))
    if year is not None:
        query = query.where(Skp.year == year)
    # Every one of them, however many (an admin OPD with hundreds waiting sees them all; the
    # home page's count reads `performance.waiting`'s counters instead). The people are loaded
    # in one query, so each chain below walks the session's identity map, not the database.
    plans = list(session.scalars(query.order_by(Skp.submitted_at, Skp.id)))
    people = {
        e.id: e
        for e in session.scalars(
            select(Employee).where(Employee.id.in_({s.employee_id for s in plans}))
        )
    }
    if len(plans) > 20:  # many: the superiors the chains walk through, in one query too
        session.scalars(select(Employee)).all()
    found = []
    for skp in plans:
        employee = people.get(skp.employee_id)
        if employee is None:
            continue
        if workflow.RATER in skps.roles(principal, skp, skps.chain(session, employee)):
            found.append(skp)
    return found


def counts(session: Session, year: int) -> dict[str, int]:
    """How many SKP of this agency are in each state."""
    rows = session.execute(
        select(Skp.status, func.count()).where(Skp.year == year).group_by(Skp.status)
    )
    return {status: n for status, n in rows}


def city_counts(session: Session, year: int) -> dict[int, dict[str, int]]:
    """Per agency, how many SKP in each state: aggregates only, through the allow-listed
    SECURITY DEFINER function (the city never reads an SKP of an agency it has not entered)."""
    out: dict[int, dict[str, int]] = {}
    for tenant_id, status, n in session.execute(
        text("SELECT tenant_id, status, count FROM kinerja_skp_counts(:year)"), {"year": year}
    ):
        out.setdefault(tenant_id, {})[status] = n
    return out


def matrix_rows(session: Session, year: int, employee_ids: set[int] | None) -> list[Any]:
    """The year's RHK as plain rows (no ORM objects: an agency has thousands), proposals left
    out: id, employee id and name, SKP status, kind, text, parent RHK, target."""
    query = (
        select(
            Rhk.id,
            Employee.id,
            Employee.name,
            Skp.status,
            Rhk.kind,
            Rhk.text,
            Rhk.parent_rhk_id,
            Rhk.org_target_id,
        )
        .join(Skp, Skp.id == Rhk.skp_id)
        .join(Employee, Employee.id == Skp.employee_id)
        .where(Skp.year == year, Rhk.proposed.is_(False))
        .order_by(Rhk.position, Rhk.id)
    )
    if employee_ids is not None:
        query = query.where(Skp.employee_id.in_(employee_ids))
    return list(session.execute(query))


def iki_texts(session: Session, year: int) -> dict[int, list[str]]:
    """The IKI texts of the year's RHK, by RHK id, in their order."""
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(Iki.rhk_id, Iki.text)
        .join(Rhk, Rhk.id == Iki.rhk_id)
        .join(Skp, Skp.id == Rhk.skp_id)
        .where(Skp.year == year)
        .order_by(Iki.rhk_id, Iki.position, Iki.id)
    )
    for rhk_id, text_ in rows:
        found.setdefault(rhk_id, []).append(text_)
    return found
