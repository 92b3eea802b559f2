"""HTTP helpers the API and the pages share (the edges' own layer, below both): sending a
stored file or a PDF, the evidence limits, the request-body check and the operator's token.
`api/` and `web/` import these; neither imports the other."""

from __future__ import annotations

import hmac
import io
import json
from typing import Any

from flask import Response, abort, current_app, redirect, request, send_file

from kinerja import storage
from kinerja.db import db
from kinerja.exports import service as exports
from kinerja.exports.models import Export
from kinerja.i18n import _
from kinerja.performance.log import service as log_service
from kinerja.performance.log.evidence import BY_CODE
from kinerja.performance.log.models import WorkEntry
from kinerja.schema import NUL_REFUSED

API_PREFIX = "/api/v1"
BODY_METHODS = {"POST", "PUT", "PATCH"}


def is_operator() -> bool:
    expected = current_app.config.get("OPERATOR_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500 before any route)
        and hmac.compare_digest(token.strip().encode(), expected.encode())
    )


def pdf_response(data: bytes, name: str) -> Response:
    """A PDF document, shown inline, never cached by shared caches (it is personal)."""
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def limits() -> tuple[int, int]:
    """(files per entry, bytes per file) from the settings."""
    config = current_app.config
    return config["EVIDENCE_MAX_FILES"], config["EVIDENCE_MAX_BYTES"]


def send_evidence(entry: WorkEntry, file_id: int, which: str) -> Any:
    """Send an entry's file or its thumbnail (the caller checked who asks)."""
    return send_stored(log_service.file_of(db.session, entry, file_id), which)


def send_stored(found: Any, which: str) -> Any:
    """Send a stored evidence file (a row with kind, name, storage_key, thumb_key) or its
    thumbnail: a signed URL from S3, or the bytes."""
    key = found.storage_key if which == "file" else found.thumb_key
    if key is None:
        abort(404)
    kind, name = (found.kind, found.name) if which == "file" else ("jpeg", found.name)
    store = storage.get()
    signed = store.signed_url(key, current_app.config["EVIDENCE_URL_SECONDS"])
    if signed:
        return redirect(signed, code=302)
    try:
        data = store.get(key)
    except KeyError:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=BY_CODE[kind].content_type,
        download_name=name if kind != "jpeg" or "." in name else f"{name}.jpg",
        as_attachment=kind == "pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def send_export(export: Export, job: Any) -> Any:
    """The file, or 404 while it is not written yet."""
    if not exports.ready(job, export) or export.storage_key is None:
        abort(404)
    store = storage.get()
    signed = store.signed_url(export.storage_key, current_app.config["EVIDENCE_URL_SECONDS"])
    if signed:
        return redirect(signed, code=302)
    try:
        data = store.get(export.storage_key)
    except KeyError:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=exports.CONTENT_TYPES[export.format],
        download_name=export.filename or f"kinerja.{export.format}",
        as_attachment=True,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _accepts_upload() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(getattr(view, "view_class", view), "accepts_upload", False))


def check_body() -> None:
    """Bad bodies are refused before any view runs: 415 for non-JSON, 400 for broken JSON."""
    if not request.path.startswith(API_PREFIX + "/") or request.method not in BODY_METHODS:
        return
    if request.routing_exception is not None:
        return  # let 404/405 speak first
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
    if not has_body:
        return
    if request.mimetype == "multipart/form-data" and _accepts_upload():
        return
    if not request.is_json:
        abort(415, description=_("Send the request body as application/json."))
    try:
        body = json.loads(request.get_data(cache=True))
    except (UnicodeDecodeError, ValueError) as exc:
        abort(400, description=_("The request body is not valid JSON: %(problem)s", problem=exc))
    except RecursionError:
        abort(400, description=_("The request body is nested too deeply."))
    problem = inspect_json(body)
    if problem:
        abort(400, description=problem)


MAX_DEPTH = 32  # no form of ours nests deeper; deeper bodies are attacks on the parser


def inspect_json(value: Any, depth: int = 0) -> Any:
    """A reason to refuse a parsed JSON body (too deep, NUL characters), or None."""
    if depth > MAX_DEPTH:
        return _("The request body is nested too deeply.")
    if isinstance(value, str):  # NUL: refused whole; half characters: by field (`storable`)
        return NUL_REFUSED if "\x00" in value else None
    items: Any = ()
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    for item in items:
        problem = inspect_json(item, depth + 1)
        if problem:
            return problem
    return None
