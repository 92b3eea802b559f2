"""Views that accept a larger request body than MAX_CONTENT_LENGTH (evidence uploads) say so
with `large_body`; the request pipeline applies the limit after the agency gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

V = TypeVar("V", bound=Callable[..., Any] | type)
ATTRIBUTE = "kinerja_max_body"


def large_body(config_key: str) -> Callable[[V], V]:
    """Let a view (function or MethodView class) accept a body up to the config's `config_key`
    bytes instead of MAX_CONTENT_LENGTH."""

    def mark(view: V) -> V:
        setattr(view, ATTRIBUTE, config_key)
        return view

    return mark


def limit_of(view: Any) -> str | None:
    """The config key of a view's larger limit, if it has one."""
    found = getattr(getattr(view, "view_class", None), ATTRIBUTE, None) or getattr(
        view, ATTRIBUTE, None
    )
    return str(found) if found else None
