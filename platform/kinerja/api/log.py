"""Daily work through the API: entries with evidence, created exactly once (Idempotency-Key),
decided by the superior one by one or in bulk, the team's new entries, totals per result."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.views import MethodView
from marshmallow import fields, pre_dump, validate

from kinerja import clock, storage, workflow
from kinerja import permissions as perm
from kinerja.api.common import BODY_EITHER, Blueprint
from kinerja.api.pagination import SelectPage
from kinerja.api.people import BEARER
from kinerja.api.schemas import YEAR, EvidenceFiles
from kinerja.bodies import large_body
from kinerja.db import db, idempotency
from kinerja.exceptions import NotFound
from kinerja.httpkit import limits, send_evidence
from kinerja.identity.principal import current, require
from kinerja.performance.aksi import service as aksi
from kinerja.performance.log import rules, service, uploads
from kinerja.performance.log.inputs import EntryBody, EntryEdit, EntryPatch, PolicyInput
from kinerja.performance.log.labels import STEPS, status_label
from kinerja.performance.log.models import WorkEntry
from kinerja.performance.log.permissions import ENTRY, LOG_POLICY
from kinerja.schema import Schema

blp = Blueprint(
    "log_api",
    __name__,
    url_prefix="/api/v1/tenants/<tenant>",
    description="Daily work (laporan harian): entries against the SKP's results with photos or "
    "PDFs as evidence (the type is read from the content), created exactly once with an "
    "`Idempotency-Key`, verified by the superior.",
)
ID = fields.Integer(validate=validate.Range(1, 2**62))


class FileSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    size = fields.Integer()
    url = fields.String()
    thumbnail_url = fields.String(allow_none=True)


class EntrySchema(Schema):
    id = fields.Integer(dump_only=True)
    employee_id = fields.Integer(dump_only=True)
    entry_date = fields.Date(required=True)
    rhk_id = fields.Integer(allow_none=True)
    iki_id = fields.Integer(allow_none=True)
    rencana_aksi_id = fields.Integer(allow_none=True)
    rencana_aksi = fields.Method(
        "_step",
        dump_only=True,
        metadata={"description": "the Rencana Aksi step it serves: id, text, due (null: none)"},
    )
    extra_reason = fields.String(allow_none=True)
    activity = fields.String(required=True)
    # Sent as a string ("3.00", exact); the document says so, not "number".
    quantity = fields.Decimal(
        allow_none=True, as_string=True, metadata={"type": "string", "format": "decimal"}
    )
    unit = fields.String(allow_none=True)
    started = fields.Time(allow_none=True)
    ended = fields.Time(allow_none=True)
    minutes = fields.Integer(allow_none=True)
    location = fields.String(allow_none=True)
    status = fields.String(dump_only=True)
    status_label = fields.Function(lambda e: str(status_label(e.status)), dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    late = fields.Boolean(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    files = fields.Method("_files", dump_only=True)

    @pre_dump(pass_collection=True)
    def _load_files(self, data: Any, many: bool, **kwargs: Any) -> Any:
        """The files of every entry being dumped, in one query (a page lists fifty entries);
        kept in the request's `g`, as the schema instance is shared between requests."""
        entries = list(data) if many else [data]
        if entries and isinstance(entries[0], WorkEntry):
            g.entry_files = service.files_by_entry(db.session, [e.id for e in entries])
            g.entry_steps = aksi.of_entries(db.session, entries)
        return data

    def _step(self, entry: WorkEntry) -> dict[str, Any] | None:
        if not entry.rencana_aksi_id:
            return None
        known = g.get("entry_steps") or {}
        step = known.get(entry.id) or aksi.of_entries(db.session, [entry]).get(entry.id)
        if step is None:
            return None
        return {"id": step.id, "text": step.text, "due": step.due.isoformat()}

    def _files(self, entry: WorkEntry) -> list[dict[str, Any]]:
        known = g.get("entry_files") or {}
        files = known[entry.id] if entry.id in known else service.files_of(db.session, entry)
        return [
            {
                "id": f.id,
                "kind": f.kind,
                "name": f.name,
                "size": f.size,
                "url": _file_url(entry, f.id, "file"),
                "thumbnail_url": _file_url(entry, f.id, "thumbnail") if f.thumb_key else None,
            }
            for f in files
        ]


