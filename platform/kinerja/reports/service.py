"""Report submissions: create (checked against the plugin's form), decide, list, sum up."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, extract, select
from sqlalchemy.orm import Session

from kinerja import audit, workflow
from kinerja import permissions as perm
from kinerja.db import idempotency
from kinerja.db.load import load_or_404
from kinerja.db.scoping import current_tenant_id
from kinerja.exceptions import (
    Conflict,
    Forbidden,
    Invalid,
    InvalidFields,
    NotFound,
    ServiceError,
    Unavailable,
)
from kinerja.i18n import _, report_status_label
from kinerja.organisation.models import OrgUnit
from kinerja.people.classification import POSITION_TYPES
from kinerja.people.models import Employee, Position
from kinerja.performance import years
from kinerja.performance.log import service as log_service
from kinerja.plugins.types import ReportForm
from kinerja.reports import rules
from kinerja.reports.models import ReportSubmission
from kinerja.reports.permissions import REPORT

Forms = list[tuple[str, list[ReportForm]]]  # what the kinerja_report_forms hook gave


def forms_here(found: Forms) -> list[tuple[str, ReportForm]]:
    """(plugin, form) of the plugins enabled here."""
    return [(plugin, form) for plugin, forms in found for form in forms]


def find(found: Forms, code: str) -> tuple[str, ReportForm]:
    for plugin, form in forms_here(found):
        if form.code == code:
            return plugin, form
    raise NotFound()


def _messages(problems: rules.Problems) -> dict[str, list[str]]:
    return {field: [gettext(msgid, **params)] for field, (msgid, params) in problems.items()}


def create(
    session: Session,
    plugin: str,
    form: ReportForm,
    employee_id: int,
    user_id: int | None,
    raw: Mapping[str, Any],
    *,
    today: date,
    submit: bool = True,
) -> ReportSubmission:
    """Check `raw` against the form and the plugin's rule; store it (submitted, or a draft)."""
    return create_once(
        session, plugin, form, employee_id, user_id, raw, today=today, submit=submit
    )[0]


def create_once(
    session: Session,
    plugin: str,
    form: ReportForm,
    employee_id: int,
    user_id: int | None,
    raw: Mapping[str, Any],
    *,
    today: date,
    submit: bool = True,
    key: str | None = None,
) -> tuple[ReportSubmission, bool]:
    """`create` under a client's `key`: (the submission, whether it was created earlier under
    that key). A retry gets the first result; the same key with another body is refused
    (`idempotency.KeyReused`)."""
    key = idempotency.check_key(key)
    print_ = idempotency.fingerprint({"form": form.code, "fields": dict(raw), "submit": submit})
    try:
        report_date, values = _checked(form, raw, today)
    except ServiceError:
        # A retry answers what was accepted, even if the form would now refuse it.
        earlier = idempotency.earlier(
            session, ReportSubmission, "employee_id", employee_id, key, print_
        )
        if earlier is not None:
            return earlier, True
        raise
    row = {
        "form_code": form.code,
        "plugin": plugin,
        "employee_id": employee_id,
        "report_date": report_date,
        "data": values,
        "status": rules.SUBMITTED if submit else rules.DRAFT,
        "created_by": user_id,
    }
    tenant_id = current_tenant_id(session)
    assert tenant_id is not None
    audited = audit.fields(
        "report.submit" if submit else "report.draft",
        "report_submission",
        changes={"form": [None, form.code], "date": [None, report_date.isoformat()]},
        subject_employee_id=employee_id,
    )
    # One statement: the submission and its audit row (docs/architecture.md, "The write path").
    made = idempotency.claim(
        session,
        ReportSubmission.__table__,  # type: ignore[arg-type]
        row,
        owner="employee_id",
        key=key,
        print_=print_,
        also=[audit.insert_for(tenant_id, audited)],
    ).id
    if made is None:  # the key was taken: the first request's submission, or KeyReused
        return (
            idempotency.replayed(
                session, ReportSubmission, "employee_id", employee_id, key, print_
            ),
            True,
        )
    # Built from what was sent, not read back; the data as the JSONB column gives it back.
    submission = idempotency.claimed_row(
        session,
        ReportSubmission,
        made,
        key,
        print_,
        {"reason": None, "decided_by": None, "decided_at": None}
        | row
        | {"data": json.loads(json.dumps(values))},
    )
    return submission, False


def _checked(form: ReportForm, raw: Mapping[str, Any], today: date) -> tuple[date, dict[str, Any]]:
    """(the report's date, the form's values), or every field's problem at once."""
    report_date = _report_date(raw.get("report_date"), today)
    values, problems = rules.read(form, raw, today)
    errors = _messages(problems)
    if not errors and form.check is not None:
        try:
            cross = form.check(dict(values)) or {}
        except Exception as error:  # the plugin's bug: nothing is stored, the core answers
            raise Unavailable(
                _("The form's own rules could not be checked; try again later.")
            ) from error
        errors = {field: [str(message)] for field, message in cross.items()}
    if errors:
        raise InvalidFields(errors)
    return report_date, dict(values)


def _report_date(raw: Any, today: date) -> date:
    if raw in (None, ""):
        return today
    try:
        value = date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        raise Invalid("report_date", _("Enter a valid date.")) from None
    if value > today:
        raise Invalid("report_date", _("A report cannot be for a day still to come."))
    return value


def get(session: Session, submission_id: int) -> ReportSubmission:
    return load_or_404(session, ReportSubmission, submission_id)


