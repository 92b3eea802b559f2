"""Evaluations: start one for a period or the year (realisasi proposed from daily work), the
employee's realisasi, the rater's ratings, the reviewer's decision against the agency's curve,
revisions; the agency's achievement. Every change is in the audit log."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kinerja import audit, events, numbers, rules
from kinerja import permissions as perm
from kinerja.db.load import load_or_404
from kinerja.exceptions import Conflict, Forbidden, Invalid, InvalidFields, NotFound
from kinerja.i18n import _
from kinerja.identity import users
from kinerja.people.models import Employee, Position
from kinerja.performance import behaviour, measure, years
from kinerja.performance import skp as skps
from kinerja.performance.evaluation import evidence, workflow
from kinerja.performance.evaluation.labels import STATUS_WORDS
from kinerja.performance.evaluation.models import Evaluation, EvaluationItem, OrgAchievement
from kinerja.performance.models import Iki, Rhk, Skp
from kinerja.workflow import locked, year_lock

ANNUAL = 0
# The curve's messages in the reader's language (the fields of kinerja.rules.curve.MESSAGES).
CURVE_WORDS = {
    "at_most": _("{names} is {share} of {total} employees; allowed: at most {percent}%"),
    "none": _("{names} is {share} of {total} employees; allowed: none"),
    "at_least": _("{names} is {share} of {total} employees; needed: at least {percent}%"),
    "present": _("there must be some {names}"),
    "largest": _("{name} ({count}) must be the largest group, but {others}"),
    "has": _("{name} has {count}"),
    "or": _(" and/or "),
}


@cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("angka_kredit.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def coefficient(position_name: str | None, position_type: str | None) -> Decimal | None:
    """The annual credit-point coefficient of a functional position, by its jenjang."""
    if position_type != "fungsional" or not position_name:
        return None
    for jenjang, value in _data()["jenjang"]:
        if jenjang.lower() in position_name.lower():
            return Decimal(value)
    return None


def rating_from_achievement(level: str) -> str:
    return str(_data()["rating_from_achievement"][level])


# --- the agency's achievement ------------------------------------------------------------------
def achievement(session: Session, year: int) -> OrgAchievement | None:
    return session.scalar(select(OrgAchievement).where(OrgAchievement.year == year))


def set_achievement(
    session: Session,
    year: int,
    level: str,
    user_id: int | None,
    head_from_organisation: bool = True,
) -> OrgAchievement:
    years.check_year(year)
    if level not in rules.ORGANISATION_LEVELS:
        raise Invalid("level", _("Choose one of the organisation's achievement levels."))
    row = achievement(session, year) or OrgAchievement(year=year)
    before = row.level
    row.level, row.head_from_organisation = level, head_from_organisation
    row.set_by, row.set_at = user_id, datetime.now(UTC)
    session.add(row)
    session.flush()
    audit.record(
        session,
        "evaluation.achievement",
        "org_achievement",
        year,
        changes={"level": [before, level]},
    )
    return row


def city_achievements(session: Session, year: int) -> dict[int, str]:
    """Every agency's achievement of the year, for the city (one level each, no personal data),
    through the allow-listed SECURITY DEFINER function."""
    rows = session.execute(
        text("SELECT tenant_id, level FROM kinerja_org_achievements(:year)"), {"year": year}
    )
    return {tenant_id: level for tenant_id, level in rows}


def distribution(session: Session, year: int, period: int = ANNUAL) -> dict[str, int]:
    """Approved predikat of the year (annual evaluations by default), counted."""
    rows = session.execute(
        select(Evaluation.predikat, func.count())
        .where(
            Evaluation.year == year,
            Evaluation.period == period,
            Evaluation.status == workflow.APPROVED,
            Evaluation.predikat.is_not(None),
        )
        .group_by(Evaluation.predikat)
    )
    return {code: n for code, n in rows if code is not None}


@dataclass(frozen=True)
class Curve:
    level: str | None
    counts: dict[str, int]
    violations: list[str]


def curve(session: Session, year: int, extra: str | None = None) -> Curve:
    """The agency's annual distribution against its curve (with one more predikat: what an
    approval would make it)."""
    counts = distribution(session, year)
    if extra:
        counts[extra] = counts.get(extra, 0) + 1
    found = achievement(session, year)
    if found is None:
        return Curve(None, counts, [])
    words = {key: str(text) for key, text in CURVE_WORDS.items()}
    return Curve(found.level, counts, rules.curve_violations(found.level, counts, messages=words))


# --- starting ----------------------------------------------------------------------------------
def _period(session: Session, skp: Skp, number: int) -> tuple[date, date]:
    if number == ANNUAL:
        info = years.info(session, skp.year)
        return info.starts, info.ends
    found = next((p for p in years.periods_of(session, skp.year) if p.number == number), None)
    if found is None:
        raise Invalid("period", _("This year has no period %(n)s.", n=number))
    return found.starts, found.ends


def get(session: Session, evaluation_id: int) -> Evaluation:
    return load_or_404(session, Evaluation, evaluation_id)


def resource(evaluation: Evaluation) -> perm.Resource:
    return perm.Resource("evaluation", evaluation.tenant_id, employee_id=evaluation.employee_id)


def start(session: Session, skp: Skp, period: int) -> Evaluation:
    years.check_open(session, skp.year)
    if not skp.in_force:
        raise Conflict(_("Only an approved SKP is evaluated."))
    if session.scalar(
        select(Evaluation.id).where(Evaluation.skp_id == skp.id, Evaluation.period == period)
    ):
        raise Conflict(_("This period is already being evaluated."))
    starts, ends = _period(session, skp, period)
    evaluation = Evaluation(
        skp_id=skp.id,
        employee_id=skp.employee_id,
        year=skp.year,
        period=period,
        starts=starts,
        ends=ends,
        status=workflow.DRAFT,
        version=1,
        behaviour_feedback={},
        revisions=[],
    )
    session.add(evaluation)
    session.flush()
    # The period's realisation from its approved work, against the period's own target.
    # The entries that made it are proposed as its bukti dukung: ticked, the owner may untick.
    found = measure.for_period(session, skp, period)
    ikis = measure.measured_ikis(session, skp)
    backing = measure.counted(session, skp.employee_id, ikis, starts, ends)
    for iki in ikis:
        measured = found.get(iki.id)
        session.add(
            EvaluationItem(
                evaluation_id=evaluation.id,
                iki_id=iki.id,
                realisasi=measured.realisation if measured is not None else None,
                evidence=backing[iki.id][: evidence.MAX_LINKS],
            )
        )
    session.flush()
    audit.record(
        session,
        "evaluation.start",
        "evaluation",
        evaluation.id,
        changes={"year": [None, skp.year], "period": [None, period]},
        subject_employee_id=skp.employee_id,
    )
    return evaluation


def items(session: Session, evaluation: Evaluation) -> list[tuple[EvaluationItem, Iki, Rhk]]:
    rows = session.execute(
        select(EvaluationItem, Iki, Rhk)
        .join(Iki, Iki.id == EvaluationItem.iki_id)
        .join(Rhk, Rhk.id == Iki.rhk_id)
        .where(EvaluationItem.evaluation_id == evaluation.id)
        .order_by(Rhk.position, Rhk.id, Iki.position, Iki.id)
    )
    return [(item, iki, rhk) for item, iki, rhk in rows]


# --- the employee's realisasi ------------------------------------------------------------------
def update_items(session: Session, evaluation: Evaluation, raw: Mapping[str, Any]) -> Evaluation:
    """{iki id: {realisasi, realisasi_text, evidence: [daily entry ids], reports: [report
    submission ids]}} of the employee, loaded through `evaluation.inputs.ItemsBody`."""
    if locked(session, evaluation).status not in workflow.EDITABLE_BY_OWNER:
        raise Conflict(_("The realisation can be changed only before it is submitted."))
    years.check_open(session, evaluation.year)
    by_iki = {item.iki_id: item for item, _iki, _rhk in items(session, evaluation)}
    errors: dict[str, list[Any]] = {}
    for key, given in raw.items():
        item = by_iki.get(numbers.whole(key, 1) or 0)
        if item is None:
            errors[str(key)] = [_("Not an indicator of this evaluation.")]
            continue
        try:
            if "realisasi" in given:
                item.realisasi = given["realisasi"]
            if "realisasi_text" in given:
                item.realisasi_text = given["realisasi_text"]
            if "evidence" in given:
                item.evidence = evidence.entries(session, evaluation, given["evidence"])
            if "reports" in given:
                item.reports = evidence.reports(session, evaluation, given["reports"])
        except ValueError as problem:
            errors[str(key)] = [problem.args[0]]
    if errors:
        raise InvalidFields(errors)
    session.flush()
    audit.record(
        session,
        "evaluation.realisasi",
        "evaluation",
        evaluation.id,
        changes={"items": [None, len(raw)]},
        subject_employee_id=evaluation.employee_id,
    )
    return evaluation


# --- roles and ratings -------------------------------------------------------------------------
def roles(session: Session, principal: perm.Principal, evaluation: Evaluation) -> frozenset[str]:
    held = set()
    member = perm.is_member(principal)
    if member and principal.employee_id == evaluation.employee_id:
        held.add(workflow.OWNER)
    employee = session.scalar(select(Employee).where(Employee.id == evaluation.employee_id))
    if employee is None:
        return frozenset(held)
    chain = skps.chain(session, employee)
    admin = perm.is_agency_admin(principal) and principal.employee_id != evaluation.employee_id
    if (chain.rater is not None and member and principal.employee_id == chain.rater.id) or (
        chain.rater is None and admin
    ):
        held.add(workflow.RATER)
    # No Atasan Pejabat Penilai in the agency (the head, or those the head rates): the admin
    # OPD reviews, and for the head rates as well. When the one evaluated is the only admin
    # OPD, nobody else could review: their rater approves too, rather than it waiting forever.
    if chain.reviewer is not None:
        if member and principal.employee_id == chain.reviewer.id:
            held.add(workflow.REVIEWER)
    elif admin or (workflow.RATER in held and not users.other_admin(session, employee.user_id)):
        held.add(workflow.REVIEWER)
    return frozenset(held)


def waiting(session: Session, principal: perm.Principal) -> list[Evaluation]:
    """Evaluations waiting for the principal, of every year: the submitted ones they rate and
    the rated ones they review (through vacant posts too: `roles` follows the chain). The home
    page's count and the evaluation page's list are this one list."""
    admin = perm.is_agency_admin(principal)
    if not perm.is_member(principal) and not admin:
        return []
    query = select(Evaluation).where(Evaluation.status.in_((workflow.SUBMITTED, workflow.RATED)))
    if not admin:  # whoever rates or reviews someone is above them
        query = query.where(Evaluation.employee_id.in_(principal.subordinate_ids or {-1}))
    needed = {workflow.SUBMITTED: workflow.RATER, workflow.RATED: workflow.REVIEWER}
    return [
        e
        for e in session.scalars(query.order_by(Evaluation.id.desc()))
        if needed[e.status] in roles(session, principal, e)
    ]


def is_head(session: Session, evaluation: Evaluation) -> bool:
    employee = session.scalar(select(Employee).where(Employee.id == evaluation.employee_id))
    return employee is not None and skps.chain(session, employee).rater is None


def rate(
    session: Session, principal: perm.Principal, evaluation: Evaluation, raw: Mapping[str, Any]
) -> Evaluation:
    """The rater's ratings and feedback (per IKI, per BerAKHLAK value, overall), loaded through
    `evaluation.inputs.EvaluationRatingInput`; the predikat follows from the matrix. The head's
    Rating Hasil Kerja is the agency's achievement where the agency says so."""
    if workflow.RATER not in roles(session, principal, evaluation):
        raise Forbidden(_("Only the Pejabat Penilai rates this evaluation."))
    if locked(session, evaluation).status not in workflow.RATABLE:
        raise Conflict(_("This evaluation is not waiting for ratings."))
    errors: dict[str, list[Any]] = {}
    hasil = raw.get("rating_hasil")
    perilaku = raw.get("rating_perilaku")
    found = achievement(session, evaluation.year)
    if found is not None and found.head_from_organisation and is_head(session, evaluation):
        hasil = rating_from_achievement(found.level)
    for field, value in (("rating_hasil", hasil), ("rating_perilaku", perilaku)):
        if value not in rules.RATINGS:
            errors[field] = [_("Choose above, as expected or below expectations.")]
    if errors:
        raise InvalidFields(errors)
    evaluation.rating_hasil, evaluation.rating_perilaku = str(hasil), str(perilaku)
    evaluation.predikat = rules.predikat(str(hasil), str(perilaku))
    evaluation.feedback = raw.get("feedback") or None
    evaluation.behaviour_feedback = {
        code: given
        for code, given in (raw.get("behaviour_feedback") or {}).items()
        if code in behaviour.codes() and given
    }
    by_iki = {item.iki_id: item for item, _i, _r in items(session, evaluation)}
    for key, given in (raw.get("item_feedback") or {}).items():
        item = by_iki.get(numbers.whole(key, 1) or 0)
        if item is not None:
            item.feedback = given or None
    evaluation.rated_by = principal.user_id
    return act(session, principal, evaluation, workflow.RATE)