class StepSchema(Schema):
    action = fields.String(
        metadata={
            "description": "draft, submit, edit (a draft changed), update (corrected after a "
            "rejection), withdraw, approve or reject"
        }
    )
    label = fields.Function(lambda s: str(STEPS.get(s.action, s.action)))
    at = fields.DateTime()
    user_id = fields.Integer(allow_none=True)
    by = fields.Method("_by", metadata={"description": "the name of who took the step"})
    reason = fields.String(allow_none=True, metadata={"description": "why it was rejected"})
    files_added = fields.List(fields.String(), metadata={"description": "file names added"})
    files_removed = fields.List(fields.String(), metadata={"description": "file names taken off"})

    def _by(self, step: service.Step) -> str | None:
        return (g.get("step_names") or {}).get(step.user_id)


class EntryDetailSchema(EntrySchema):
    """One entry with its history: every decision (who, when, the reason of a rejection) stays
    after the entry is corrected and sent again."""

    history = fields.Method("_history", dump_only=True)
    revision = fields.Integer(
        dump_only=True,
        metadata={"description": "one more with every correction; part of the ETag"},
    )

    def _history(self, entry: WorkEntry) -> list[dict[str, Any]]:
        steps = service.history(db.session, entry)
        g.step_names = service.actor_names(db.session, steps)
        return StepSchema(many=True).dump(steps)


def _file_url(entry: WorkEntry, file_id: int, which: str) -> str:
    return f"/api/v1/tenants/{g.tenant.slug}/entries/{entry.id}/files/{file_id}/{which}"


class QuerySchema(Schema):
    scope = fields.String(
        load_default="mine",
        validate=validate.OneOf(["mine", "team", "subtree", "all"]),
        metadata={
            "description": (
                "mine; team (the entries you verify: those you are Pejabat Penilai of, "
                "through vacant posts); subtree; all (admin OPD)"
            )
        },
    )
    date_from = fields.Date()
    date_to = fields.Date()
    employee_id = ID
    rhk_id = ID
    status = fields.String(validate=validate.OneOf(rules.STATES))
    after = fields.Integer(
        validate=validate.Range(0, 2**62),
        metadata={"description": "only entries with a larger id: what arrived since"},
    )


class EntryTransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(rules.ACTIONS))
    reason = fields.String(load_default=None, allow_none=True)


class BulkSchema(Schema):
    ids = fields.List(ID, required=True, validate=validate.Length(1, 500))


class TotalsQuerySchema(Schema):
    year = YEAR
    employee_id = ID


def _entry(entry_id: int, action: str = perm.VIEW) -> WorkEntry:
    entry = service.get(db.session, entry_id)
    require(action, service.resource(entry))
    return entry


@blp.route("/entries")
class Entries(MethodView):
    accepts_upload = True  # multipart/form-data with files, or JSON

    @blp.arguments(QuerySchema, location="query")
    @blp.response(200, EntrySchema(many=True))
    @blp.paginate(SelectPage)
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """Entries you may see: yours, your team's (direct or subtree), all for the admin OPD"""
        principal = current()
        scope = args["scope"]
        if scope == "mine":
            query = service.visible(principal).where(
                WorkEntry.employee_id == (principal.employee_id or -1)
            )
        elif scope in ("team", "subtree"):
            query = service.team(db.session, principal, whole_subtree=scope == "subtree")
        else:
            query = service.visible(principal)
        query = service.filtered(query, args)
        return service.newest_first(query)

    @blp.arguments(EntryBody, location=BODY_EITHER)
    @blp.arguments(EvidenceFiles, location="files")
    @blp.response(201, EntrySchema)
    @blp.alt_response(200, schema=EntrySchema, description="a replay (same key and body)")
    @blp.doc(security=BEARER, parameters=[idempotency.openapi_parameter("entry")])
    def post(self, data: dict[str, Any], sent: dict[str, Any]) -> Any:
        """Log an entry (JSON, or multipart with up to 5 `evidence` files); `draft: true` keeps
        it unsent"""
        principal = current()
        require(perm.EDIT, perm.Resource(ENTRY, g.tenant.id, employee_id=principal.employee_id))
        if principal.employee_id is None:
            raise NotFound()
        submit = not data.pop("draft")
        # The employee's id is enough: the create's one checking statement finds them.
        entry, replayed = service.create(
            db.session,
            principal,
            principal.employee_id,
            data,
            uploads.read(sent["evidence"], limits()[1]),
            key=request.headers.get(idempotency.HEADER),
            submit=submit,
            limits=limits(),
        )
        db.session.commit()
        if replayed:
            return entry, 200, {idempotency.REPLAYED: "true"}
        return entry


