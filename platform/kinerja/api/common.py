"""Helpers every API view uses: service errors to HTTP, and the ETag of a row."""

from __future__ import annotations

from typing import Any, NoReturn

from flask_smorest import abort as _abort

from kinerja.exceptions import Invalid, ServiceError


def abort(code: int, **kwargs: Any) -> NoReturn:
    """flask-smorest's abort, typed as never returning."""
    _abort(code, **kwargs)
    raise AssertionError("unreachable")


def fail(error: ServiceError) -> NoReturn:
    if isinstance(error, Invalid):
        abort(422, message="Invalid input", errors={"json": {error.field: [error.message]}})
    abort(error.status, message=str(error))


def lookup(load: Any, *args: Any) -> Any:
    try:
        return load(*args)
    except ServiceError as error:
        fail(error)
