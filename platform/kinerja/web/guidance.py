"""Guidance on the pages: the introduction per role on the agency's home (until dismissed),
help on the forms with an example for the reader's kind of position, and BKPSDM's page to edit
every text."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, g, redirect, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import select

from kinerja import permissions as perm
from kinerja.db import db
from kinerja.exceptions import ServiceError
from kinerja.guidance import editor, service
from kinerja.identity.principal import current
from kinerja.people.models import Employee, Position
from kinerja.web.city import city_admin_only, log
from kinerja.web.forms import Problem, form_page

bp = Blueprint("guidance", __name__)
COOKIE = "kinerja_intro_seen"
ANCHOR = re.compile(r"[A-Za-z0-9_.-]{0,120}")


def _texts() -> dict[str, str]:
    """The texts in force, read once per request (kept on the request: `g` can outlive it)."""
    cache = request.environ.setdefault("kinerja.guidance", {})
    if not cache:
        cache.update(service.texts(db.session))
    return dict(cache)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "id"


def role_of(principal: perm.Principal) -> str:
    if perm.is_city_admin(principal):
        return "admin_kota"
    if perm.is_agency_admin(principal):
        return "admin_opd"
    if perm.leads(principal):
        return "atasan"
    return "pegawai"


def intro() -> str | None:
    """The introduction for the reader's role, unless they dismissed it on this device."""
    principal = g.get("principal")
    if principal is None or not principal.authenticated:
        return None
    role = role_of(principal)
    if role in (request.cookies.get(COOKIE) or "").split(","):
        return None
    return service.intro(_texts(), role, _language()) or None


def _position_type() -> str | None:
    """The reader's position type, read once per request (a page has several help boxes)."""
    environ = request.environ
    if "kinerja.position_type" not in environ:
        principal = g.get("principal")
        found = None
        if principal is not None and principal.employee_id is not None and g.get("tenant"):
            found = db.session.scalar(
                select(Position.type)
                .join(Employee, Employee.position_id == Position.id)
                .where(Employee.id == principal.employee_id)
            )
        environ["kinerja.position_type"] = found
    return environ["kinerja.position_type"]


def help_box(topic: str) -> Markup:
    """A folded help on `topic`, with an example for the reader's kind of position."""
    found = service.help_for(_texts(), topic, _language(), _position_type())
    if found is None:
        return Markup("")
    example = (
        f'<p class="mb-0 fst-italic">{escape(found["example"])}</p>' if found["example"] else ""
    )
    return Markup(
        f'<details class="kj-help small mb-2"><summary>{escape(found["title"])}</summary>'
        f'<p class="mb-1">{escape(found["text"])}</p>{example}</details>'
    )


@bp.post("/intro/seen")
def intro_seen() -> Any:
    """Dismiss the introduction of the reader's role on this device."""
    from kinerja.web.views import safe_next

    principal = current()
    response = redirect(safe_next(request.form.get("next")), code=303)
    if principal.authenticated:
        seen = {r for r in (request.cookies.get(COOKIE) or "").split(",") if r}
        seen.add(role_of(principal))
        response.set_cookie(
            COOKIE, ",".join(sorted(seen)), max_age=365 * 24 * 3600, httponly=True, samesite="Lax"
        )
    return response


@bp.route("/city/guidance", methods=["GET", "POST"])
def edit() -> Any:
    """BKPSDM edits the guidance, grouped by the page where it is read, Indonesian and English
    side by side; a form sends one topic's texts (`text:<key>`) or a single `key` and `text`.
    An empty text goes back to the default."""
    refused = city_admin_only()
    if refused is not None:
        return refused
    problem: Problem = None
    if request.method == "POST":
        sent = {
            k.removeprefix("text:"): v for k, v in request.form.items() if k.startswith("text:")
        }
        if "key" in request.form:
            sent[request.form.get("key", "")] = request.form.get("text", "")
        try:
            with db.unit_of_work() as session:
                current_texts = service.texts(session)
                for key, text in sent.items():
                    if key not in current_texts or (text or "").strip() != current_texts[key]:
                        service.set_text(session, key, text)
            log.info("guidance texts %s set by user %s", sorted(sent), current().user_id)
            anchor = request.form.get("topic") or next(iter(sent), "")
            if not ANCHOR.fullmatch(anchor):  # a topic or a key, nothing else goes in the URL
                anchor = ""
            return redirect(url_for("guidance.edit", saved=1) + f"#{anchor}", code=303)
        except ServiceError as error:
            problem = error
    found = service.texts(db.session)
    return form_page(
        "city_guidance.html",
        problem,
        pages=editor.layout(found, service.defaults(), _language()),
    )