large_body("EVIDENCE_MAX_REQUEST")(Entries)


@blp.route("/entries/<int:entry_id>")
class Entry(MethodView):
    accepts_upload = True  # a correction may bring files (multipart) or be JSON

    @blp.etag
    @blp.response(200, EntryDetailSchema)
    @blp.doc(security=BEARER)
    def get(self, entry_id: int) -> Any:
        """One entry with links to its files and its history of decisions"""
        return _entry(entry_id)

    @blp.etag
    @blp.arguments(EntryEdit, location=BODY_EITHER)
    @blp.arguments(EvidenceFiles, location="files")
    @blp.response(200, EntryDetailSchema)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any], sent: dict[str, Any], entry_id: int) -> Any:
        """Replace a draft's or a rejected entry's fields (a field not given is emptied), add
        `evidence` files (multipart) and take off `remove_files`, in one step (send If-Match)"""
        return _edit(entry_id, data, sent, whole=True)

    @blp.etag
    @blp.arguments(EntryPatch, location=BODY_EITHER)
    @blp.arguments(EvidenceFiles, location="files")
    @blp.response(200, EntryDetailSchema)
    @blp.doc(security=BEARER)
    def patch(self, data: dict[str, Any], sent: dict[str, Any], entry_id: int) -> Any:
        """Correct some fields of a draft or a rejected entry, add `evidence` files (multipart)
        and take off `remove_files`, in one step (send If-Match)"""
        return _edit(entry_id, data, sent, whole=False)

    @blp.etag
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, entry_id: int) -> None:
        """Delete a draft and its files (send If-Match); submitted work stays"""
        entry = _locked(entry_id)
        keys = service.delete_draft(db.session, entry)
        db.session.commit()
        _delete_stored(keys)


large_body("EVIDENCE_MAX_REQUEST")(Entry)


def _locked(entry_id: int) -> WorkEntry:
    """The entry the caller may change, under its row lock, checked against If-Match: the
    version compared is the one no send or decision can change any more before the commit (an
    edit racing a send either lands before it or is refused, 412)."""
    entry = _entry(entry_id, perm.EDIT)
    workflow.locked(db.session, entry)
    blp.check_etag(entry, EntryDetailSchema)
    return entry


def _edit(entry_id: int, data: dict[str, Any], sent: dict[str, Any], whole: bool) -> WorkEntry:
    entry = _locked(entry_id)
    remove = [i for i in data.pop("remove_files", None) or [] if i]
    keys = service.edit(
        db.session,
        entry,
        data,
        whole=whole,
        add=uploads.read(sent["evidence"], limits()[1]),
        remove=remove,
        limits=limits(),
    )
    db.session.commit()
    _delete_stored(keys)
    return entry


def _delete_stored(keys: list[str]) -> None:
    """The bytes of files whose rows are gone (after the commit: a failure here leaves them to
    the orphan sweep, `kinerja.storage.sweep`)."""
    for key in keys:
        storage.get().delete(key)


