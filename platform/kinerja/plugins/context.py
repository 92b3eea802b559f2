"""The agency a plugin's code runs for, handed over by the core as plain data.

A hook may run in a worker thread (see `manager`), where neither the request's database session
nor Flask's `g` may be touched. So, before each call, the core captures what a plugin may need
to know about "here" in a frozen `Agency` and sets it in a context variable of the thread that
runs the hook; `kinerja.plugins.api` reads it from there. The core also registers here the few
helpers of higher layers the API offers (`provide`), so this layer imports nothing above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from kinerja.permissions import Principal


@dataclass(frozen=True)
class Agency:
    """Who and where a plugin works for: plain values, safe to read from any thread."""

    tenant_id: int | None  # None: outside any agency (start-up checks, the city's pages)
    enabled: frozenset[str]  # the plugins enabled here, the core's included
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # plugin -> settings
    locale: str | None = None  # the reader's language ("id", "en"); None: the default
    principal: Principal | None = None  # who asked; None: the system (jobs, the CLI, the demo)


_current: ContextVar[Agency | None] = ContextVar("kinerja_plugin_agency", default=None)
_fallback: list[Callable[[], Agency | None]] = []  # the request's agency, where there is one
_providers: dict[str, Callable[..., Any]] = {}


@contextmanager
def using(agency: Agency) -> Iterator[Agency]:
    """Run the enclosed plugin code for `agency` (in this thread)."""
    token = _current.set(agency)
    try:
        yield agency
    finally:
        _current.reset(token)


def current() -> Agency | None:
    """The agency set for this call, else the request's (a plugin's own page), else None."""
    found = _current.get()
    if found is None and _fallback:
        found = _fallback[0]()
    return found


def fall_back_on(finder: Callable[[], Agency | None]) -> None:
    """Where to look when no call set an agency: the core's request (set once, at start-up)."""
    _fallback[:] = [finder]


def provide(name: str, helper: Callable[..., Any]) -> None:
    """Register a helper of a higher layer under `name` (idempotent; done by the app factory)."""
    _providers[name] = helper


def provider(name: str) -> Callable[..., Any]:
    try:
        return _providers[name]
    except KeyError:
        raise RuntimeError(f"the core has not provided {name!r} to plugins (no app?)") from None
