"""Continuous feedback through the API: threads about the SKP, an RHK, an IKI, a daily entry or
an evaluation, between an employee and their superior, with read receipts."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import false, select

from kinerja.api.common import Blueprint
from kinerja.api.pagination import WHOLE, SelectPage
from kinerja.api.people import BEARER
from kinerja.db import db
from kinerja.i18n import _
from kinerja.identity.principal import current
from kinerja.performance import feedback
from kinerja.performance.feedback_models import FeedbackThread
from kinerja.schema import Schema

blp = Blueprint(
    "feedback_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>/feedback",
    description="Continuous feedback (umpan balik berkelanjutan) between an employee and their "
    "superior; seen by the two of them, the Atasan Pejabat Penilai and the admin OPD only.",
)


SUBJECT = {"description": "skp, rhk, iki, entry (a daily entry) or evaluation"}


class ThreadStartSchema(Schema):
    subject = fields.String(
        required=True, validate=validate.OneOf(feedback.SUBJECTS), metadata=SUBJECT
    )
    subject_id = fields.Integer(required=True, validate=validate.Range(1, 2**62))
    body = fields.String(required=True)


class ThreadQuerySchema(Schema):
    subject = fields.String(validate=validate.OneOf(feedback.SUBJECTS), metadata=SUBJECT)
    subject_id = fields.Integer(
        validate=validate.Range(1, 2**62),
        metadata={"description": "with subject: the threads about that record"},
    )

    @validates_schema
    def _both(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("subject" in data) != ("subject_id" in data):
            raise ValidationError(_("Give the subject and its id together."), "subject_id")


class MessageSchema(Schema):
    body = fields.String(required=True)


class ThreadSchema(Schema):
    id = fields.Integer()
    employee_id = fields.Integer()
    superior_id = fields.Integer()
    subject = fields.String()
    subject_id = fields.Integer()
    title = fields.String()
    created_at = fields.DateTime()


def thread_dict(thread: FeedbackThread) -> dict[str, Any]:
    read = feedback.receipts(db.session, thread)
    about = feedback.subjects(db.session, current(), [thread])[thread.id]
    return {
        **ThreadSchema().dump(thread),
        # what it is about in the reader's words, and whether the reader may open that record
        "about": about.label,
        "about_open": about.record_id is not None,
        "messages": [
            {
                "id": m.id,
                "author_id": m.author_id,
                "body": m.body,
                "created_at": m.created_at.isoformat(),
                # read by the other participant (the read receipt)
                "read": any(last >= m.id for who, last in read.items() if who != m.author_id),
            }
            for m in feedback.messages(db.session, thread)
        ],
    }


@blp.route("")
class Threads(MethodView):
    @blp.arguments(ThreadQuerySchema, location="query")
    @blp.response(200, ThreadSchema(many=True))
    @blp.paginate(SelectPage, page_size=WHOLE)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """The threads you take part in or oversee, newest first; with `subject` and
        `subject_id`, those about that record"""
        about = (args["subject"], [args["subject_id"]]) if "subject" in args else None
        query = feedback.visible_query(db.session, current(), about)
        return select(FeedbackThread).where(false()) if query is None else query

    @blp.arguments(ThreadStartSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Start a thread about your work (with your superior) or your subordinate's"""
        thread = feedback.start(
            db.session, current(), data["subject"], data["subject_id"], data["body"]
        )
        db.session.commit()
        return thread_dict(thread), 201


@blp.route("/<int:thread_id>")
class Thread(MethodView):
    @blp.doc(security=BEARER)
    def get(self, thread_id: int) -> Any:
        """A thread with its messages (opening it marks it read)"""
        thread = feedback.get(db.session, current(), thread_id)
        feedback.mark_read(db.session, current(), thread)
        db.session.commit()
        return thread_dict(thread)


@blp.route("/<int:thread_id>/messages")
class Messages(MethodView):
    @blp.arguments(MessageSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], thread_id: int) -> Any:
        """Answer in a thread"""
        thread = feedback.get(db.session, current(), thread_id)
        feedback.post(db.session, current(), thread, data["body"])
        db.session.commit()
        return thread_dict(thread), 201