@blp.route("/entries/<int:entry_id>/files")
class Files(MethodView):
    accepts_upload = True

    @blp.arguments(EvidenceFiles, location="files")
    @blp.response(201, EntrySchema)
    @blp.doc(security=BEARER)
    def post(self, sent: dict[str, Any], entry_id: int) -> Any:
        """Add evidence files to a draft or a rejected entry (multipart `evidence`)"""
        entry = _entry(entry_id, perm.EDIT)
        files = uploads.read(sent["evidence"], limits()[1])
        service.add_files(db.session, entry, files, limits())
        db.session.commit()
        return entry


large_body("EVIDENCE_MAX_REQUEST")(Files)


@blp.route("/entries/<int:entry_id>/files/<int:file_id>")
class File(MethodView):
    @blp.etag
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, entry_id: int, file_id: int) -> None:
        """Take a file off a draft or a rejected entry; its stored object goes too (send the
        entry's ETag as If-Match)"""
        entry = _locked(entry_id)
        keys = service.remove_file(db.session, entry, file_id)
        db.session.commit()
        _delete_stored(keys)


@blp.route("/entries/<int:entry_id>/files/<int:file_id>/<any(file, thumbnail):which>")
class FileContent(MethodView):
    @blp.doc(security=BEARER)
    def get(self, entry_id: int, file_id: int, which: str) -> Any:
        """The evidence file (or its thumbnail): for the owner, their superiors, the admin OPD"""
        return send_evidence(_entry(entry_id), file_id, which)


@blp.route("/entries/<int:entry_id>/transitions")
class Transition(MethodView):
    @blp.arguments(EntryTransitionSchema)
    @blp.response(200, EntrySchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any], entry_id: int) -> Any:
        """Send, withdraw, approve or reject (with a reason)"""
        entry = _entry(entry_id)
        service.act(db.session, current(), entry, data["action"], data.get("reason"))
        db.session.commit()
        return entry


@blp.route("/entries/approve")
class BulkApprove(MethodView):
    @blp.arguments(BulkSchema)
    @blp.doc(security=BEARER)
    def post(self, data: dict[str, Any]) -> Any:
        """Approve a selection of your team's entries; the others are listed with why not"""
        done, skipped = service.bulk_approve(db.session, current(), data["ids"])
        db.session.commit()
        return {"approved": done, "skipped": [{"id": i, "why": w} for i, w in skipped]}


@blp.route("/entries/totals")
class Totals(MethodView):
    @blp.arguments(TotalsQuerySchema, location="query")
    @blp.doc(security=BEARER)
    def get(self, args: dict[str, Any]) -> Any:
        """Quantities per indicator and unit of a year's sent and approved entries"""
        principal = current()
        employee_id = args.get("employee_id") or principal.employee_id or 0
        require(perm.VIEW, perm.Resource(ENTRY, g.tenant.id, employee_id=employee_id))
        year = args.get("year") or clock.this_year()
        found = service.totals(db.session, employee_id, year)
        return {
            "year": year,
            "employee_id": employee_id,
            "totals": [
                {"iki_id": iki, "unit": unit, "quantity": format(total.normalize(), "f")}
                for (iki, unit), total in sorted(found.items(), key=lambda i: str(i[0]))
            ],
        }


@blp.route("/log-policy")
@blp.etag
class Policy(MethodView):
    @blp.response(200, PolicyInput)
    @blp.doc(security=BEARER)
    def get(self) -> Any:
        """The agency's rules for daily entries: deadline, late entries, days off, location"""
        require(perm.VIEW, perm.Resource(LOG_POLICY, g.tenant.id))
        return vars(service.policy(db.session))

    @blp.arguments(PolicyInput)
    @blp.response(200, PolicyInput)
    @blp.doc(security=BEARER)
    def put(self, data: dict[str, Any]) -> Any:
        """Change them (admin OPD; send If-Match with the ETag of the GET)"""
        require(perm.MANAGE, perm.Resource(LOG_POLICY, g.tenant.id))
        workflow.agency_lock(db.session, "log_policy")  # the first save has no row to lock
        blp.check_etag(vars(service.policy(db.session)), PolicyInput)
        found = service.set_policy(db.session, data)
        db.session.commit()
        return vars(found)
