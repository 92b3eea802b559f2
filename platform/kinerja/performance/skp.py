"""SKP: who rates whom, the header, what a person may see, the content, starting a plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kinerja import audit
from kinerja import permissions as perm
from kinerja.db.load import load_or_404
from kinerja.exceptions import Conflict, Invalid
from kinerja.i18n import _
from kinerja.organisation.models import OrgUnit
from kinerja.people import raters
from kinerja.people.classification import pangkat
from kinerja.people.models import Employee, Position
from kinerja.performance import workflow, years
from kinerja.performance.aksi.models import RencanaAksi
from kinerja.performance.models import Iki, Rhk, Skp
from kinerja.performance.permissions import SKP

MAX_RHK = 40  # per SKP: no plan has more; bounds every page and payload
MAX_IKI = 10  # per RHK
STARTS = ("empty", "superior", "copy")


def resource(skp: Skp | None, employee_id: int | None, tenant_id: int) -> perm.Resource:
    return perm.Resource(SKP, tenant_id, employee_id=skp.employee_id if skp else employee_id)


# --- who rates whom ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Chain:
    """The Pejabat Penilai (nearest active superior; `acting` when the direct superior's post is
    vacant) and the Atasan Pejabat Penilai (the next active one above). No rater: the admin OPD
    approves (the head of the agency)."""

    rater: Employee | None
    acting: bool
    reviewer: Employee | None


def chain(session: Session, employee: Employee) -> Chain:
    rater, acting = raters.active_above(session, employee)
    reviewer = raters.active_above(session, rater)[0] if rater is not None else None
    return Chain(rater, acting, reviewer)


def rated_by(session: Session, rater_id: int | None) -> set[int]:
    """The employees whose Pejabat Penilai is `rater_id`: the inverse of `chain(…).rater`, for
    feeds, counts and digests (`people.raters`, the hierarchy's one rule, walked down)."""
    return raters.rated_by(session, rater_id)


def rater_of(session: Session, employee_id: int) -> int | None:
    """Who decides on this employee's plan, entries and evaluation: their Pejabat Penilai (None:
    the admin OPD, for the head of the agency)."""
    return raters.rater_of(session, employee_id)


def roles(principal: perm.Principal, skp: Skp, of: Chain) -> frozenset[str]:
    """The workflow roles `principal` holds on `skp` (see `workflow`)."""
    held = set()
    if perm.is_member(principal) and principal.employee_id == skp.employee_id:
        held.add(workflow.OWNER)
    if of.rater is not None:
        if perm.is_member(principal) and principal.employee_id == of.rater.id:
            held.add(workflow.RATER)
    elif perm.is_agency_admin(principal) and principal.employee_id != skp.employee_id:
        held.add(workflow.RATER)  # the head of the agency, approved by the admin OPD
    return frozenset(held)


# --- the header --------------------------------------------------------------------------------
def people(session: Session, *employees: Employee | None) -> list[dict[str, Any] | None]:
    """Name, NIP, pangkat/golongan, jabatan and unit kerja of each, as printed on the SKP (one
    query for all of them)."""
    ids = [e.id for e in employees if e is not None]
    found = {
        employee_id: (position, unit)
        for employee_id, position, unit in session.execute(
            select(Employee.id, Position.name, OrgUnit.name)
            .outerjoin(Position, Position.id == Employee.position_id)
            .outerjoin(OrgUnit, OrgUnit.id == Employee.org_unit_id)
            .where(Employee.id.in_(ids or [-1]))
        )
    }
    return [
        None
        if e is None
        else {
            "id": e.id,
            "name": e.name,
            "nip": e.nip,
            "golongan": e.golongan,
            "pangkat": pangkat(e.golongan) if e.golongan else None,
            "jabatan": found.get(e.id, (None, None))[0],
            "unit": found.get(e.id, (None, None))[1],
        }
        for e in employees
    ]


def live_header(session: Session, skp: Skp, of: Chain | None = None) -> dict[str, Any]:
    employee = raters.employee(session, skp.employee_id)
    assert employee is not None  # the foreign key keeps it
    of = of or chain(session, employee)
    year = years.info(session, skp.year)
    own, rater, reviewer = people(session, employee, of.rater, of.reviewer)
    return {
        "employee": own,
        "pejabat_penilai": rater,
        "atasan_pejabat_penilai": reviewer,
        "acting": of.acting,
        "approved_by_admin": of.rater is None,
        "year": skp.year,
        "starts": year.starts.isoformat(),
        "ends": year.ends.isoformat(),
    }


def header(session: Session, skp: Skp, of: Chain | None = None) -> tuple[dict[str, Any], str]:
    """The header to show and where it comes from: "approved" or "submitted" (a snapshot, which
    a later transfer or promotion does not rewrite) or "live" (a draft)."""
    if skp.status == workflow.APPROVED and skp.header_approved:
        return skp.header_approved, "approved"
    if skp.status in (workflow.SUBMITTED, workflow.REJECTED) and skp.header_submitted:
        return skp.header_submitted, "submitted"
    return live_header(session, skp, of), "live"


# --- reading -----------------------------------------------------------------------------------
def get(session: Session, skp_id: int) -> Skp:
    return load_or_404(session, Skp, skp_id)


def visible(principal: perm.Principal) -> Select[Any]:
    """The SKP `principal` may see: their own and their subordinates'; all for the agency's admin
    and a city admin who entered."""
    return select(Skp).where(perm.reach(principal, SKP).where(Skp.employee_id))


def of_employee(session: Session, employee_id: int, year: int) -> Skp | None:
    return session.scalar(select(Skp).where(Skp.employee_id == employee_id, Skp.year == year))


def rhk_rows(session: Session, skp: Skp) -> list[Rhk]:
    return list(
        session.scalars(select(Rhk).where(Rhk.skp_id == skp.id).order_by(Rhk.position, Rhk.id))
    )


def iki_by_rhk(session: Session, rhk_ids: list[int]) -> dict[int, list[Iki]]:
    found: dict[int, list[Iki]] = {i: [] for i in rhk_ids}
    if rhk_ids:
        for iki in session.scalars(
            select(Iki).where(Iki.rhk_id.in_(rhk_ids)).order_by(Iki.position, Iki.id)
        ):
            found[iki.rhk_id].append(iki)
    return found


def _number(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


IKI_FIELDS = (
    "text",
    "aspect",
    "target_low",
    "target_high",
    "unit",
    "narrative",
    "period_targets",  # as stored: {"frequency", "targets": [{"low", "high"}]} or None
)


def iki_values(iki: Iki) -> dict[str, Any]:
    """An IKI's own fields, as stored (for copying it into another plan)."""
    return {name: getattr(iki, name) for name in IKI_FIELDS}


def iki_dict(iki: Iki) -> dict[str, Any]:
    """An IKI for JSON: its id, and targets as exact decimal strings."""
    values = iki_values(iki)
    for name in ("target_low", "target_high"):
        values[name] = _number(values[name])
    return {"id": iki.id, **values}


def rhk_dict(rhk: Rhk, ikis: list[Iki]) -> dict[str, Any]:
    return {
        "id": rhk.id,
        "kind": rhk.kind,
        "text": rhk.text,
        "parent_rhk_id": rhk.parent_rhk_id,
        "org_target_id": rhk.org_target_id,
        "cascading": rhk.cascading,
        "perspektif": rhk.perspektif,
        "proposed": rhk.proposed,
        "iki": [iki_dict(i) for i in ikis],
    }


def aksi_dicts(session: Session, skp: Skp) -> list[dict[str, Any]]:
    """The plan's Rencana Aksi steps as plan content (what, by when, output, period, result),
    in period and date order. The "done" mark is execution, not plan: it is not frozen."""
    steps = session.scalars(
        select(RencanaAksi)
        .where(RencanaAksi.skp_id == skp.id)
        .order_by(RencanaAksi.period, RencanaAksi.due, RencanaAksi.id)
    )
    return [
        {
            "id": s.id,
            "rhk_id": s.rhk_id,
            "period": s.period,
            "text": s.text,
            "due": s.due.isoformat(),
            "output": s.output,
        }
        for s in steps
    ]


def content(session: Session, skp: Skp, of: Chain | None = None) -> dict[str, Any]:
    """The whole plan as data: what a version freezes, the API returns and the diff compares
    (`of`: the rater chain when the caller has it already). The Rencana Aksi is part of the
    approved plan, so a version freezes its steps too."""
    rows = rhk_rows(session, skp)
    ikis = iki_by_rhk(session, [r.id for r in rows])
    shown, source = header(session, skp, of)
    return {
        "header": shown,
        "header_source": source,
        "approach": skp.approach,
        "rhk": [rhk_dict(r, ikis[r.id]) for r in rows],
        "aksi": aksi_dicts(session, skp),
        "expectations": dict(skp.expectations or {}),
        "lampiran": dict(skp.lampiran or {}),
    }


def parent_texts(session: Session, rows: list[Rhk]) -> dict[int, str]:
    """The texts of the superiors' RHK and targets the rows cascade from, for display."""
    from kinerja.performance.models import OrgTarget

    parents = {r.parent_rhk_id for r in rows if r.parent_rhk_id}
    targets = {r.org_target_id for r in rows if r.org_target_id}
    found: dict[int, str] = {}
    if parents:
        found |= dict(session.execute(select(Rhk.id, Rhk.text).where(Rhk.id.in_(parents))).all())
    if targets:
        for tid, code, text in session.execute(
            select(OrgTarget.id, OrgTarget.code, OrgTarget.text).where(OrgTarget.id.in_(targets))
        ):
            found[-tid] = f"{code}: {text}"  # negative keys: targets, so ids never collide
    return found


# --- starting a plan ---------------------------------------------------------------------------
def create(
    session: Session,
    employee: Employee,
    year: int,
    approach: str = "kuantitatif",
    start: str = "empty",
) -> Skp:
    """A new draft SKP for `employee` and `year`: empty, with the superior's main results as
    proposals, or as a copy of last year's plan."""
    years.check_year(year)
    years.check_open(session, year)
    if approach not in ("kuantitatif", "kualitatif"):
        raise Invalid("approach", _("Choose quantitative or qualitative."))
    if start not in STARTS:
        raise Invalid("start", _("Choose how to start: empty, from the superior, or a copy."))
    if not employee.active:
        raise Conflict(_("This employee is no longer active."))
    if of_employee(session, employee.id, year) is not None:
        raise Conflict(_("There is already an SKP for %(year)s.", year=year))
    skp = Skp(
        employee_id=employee.id,
        year=year,
        approach=approach,
        status=workflow.DRAFT,
        version=1,
        expectations={},
        lampiran={},
        acting=False,
    )
    session.add(skp)
    session.flush()
    copied = 0
    if start == "copy":
        copied = _copy_last_year(session, skp)
    elif start == "superior":
        copied = _propose_from_superior(session, skp, employee)
    audit.record(
        session,
        "skp.create",
        "skp",
        skp.id,
        changes={"year": [None, year], "start": [None, start], "rows": [None, copied]},
        subject_employee_id=employee.id,
    )
    return skp


def add_rhk_row(session: Session, skp: Skp, values: dict[str, Any], ikis: list[dict]) -> Rhk:
    count = len(rhk_rows(session, skp))
    if count >= MAX_RHK:
        raise Conflict(_("An SKP holds at most %(max)s results.", max=MAX_RHK))
    rhk = Rhk(skp_id=skp.id, position=count, proposed=False, **values)
    session.add(rhk)
    session.flush()
    for position, item in enumerate(ikis[:MAX_IKI]):
        session.add(Iki(rhk_id=rhk.id, position=position, **item))
    session.flush()
    return rhk


def _copy_last_year(session: Session, skp: Skp) -> int:
    last = of_employee(session, skp.employee_id, skp.year - 1)
    if last is None:
        raise Conflict(_("There is no SKP of %(year)s to copy.", year=skp.year - 1))
    skp.approach, skp.lampiran = last.approach, dict(last.lampiran or {})
    rows = rhk_rows(session, last)
    ikis = iki_by_rhk(session, [r.id for r in rows])
    for row in rows:
        if row.proposed:
            continue
        # Links point into last year's plans: the new year's cascade is chosen again.
        values = {"kind": row.kind, "text": row.text, "perspektif": row.perspektif}
        add_rhk_row(session, skp, values, [iki_values(i) for i in ikis[row.id]])
    return len(rows)


def _propose_from_superior(session: Session, skp: Skp, employee: Employee) -> int:
    rater = chain(session, employee).rater
    source = of_employee(session, rater.id, skp.year) if rater is not None else None
    if source is None:
        raise Conflict(_("Your superior has no SKP for %(year)s yet.", year=skp.year))
    count = 0
    for row in rhk_rows(session, source):
        if row.kind == "utama" and not row.proposed:
            rhk = add_rhk_row(
                session,
                skp,
                {
                    "kind": "utama",
                    "text": row.text,
                    "parent_rhk_id": row.id,
                    "cascading": "langsung",
                },
                [],
            )
            rhk.proposed = True
            count += 1
    return count
