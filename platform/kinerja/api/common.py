"""Helpers every API view uses; service errors need none (`kinerja.errors` maps them)."""

from __future__ import annotations

from typing import Any, NoReturn

from flask_smorest import abort as _abort


def abort(code: int, **kwargs: Any) -> NoReturn:
    """flask-smorest's abort, typed as never returning."""
    _abort(code, **kwargs)
    raise AssertionError("unreachable")
