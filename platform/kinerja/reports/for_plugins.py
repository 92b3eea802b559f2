"""The report helpers plugins reach through `kinerja.plugins.api` (registered by `init_app`):
their submissions as typed rows, whose they are (`scope`: what a page says it covers), and
submissions recorded for people (the demo, an import).

Each opens its own session bound to the agency, in the calling thread: a hook may run in a
worker thread, where the request's session must not be used.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kinerja import clock
from kinerja import permissions as perm
from kinerja.db import db
from kinerja.organisation.models import OrgUnit
from kinerja.people.models import Employee
from kinerja.permissions import Principal
from kinerja.plugins import context
from kinerja.plugins.types import ReportForm, Scope, Submission
from kinerja.reports import choices, rules, service
from kinerja.reports.models import ReportSubmission
from kinerja.reports.permissions import REPORT
from kinerja.tenancy.models import Tenant


def submissions(
    tenant_id: int,
    principal: Principal | None,
    form_code: str,
    month: date | None,
    year: int | None,
    employee_id: int | None,
) -> list[Submission]:
    """The agency's submitted and approved reports of `form_code` in `month` (or `year`) that
    `principal` may see (None: the system sees all), oldest first."""
    query = _query(principal, form_code, month, year, employee_id)
    with db.unit_of_work(tenant_id) as session:
        return [
            Submission(id_, employee, name, unit or "", day, status, dict(data or {}))
            for id_, employee, name, unit, day, status, data in session.execute(query)
        ]


def scope(tenant_id: int, principal: Principal | None) -> Scope:
    """Whose reports `submissions` gives `principal` (None: the system, the whole agency), from
    the same rule (`perm.reach`): the agency, the reader's unit (they and those they lead, by
    the hierarchy), the reader's own, or nobody's."""
    seen = perm.Reach(everyone=True) if principal is None else perm.reach(principal, REPORT)
    with db.unit_of_work(tenant_id) as session:
        if seen.everyone:
            return Scope(
                "agency", session.scalar(select(Tenant.name).where(Tenant.id == tenant_id)) or ""
            )
        if not seen.employee_ids:
            return Scope("none")
        own = principal.employee_id if principal is not None else None
        row = session.execute(
            select(Employee.name, OrgUnit.name)
            .outerjoin(OrgUnit, OrgUnit.id == Employee.org_unit_id)
            .where(Employee.id == own)
        ).first()
        employee, unit = (row[0], row[1]) if row else ("", None)
        if seen.employee_ids == {own}:
            return Scope("own", employee or "", 1)
        return Scope("unit", unit or "", len(seen.employee_ids))


def _query(
    principal: Principal | None,
    form_code: str,
    month: date | None,
    year: int | None,
    employee_id: int | None,
) -> Select[Any]:
    query = (
        select(
            ReportSubmission.id,
            ReportSubmission.employee_id,
            Employee.name,
            OrgUnit.name,
            ReportSubmission.report_date,
            ReportSubmission.status,
            ReportSubmission.data,
        )
        .join(Employee, Employee.id == ReportSubmission.employee_id)
        .outerjoin(OrgUnit, OrgUnit.id == Employee.org_unit_id)
        .where(
            ReportSubmission.form_code == form_code,
            ReportSubmission.status.in_((rules.SUBMITTED, rules.APPROVED)),
        )
        .order_by(ReportSubmission.report_date, ReportSubmission.id)
    )
    if principal is not None:
        seen = service.visible(principal).with_only_columns(ReportSubmission.id)
        query = query.where(ReportSubmission.id.in_(seen))
    if year is not None:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    else:
        start = month.replace(day=1) if month else clock.this_month()
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    query = query.where(ReportSubmission.report_date >= start, ReportSubmission.report_date < end)
    if employee_id is not None:
        query = query.where(ReportSubmission.employee_id == employee_id)
    return query


def record(
    session: Session,
    plugin: str,
    form: ReportForm,
    nip: str,
    values: Mapping[str, Any],
    approved_by: str | None,
) -> bool:
    """A report of the employee with `nip`, checked like any other and submitted as them; then
    approved as the employee `approved_by` (a NIP) when given. False: no such employee here."""
    people = {
        e.nip: e
        for e in session.scalars(
            select(Employee).where(Employee.nip.in_([nip, approved_by or nip]))
        )
    }
    employee = people.get(nip)
    if employee is None:
        return False
    here = context.current()
    if here is not None:  # the live choices of the agency recording it, checked like a typed one
        form = choices.resolved(form, plugin, here)
    submission = service.create(
        session, plugin, form, employee.id, employee.user_id, values, today=clock.today()
    )
    approver = people.get(approved_by) if approved_by else None
    if approver is not None:
        service.decide(session, submission, "approve", approver.user_id)
    return True
