"""One error shape everywhere: `{code, status, message, errors}` for the API, a page for people."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Request, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def wants_json(req: Request) -> bool:
    """API paths always answer JSON; elsewhere, whoever asks for JSON rather than HTML gets it."""
    if req.path.startswith("/api/") or req.path in {"/healthz", "/readyz"}:
        return True
    best = req.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def payload(error: HTTPException) -> dict[str, Any]:
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    # webargs nests field errors under the location ("json", "query"): keep that, it tells where.
    message = data.get("message") or error.description or error.name
    return {"code": error.code, "status": error.name, "message": message, "errors": errors}


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    headers = dict((getattr(error, "data", None) or {}).get("headers") or {})
    if error.response is not None and code < 400:
        return error.response  # redirects raised as exceptions (e.g. RequestRedirect) pass through
    if not wants_json(request):
        try:
            return render_template("error.html", error=error, code=code), code, headers
        except Exception:  # an error page must never fail: fall back to the JSON shape
            log.exception("the error page failed to render")
    response = jsonify(payload(error))
    response.status_code = code
    for key, value in headers.items():
        response.headers[key] = value
    for key, value in error.get_headers():
        if key.lower() in {"allow", "www-authenticate"}:
            response.headers[key] = value
    return response


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