def decide(
    session: Session,
    submission: ReportSubmission,
    action: str,
    user_id: int | None,
    reason: str | None = None,
    roles: Iterable[str] = (workflow.ANYONE,),
) -> ReportSubmission:
    """Submit, approve or reject, by the workflow table, on the submission as it is under its
    row lock (of concurrent decisions one wins, the others answer 409); audited. `roles`: what
    the actor is to the report; by default the caller has checked the permission itself."""
    workflow.locked(session, submission)
    outcome = rules.MACHINE.decide(
        submission.status, action, roles, {rules.REASON: bool((reason or "").strip())}
    )
    if outcome.refusal == rules.REASON:
        raise Invalid("reason", _("Say why the report is rejected."))
    if outcome.refusal is not None or outcome.to is None:
        raise Conflict(
            _(
                "A report that is %(status)s cannot be changed that way.",
                status=report_status_label(submission.status),
            )
        )
    status = outcome.to
    before = submission.status
    submission.status = status
    submission.reason = (reason or "").strip()[:1000] or None if action == "reject" else None
    if action in ("approve", "reject"):
        submission.decided_by, submission.decided_at = user_id, datetime.now(UTC)
    session.flush()
    audit.record(
        session,
        f"report.{action}",
        "report_submission",
        submission.id,
        changes={"status": [before, status]},
        subject_employee_id=submission.employee_id,
    )
    return submission


def month_query(code: str, month: date) -> Select[Any]:
    return (
        select(ReportSubmission)
        .where(
            ReportSubmission.form_code == code,
            extract("year", ReportSubmission.report_date) == month.year,
            extract("month", ReportSubmission.report_date) == month.month,
        )
        .order_by(ReportSubmission.report_date.desc(), ReportSubmission.id.desc())
    )


def summary(
    session: Session, form: ReportForm, by: str, visible: Select[Any]
) -> list[dict[str, Any]]:
    """The `visible` submissions (submitted or approved) added up per unit or per person."""
    rows = session.execute(
        select(ReportSubmission.data, Employee.name, Employee.org_unit_id)
        .join(Employee, Employee.id == ReportSubmission.employee_id)
        .where(ReportSubmission.id.in_(visible.with_only_columns(ReportSubmission.id)))
        .where(ReportSubmission.status.in_((rules.SUBMITTED, rules.APPROVED)))
    ).all()
    unit_names = {i: n for i, n in session.execute(select(OrgUnit.id, OrgUnit.name))}
    keyed = [
        ((name if by == "person" else unit_names.get(unit_id, "-")), data)
        for data, name, unit_id in rows
    ]
    return rules.summarise(form, keyed)


def visible(principal: Any) -> Select[Any]:
    """The submissions `principal` may see: their own and their subordinates'; everything for
    the agency's admin and a city admin who entered."""
    seen = perm.reach(principal, REPORT)
    return select(ReportSubmission).where(seen.where(ReportSubmission.employee_id))


def parse_month(raw: str | None, today: date) -> date:
    """`YYYY-MM` (default: this month) as the first day of that month (`years.month_of`: other
    scripts' digits and other shapes are no month, not a guess)."""
    return years.month_of(raw) or today.replace(day=1)


def position_type_of(session: Session, employee_id: int | None) -> str | None:
    if employee_id is None:
        return None
    return session.scalar(
        select(Position.type)
        .join(Employee, Employee.position_id == Position.id)
        .where(Employee.id == employee_id)
    )


def may_fill(form: ReportForm, position_type: str | None) -> bool:
    """Whether someone in a position of this type fills the form in (no list: everyone)."""
    return not form.position_types or position_type in form.position_types


def check_may_fill(session: Session, form: ReportForm, employee_id: int | None) -> None:
    if not may_fill(form, position_type_of(session, employee_id)):
        kinds = ", ".join(POSITION_TYPES.get(t, t) for t in form.position_types)
        raise Forbidden(_("This form is filled in by: %(kinds)s.", kinds=kinds))


def visible_in_month(principal: Any, code: str, month: date) -> Select[Any]:
    """The month's submissions of form `code` that `principal` may see."""
    in_month = month_query(code, month).with_only_columns(ReportSubmission.id)
    return visible(principal).where(ReportSubmission.id.in_(in_month))


def create_for(
    session: Session,
    plugin: str,
    form: ReportForm,
    principal: Any,
    raw: Mapping[str, Any],
    *,
    today: date,
    submit: bool,
    key: str | None = None,
) -> tuple[ReportSubmission, bool]:
    """A submission by `principal` for themself: the form must be theirs to fill in.
    (the submission, whether it is the replay of an earlier one with the same `key`)"""
    check_may_fill(session, form, principal.employee_id)
    return create_once(
        session,
        plugin,
        form,
        principal.employee_id or 0,
        principal.user_id,
        raw,
        today=today,
        submit=submit,
        key=key,
    )


def submit_for(
    session: Session,
    plugin: str,
    form: ReportForm,
    principal: Any,
    body: Mapping[str, Any],
    *,
    today: date,
    title: str,
    key: str | None = None,
) -> tuple[ReportSubmission, bool]:
    """A submission from a body loaded through `inputs.SubmissionBody`, for both edges: kept
    as a draft when `draft`, and when sent with `log_rhk` also the day's work (a daily entry
    titled `title` whose output it is: for that RHK, or an additional task for 0)."""
    sent = not body.get("draft")
    submission, replayed = create_for(
        session, plugin, form, principal, body, today=today, submit=sent, key=key
    )
    if sent and body.get("log_rhk") is not None and not replayed:
        rhk_id = body["log_rhk"] or None
        log_service.from_report(
            session, principal, principal.employee_id or 0, submission, title, rhk_id
        )
    return submission, replayed