def act(
    session: Session,
    principal: perm.Principal,
    evaluation: Evaluation,
    action: str,
    reason: str | None = None,
    curve_reason: str | None = None,
    curve_policy: str = "confirm",
) -> Evaluation:
    """Take `action` by the workflow table, on the evaluation as it is under its row lock (of
    concurrent decisions one wins, the others answer 409). An annual approval also takes the
    agency's year lock: two approvals checked against the curve one at a time, never both
    against the distribution before either."""
    if action not in workflow.ACTIONS:
        raise NotFound()
    locked(session, evaluation)
    if action == workflow.APPROVE and evaluation.period == ANNUAL:
        year_lock(session, evaluation.year)
    held = roles(session, principal, evaluation)
    violations: list[str] = []
    if action == workflow.APPROVE and evaluation.period == ANNUAL and evaluation.predikat:
        violations = curve(session, evaluation.year, evaluation.predikat).violations
    curve_ok = not violations or (curve_policy == "confirm" and bool((curve_reason or "").strip()))
    facts = {
        workflow.YEAR_OPEN: not years.info(session, evaluation.year).closed,
        workflow.HAS_RATINGS: bool(evaluation.rating_hasil and evaluation.rating_perilaku),
        # an evaluation goes up (and is approved) with its realisation, never "-"
        workflow.REALISED: all(
            item.realisasi is not None or (item.realisasi_text or "").strip()
            for item, _iki, _rhk in items(session, evaluation)
        ),
        workflow.REASON: bool((reason or "").strip()),
        workflow.CURVE_OK: curve_ok,
    }
    outcome = workflow.decide(evaluation.status, action, held, facts)
    if outcome.refusal is not None:
        raise _refusal(outcome.refusal, evaluation, violations, curve_policy)
    assert outcome.to is not None
    to = outcome.to
    before = evaluation.status
    changes: dict[str, Any] = {"status": [before, to]}
    if action == workflow.APPROVE:
        evaluation.approved_by, evaluation.approved_at = principal.user_id, datetime.now(UTC)
        if violations:
            evaluation.curve_reason = (curve_reason or "").strip()[:1000]
            changes["curve"] = [None, violations]
            changes["curve_reason"] = [None, evaluation.curve_reason]
        changes["predikat"] = [None, evaluation.predikat]
    elif action in (workflow.RETURN, workflow.REVISE):
        evaluation.reason = (reason or "").strip()[:1000]
        changes["reason"] = [None, evaluation.reason]
        if action == workflow.REVISE:
            evaluation.revisions = [*evaluation.revisions, _snapshot(evaluation)]
            evaluation.version += 1
            changes["version"] = [evaluation.version - 1, evaluation.version]
    elif action == workflow.RATE:
        changes["predikat"] = [None, evaluation.predikat]
    evaluation.status = to
    session.flush()
    audit.record(
        session,
        f"evaluation.{action}",
        "evaluation",
        evaluation.id,
        changes=changes,
        subject_employee_id=evaluation.employee_id,
    )
    events.evaluation_acted.send(session, evaluation=evaluation, action=action)
    return evaluation


