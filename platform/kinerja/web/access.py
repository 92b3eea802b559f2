"""Access pages: personal API tokens and the agency's roles."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from kinerja import permissions as perm
from kinerja.db import db
from kinerja.db.load import load_or_404
from kinerja.exceptions import ServiceError
from kinerja.identity import tokens, users
from kinerja.identity.models import ApiToken, User
from kinerja.identity.models import Membership as MembershipRow
from kinerja.identity.permissions import MEMBERSHIP, TOKEN
from kinerja.identity.principal import current, require
from kinerja.presentation import labels
from kinerja.web.admin import bp, confirmed, require_admin
from kinerja.web.forms import Problem, form_page, submit, whole_number


# --- API tokens --------------------------------------------------------------------------------
@bp.route("/tokens", methods=["GET", "POST"])
def token_page() -> Any:
    principal = current()
    if not perm.is_member(principal):
        abort(404)
    issued, error = None, None
    if request.method == "POST":
        role = request.form.get("role", "pegawai")
        name = request.form.get("name", "").strip()[:100] or "token"
        days = request.form.get("expires_days", "90").strip()
        try:
            issued = tokens.create_for(
                db.session,
                g.tenant.id,
                principal.user_id or 0,
                principal.roles,
                role,
                name,
                whole_number(days, 10**6) or 0,
                max_days=current_app.config["TOKEN_MAX_DAYS"],
            )
        except ServiceError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
    mine = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == principal.user_id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    page = render_template(
        "tokens.html",
        tokens=mine,
        issued=issued,
        error=error,
        roles=sorted(principal.roles),
        max_days=current_app.config["TOKEN_MAX_DAYS"],
        now=datetime.now(UTC),
    )
    return page, 422 if error else 200


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
def revoke_token(token_id: int) -> Any:
    """Revoking asks first (a token in use by another application stops working at once)."""
    record = load_or_404(db.session, ApiToken, token_id)
    require(perm.MANAGE, perm.Resource(TOKEN, g.tenant.id, user_id=record.user_id))
    if not confirmed():
        return render_template(
            "confirm.html",
            title=_("Revoke the token %(name)s?", name=record.name),
            question=_("Applications that use it stop working at once. This cannot be undone."),
            warning=None,
            action=_("Revoke"),
            back=url_for("admin.token_page"),
        )
    tokens.revoke(db.session, record)
    db.session.commit()
    return redirect(url_for("admin.token_page"), code=303)


# --- roles -------------------------------------------------------------------------------------


@bp.route("/memberships", methods=["GET", "POST"])
def memberships_page() -> Any:
    require(perm.VIEW, perm.Resource(MEMBERSHIP, g.tenant.id))
    can_manage = perm.is_agency_admin(current())
    error: Problem = None
    if request.method == "POST":
        if not can_manage:
            abort(403)
        form = request.form
        done, error = submit(
            lambda: users.grant_by_nip(db.session, form.get("nip", ""), form.get("role", "")),
            "admin.memberships_page",
        )
        if done:
            return done
    return _memberships(error, can_manage)


def _memberships(error: Problem, can_manage: bool) -> Any:
    return form_page(
        "memberships.html",
        error,
        rows=_membership_rows(),
        can_manage=can_manage,
        source_labels=labels.labels("membership.source"),
    )


def _membership_rows() -> list[dict[str, Any]]:
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for m, u in db.session.execute(
        select(MembershipRow, User)
        .join(User, User.id == MembershipRow.user_id)
        .order_by(User.display_name, MembershipRow.role, MembershipRow.source)
    ):
        row = rows.setdefault(
            (u.id, m.role),
            {
                "user_id": u.id,
                "display_name": u.display_name,
                "nip": u.nip,
                "email": u.email,
                "role": m.role,
                "sources": [],
            },
        )
        row["sources"].append(m.source)
    return list(rows.values())


@bp.route("/memberships/<int:user_id>/<role>/delete", methods=["GET", "POST"])
def delete_membership(user_id: int, role: str) -> Any:
    require_admin()
    if not confirmed():
        own = user_id == current().user_id
        return render_template(
            "confirm.html",
            title=_("Remove this role?"),
            question=_("The person loses what the role allows in this agency at once."),
            warning=_("This is your own role.") if own else None,
            action=_("Remove"),
            back=url_for("admin.memberships_page"),
        )
    done, error = submit(
        lambda: users.remove_membership(db.session, current().user_id, user_id, role),
        "admin.memberships_page",
    )
    if done:
        return done
    return _memberships(error, True)  # the refusal explained, with its status
