"""One error shape everywhere: `{code, status, message, errors}` for the API, a page for people.

Service errors (`kinerja.exceptions`) are mapped here once, so views never catch them; field
messages are lazy (ours, and marshmallow's through `kinerja.schema`) and given in the user's
language here.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from flask import Flask, Request, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import (
    BadRequest,
    Conflict,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    Unauthorized,
    default_exceptions,
)

from kinerja.exceptions import Invalid, InvalidFields, ServiceError
from kinerja.i18n import _, text

log = logging.getLogger(__name__)

# What each status means to the person who gets it (the page says why and the way back).
STATUS_MESSAGES = {
    400: _("The request could not be read."),
    401: _("Sign in first."),
    403: _("You may see this but not change it."),
    404: _("The page or agency you are looking for does not exist, or is not yours to see."),
    405: _("This address does not accept that kind of request."),
    409: _("This conflicts with the current state; reload and try again."),
    412: _("This was changed since you read it: read it again, then send your change."),
    413: _("The upload is too large."),
    415: _("This type of file or body is not accepted here."),
    422: _("Some fields are not valid."),
    428: _("Send If-Match with the ETag you read: updates need it, so nobody overwrites a change."),
    429: _("Too many attempts; wait a moment and try again."),
    500: _("Something went wrong on our side. Your data is safe; please try again in a moment."),
    503: _("A service we depend on is unavailable; please try again in a moment."),
}


def unauthorized(message: Any, invalid_token: bool = False) -> HTTPException:
    """A 401 that says how to authenticate (`WWW-Authenticate: Bearer`); with `invalid_token`
    it also says the token sent was refused (malformed, unknown, revoked or expired), as RFC
    6750 section 3.1 has it."""
    error = Unauthorized(description=message)
    challenge = 'Bearer realm="kinerja"' + (', error="invalid_token"' if invalid_token else "")
    error.data = {"headers": {"WWW-Authenticate": challenge}}  # type: ignore[attr-defined]
    return error


def wants_json(req: Request) -> bool:
    """API paths always answer JSON; elsewhere, whoever asks for JSON rather than HTML gets it."""
    if req.path.startswith("/api/") or req.path in {"/healthz", "/readyz"}:
        return True
    best = req.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _is_default_description(error: HTTPException) -> bool:
    # Werkzeug's and flask-smorest's own (English) descriptions: ours in the reader's language.
    default = default_exceptions.get(error.code or 0)
    own = getattr(type(error), "description", None)
    return default is None or error.description in (default.description, own)


def message_of(error: HTTPException) -> str:
    data = getattr(error, "data", None) or {}
    given = data.get("message")
    if given is None and not _is_default_description(error):
        given = error.description
    if given is None:
        given = STATUS_MESSAGES.get(error.code or 500, error.name)
    return str(text(given))


def payload(error: HTTPException) -> dict[str, Any]:
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    # webargs nests field errors under the location ("json", "query"): keep that, it tells where.
    return {
        "code": error.code,
        "status": error.name,
        "message": message_of(error),
        "errors": text(errors),
    }


def _rollback() -> None:
    """After a failed statement the transaction is aborted: the error page's own reads (the
    menu, the plugins) need a fresh one, or the error page fails too."""
    from kinerja.db import db

    try:
        db.session.rollback()
    except Exception:  # no session, or no connection left: the page renders without it
        log.debug("no session to roll back for the error page", exc_info=True)


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    headers = dict((getattr(error, "data", None) or {}).get("headers") or {})
    if error.response is not None and code < 400:
        return error.response  # redirects raised as exceptions (e.g. RequestRedirect) pass through
    for key, value in error.get_headers():
        if key.lower() in {"allow", "www-authenticate", "retry-after"}:
            headers[key] = value
    if code >= 500:
        _rollback()
    if not wants_json(request):
        try:
            page = render_template("error.html", error=error, code=code, message=message_of(error))
            return page, code, headers
        except Exception:  # an error page must never fail: fall back to the JSON shape
            log.exception("the error page failed to render")
    response = jsonify(payload(error))
    response.status_code = code
    for key, value in headers.items():
        response.headers[key] = value
    return response


def as_http(error: ServiceError) -> HTTPException:
    """A service error as the HTTP error its status means, with the API's field messages."""
    http = default_exceptions.get(error.status, BadRequest)(description=str(error))
    data: dict[str, Any] = {"message": str(error)}
    if isinstance(error, Invalid):
        errors = {error.location: {error.field: [error.message]}}
        data = {"message": STATUS_MESSAGES[422], "errors": errors}
    elif isinstance(error, InvalidFields):
        data = {"message": STATUS_MESSAGES[422], "errors": {"json": error.errors}}
    http.data = data  # type: ignore[attr-defined]
    return http


def handle_service_error(error: ServiceError) -> ResponseReturnValue:
    return handle_http_exception(as_http(error))


def handle_unavailable(error: Exception) -> ResponseReturnValue:
    """PostgreSQL or Redis went away (a restart, a failover, the network): 503 with a hint to
    retry, not a 500. The pool has dropped the dead connections; the next request opens new
    ones, so the service recovers without a restart."""
    if isinstance(error, DBAPIError) and not (
        error.connection_invalidated or isinstance(error.orig, psycopg.OperationalError)
    ):
        return handle_unexpected(error)
    log.warning(
        "dependency unavailable on %s %s: %s", request.method, request.path, type(error).__name__
    )
    return handle_http_exception(ServiceUnavailable(retry_after=5))


# A unique key or a reference that another request's commit took while this one ran (two
# clicks creating one code, a unit deleted while a sub-unit was added under it): the checks
# before the write both passed, the constraint decided, and the loser changed nothing.
_RACE_LOST = (psycopg.errors.UniqueViolation, psycopg.errors.ForeignKeyViolation)


def handle_integrity(error: IntegrityError) -> ResponseReturnValue:
    """The loser of a race a constraint decided: 409 (reload and try again), not a 500."""
    if not isinstance(error.orig, _RACE_LOST):
        return handle_unexpected(error)
    constraint = getattr(error.orig.diag, "constraint_name", None)
    log.warning("%s %s lost a race on %s", request.method, request.path, constraint)
    _rollback()
    return handle_http_exception(Conflict())


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(IntegrityError, handle_integrity)
    for unavailable in (DBAPIError, PoolTimeout, RedisConnectionError, RedisTimeoutError):
        app.register_error_handler(unavailable, handle_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