def _snapshot(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "version": evaluation.version,
        "rating_hasil": evaluation.rating_hasil,
        "rating_perilaku": evaluation.rating_perilaku,
        "predikat": evaluation.predikat,
        "approved_at": evaluation.approved_at.isoformat() if evaluation.approved_at else None,
        "curve_reason": evaluation.curve_reason,
    }


def _refusal(why: str, evaluation: Evaluation, violations: list[str], policy: str) -> Exception:
    if why == "state":
        return Conflict(
            _(
                "This evaluation is now “%(state)s”: it cannot take that step.",
                state=STATUS_WORDS.get(evaluation.status, evaluation.status),
            )
        )
    if why == "who":
        return Forbidden(_("This step is not yours to take on this evaluation."))
    if why == workflow.REASON:
        return Invalid("reason", _("Give a reason."))
    if why == workflow.CURVE_OK:
        if policy == "block":
            return Conflict(
                _(
                    "The city does not allow ratings that break the curve: %(what)s",
                    what="; ".join(violations),
                )
            )
        return Invalid(
            "curve_reason",
            _(
                "These ratings break the curve (%(what)s): confirm with a reason.",
                what="; ".join(violations),
            ),
        )
    return Conflict(_(workflow.UNMET[why]))


def angka_kredit(session: Session, evaluation: Evaluation) -> Decimal | None:
    """Credit points of an approved annual evaluation of a functional position."""
    if evaluation.period != ANNUAL or not evaluation.predikat:
        return None
    position = session.execute(
        select(Position.name, Position.type)
        .join(Employee, Employee.position_id == Position.id)
        .where(Employee.id == evaluation.employee_id)
    ).first()
    value = coefficient(*position) if position else None
    return rules.angka_kredit(evaluation.predikat, value) if value is not None else None


def progress(session: Session, employee_id: int, year: int) -> int | None:
    """How far the year's verified work has come toward the plan's targets: the mean over the
    IKI of their achievement so far, each capped at 100 %; None without a plan in force or
    without a measurable target."""
    skp = skps.of_employee(session, employee_id, year)
    if skp is None or not skp.in_force:
        return None
    return measure.overall(measure.progress(session, skp))


def measured(session: Session, evaluation: Evaluation) -> dict[int, measure.Measured]:
    """Per IKI of the evaluation: its target for the evaluated period (the year's for the
    annual one) and the achievement of the realisation entered (or proposed)."""
    skp = skps.get(session, evaluation.skp_id)
    targets = measure.for_period(session, skp, evaluation.period)
    out = {}
    for item, iki, _rhk in items(session, evaluation):
        found = targets.get(iki.id)
        low, high = (found.target_low, found.target_high) if found else (iki.target_low, None)
        out[iki.id] = measure.Measured(
            evaluation.period,
            evaluation.starts,
            evaluation.ends,
            low,
            high,
            item.realisasi,
            None,
            rules.achievement(item.realisasi, low, high, iki.aspect) if low is not None else None,
        )
    return out
