"""The city admin sets the TPP's data on its pages: the base per kelas jabatan, the tables
(deductions per attendance code, percent per predikat, weights, required compliance) and, in an
agency, the exception of a position. The checks are `kinerja.tpp.settings`' (the pages parse what
people type and say per field what is wrong, nothing stored); every form carries the version of
the values it showed, so an admin saving over another's change meanwhile gets a 409 and the
values in force instead of silently undoing it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, redirect, request, url_for
from sqlalchemy import select

from kinerja import audit, numbers
from kinerja.db import db
from kinerja.exceptions import Invalid, InvalidFields, ServiceError
from kinerja.i18n import _
from kinerja.identity.principal import current
from kinerja.people.models import Position
from kinerja.rules.tpp import HUNDRED, KINERJA_PERCENT
from kinerja.schema import ambiguous_number
from kinerja.tenancy.models import Tenant
from kinerja.tpp import settings
from kinerja.web.city import bp, city_admin_only, log
from kinerja.web.forms import decimal_text, field_errors, form_page, rupiah, whole_number
from kinerja.web.paging import paged_list

AMOUNT_PROBLEM = _("Give a whole number of rupiah of at least 0, like 2500000.")
POSITIONS_PAGE = 25


def _seen() -> str | None:
    """The version the form showed (like If-Match: none sent, no condition)."""
    return request.form.get("version") or None


# --- the base per kelas and the tables ------------------------------------------------------------
@bp.get("/tpp/settings")
def tpp_settings() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    return _settings_page(None, None)


def _settings_page(problem: ServiceError | None, form: str | None) -> Any:
    """The page with both forms; the refused one (`form`) shows what was typed, except after a
    409, when both show the values in force."""
    tables = settings.tables(db.session)
    typed = request.form if problem is not None and problem.status == 422 else {}
    return form_page(
        "city_tpp_settings.html",
        problem,
        bases=settings.bases(db.session),
        bases_version=settings.bases_version(db.session),
        tables=tables,
        tables_version=settings.tables_version(db.session),
        predikats=list(KINERJA_PERCENT),
        required_percent=tables.required * HUNDRED,
        kelas=list(settings.KELAS),
        typed_bases=typed if form == "bases" else {},
        typed_tables=typed if form == "tables" else {},
        field_errors=field_errors(problem),
        form=form,
    )


@bp.post("/tpp/bases")
def tpp_bases() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    try:
        amounts, errors = {}, {}
        for kelas in settings.KELAS:
            field = f"bases.{kelas}"
            if field not in request.form:  # not on the form: unchanged (empty removes it)
                continue
            try:
                amounts[kelas] = rupiah(request.form.get(field))
            except ValueError:
                errors[field] = [AMOUNT_PROBLEM]
        if errors:
            raise InvalidFields(errors)
        with db.unit_of_work() as session:
            settings.put_bases(session, amounts, current().user_id, seen=_seen())
    except ServiceError as problem:
        db.session.rollback()  # the page's own session: read the values in force afresh
        return _settings_page(problem, "bases")
    return redirect(url_for("city_plan.tpp_settings", saved="bases"), code=303)


def _percent(field: str, errors: dict[str, list[Any]]) -> str:
    """A percentage (or points) field from 0 to 100 as the service's text ("0,5" and "0.5"
    alike), or a message under it."""
    typed = request.form.get(field) or ""
    try:
        value = decimal_text(typed)
    except numbers.Ambiguous:  # "1.500": how to write it, not only its range
        errors[field] = [ambiguous_number(typed)]
        return typed
    except ValueError:
        value = ""
    if not value or not 0 <= Decimal(value) <= HUNDRED:
        errors[field] = [_("Give a number from 0 to 100.")]
    return value


def _weights(errors: dict[str, list[Any]]) -> list[int]:
    raw = [request.form.get(f"weights.{n}", "").strip() for n in (0, 1)]
    if (
        not all(r.isascii() and r.isdigit() and len(r) <= 3 for r in raw)
        or sum(int(r) for r in raw) != 100
    ):
        errors["weights"] = [_("Give two whole numbers that add up to 100.")]
        return []
    return [int(r) for r in raw]


@bp.post("/tpp/tables")
def tpp_tables() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    try:
        errors: dict[str, list[Any]] = {}
        current_codes = list(settings.tables(db.session).deductions)
        deductions = {code: _percent(f"deductions.{code}", errors) for code in current_codes}
        new_code = request.form.get("new_code", "").strip()
        if new_code:
            if not settings.CODE.fullmatch(new_code):
                errors["new_code"] = [
                    _("Small letters, digits and _, starting with a letter (like izin_1).")
                ]
            deductions[new_code] = _percent("new_points", errors)
        changes = {
            settings.DEDUCTIONS: deductions,
            settings.PERCENTS: {
                p: _percent(f"kinerja_percent.{p}", errors) for p in KINERJA_PERCENT
            },
            settings.WEIGHTS: _weights(errors),
        }
        required = _percent("required_compliance", errors)
        if "required_compliance" not in errors:
            if Decimal(required) == 0:  # a share of 0 would divide by nothing
                errors["required_compliance"] = [_("Must be above 0 and at most 100.")]
            changes[settings.REQUIRED] = str(Decimal(required) / HUNDRED)
        if errors:
            raise InvalidFields(errors)
        with db.unit_of_work() as session:
            settings.put_tables(session, changes, current().user_id, seen=_seen())
    except ServiceError as problem:
        db.session.rollback()
        return _settings_page(problem, "tables")
    return redirect(url_for("city_plan.tpp_settings", saved="tables"), code=303)


# --- an agency's positions ---------------------------------------------------------------------
def _agency(slug: str | None) -> Tenant | None:
    if not slug:
        return None
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


@bp.get("/tpp/positions")
def tpp_positions() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    agency = _agency(request.args.get("agency"))
    if request.args.get("agency") and agency is None:
        abort(404)
    return _positions_page(agency, None, None)


def _positions_page(agency: Tenant | None, problem: ServiceError | None, row: int | None) -> Any:
    """The agency chooser and, once one is chosen, its positions (paged) each with its form;
    `row` is the position whose save was refused (its field shows why and what was typed)."""
    rows: list[dict[str, Any]] = []
    if agency is not None:
        with db.unit_of_work(agency.id) as session:
            exceptions = settings.position_bases(session)
            found = session.execute(
                select(Position.id, Position.name, Position.grade).order_by(
                    Position.name, Position.id
                )
            ).all()
        rows = [
            {
                "id": i,
                "name": name,
                "grade": grade,
                "amount": exceptions.get(i),
                "version": settings.version_of(exceptions.get(i)),
            }
            for i, name, grade in found
        ]
    return form_page(
        "city_tpp_positions.html",
        problem,
        agencies=db.session.scalars(select(Tenant).order_by(Tenant.name)).all(),
        agency=agency,
        bases=settings.bases(db.session),
        rows=paged_list(rows, size=POSITIONS_PAGE, keep={"agency": agency.slug if agency else ""}),
        row=row,
        typed=request.form.get("amount", "")
        if problem is not None and problem.status == 422
        else None,
        field_errors=field_errors(problem),
    )


@bp.post("/tpp/positions")
def tpp_position_save() -> Any:
    refused = city_admin_only()
    if refused is not None:
        return refused
    agency = _agency(request.form.get("agency"))
    position_id = whole_number(request.form.get("position_id"))
    if agency is None or position_id is None:
        abort(404)
    actor = audit.Actor(user_id=current().user_id, role="admin_kota")
    try:
        try:
            amount = rupiah(request.form.get("amount"))
        except ValueError:
            raise Invalid("amount", AMOUNT_PROBLEM) from None
        # The exception is the agency's (audited there, as the city admin who set it).
        with db.unit_of_work(agency.id) as session, audit.acting(actor):
            settings.put_position_base(
                session,
                position_id,
                amount,
                current().user_id,
                seen=_seen(),
            )
    except ServiceError as problem:
        return _positions_page(agency, problem, position_id)
    log.info(
        "tpp position base of %s in %s set to %s by user %s",
        position_id,
        agency.slug,
        amount,
        current().user_id,
    )
    page = whole_number(request.form.get("page"), 10**6) or 1
    return redirect(
        url_for("city_plan.tpp_positions", agency=agency.slug, page=page, saved=position_id)
        + f"#position-{position_id}",
        code=303,
    )
