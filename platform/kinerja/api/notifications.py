"""Notifications through the API: the list with the unread count (texts in the caller's
language), marking read, and the e-mail choice per kind."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields, validate

from kinerja import permissions as perm
from kinerja.api.common import Blueprint, abort
from kinerja.api.pagination import SelectPage
from kinerja.api.people import BEARER
from kinerja.db import db
from kinerja.identity.principal import current
from kinerja.notifications import service
from kinerja.notifications.kinds import KINDS
from kinerja.schema import Schema
from kinerja.workflow import agency_lock

blp = Blueprint(
    "notifications_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/notifications",
    description="Your notifications in this agency (an SKP or entry waiting for you, a "
    "decision on yours, feedback, evaluations, ratings, reminders) and what reaches you by "
    "e-mail.",
)


class ReadSchema(Schema):
    ids = fields.List(
        fields.Integer(validate=validate.Range(1, 2**62)),
        load_default=None,
        metadata={"description": "none: all"},
    )


def _me() -> int:
    principal = current()
    if not perm.is_member(principal) or principal.employee_id is None:
        abort(404)
    return principal.employee_id


@blp.route("")
class Notifications(MethodView):
    @blp.response(200)
    @blp.paginate(page_size=service.PAGE)
    @blp.doc(security=BEARER)
    def get(self, pagination_parameters: Any) -> Any:
        """Your notifications (unread first, newest first), a page of them in `items` (the
        total in X-Pagination), and how many are unread"""
        me = _me()
        shown = SelectPage(service.listing(me), pagination_parameters).items
        return {
            "unread": service.unread(db.session, me),
            "items": [
                {
                    "id": n.id,
                    "kind": n.kind,
                    "text": service.text(n),
                    "link": n.link,
                    "repeats": n.repeats,
                    "created_at": n.created_at.isoformat(),
                    "read": n.read_at is not None,
                }
                for n in shown
            ],
        }


@blp.route("/read")
class Read(MethodView):
    @blp.arguments(ReadSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Mark notifications read: the given ids, or all"""
        me = _me()
        changed = service.mark_read(db.session, me, data.get("ids"))
        db.session.commit()
        return {"marked": changed, "unread": service.unread(db.session, me)}


class ChoicesSchema(Schema):
    class Meta:
        unknown = "raise"

    choices = fields.Dict(
        keys=fields.String(validate=validate.OneOf(list(KINDS))),
        values=fields.Boolean(),
        required=True,
    )


@blp.route("/choices")
@blp.etag
class Choices(MethodView):
    @blp.response(200)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """For each kind, whether it reaches you by e-mail (in one digest a day)"""
        return {"choices": service.choices(db.session, _me())}

    @blp.arguments(ChoicesSchema)
    @blp.response(200)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any]) -> Any:
        """Choose per kind: {"choices": {kind: true|false}} (send If-Match with the ETag of the
        GET)"""
        me = _me()
        agency_lock(db.session, f"notification_choices:{me}")
        blp.check_etag({"choices": service.choices(db.session, me)})
        found = service.set_choices(db.session, me, data["choices"])
        db.session.commit()
        return {"choices": found}
