"""Structured JSON logs carrying the request id, tenant and job of whatever is running."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

# What the current request or job is about; every log record gets these fields.
_context: ContextVar[dict[str, Any]] = ContextVar("kinerja_log_context", default={})  # noqa: B039

FIELDS = ("request_id", "tenant", "job_id", "user")


def bind(**values: Any) -> None:
    """Add fields to the log context of the current request or job."""
    _context.set({**_context.get(), **{k: v for k, v in values.items() if v is not None}})


def clear() -> None:
    _context.set({})


def current() -> dict[str, Any]:
    return dict(_context.get())


@contextmanager
def scope(**values: Any) -> Iterator[None]:
    token = _context.set({**_context.get(), **{k: v for k, v in values.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            setattr(record, key, value)
        return True


_configured = False


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Send logs to standard error, once per process (the CLI and the app factory call this)."""
    global _configured
    root = logging.getLogger()
    root.setLevel(level)
    if _configured:
        return
    root.addHandler(make_handler(sys.stderr, fmt))
    # werkzeug's own access lines duplicate ours in JSON mode.
    if fmt == "json":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    _configured = True


def make_handler(stream: Any, fmt: str = "json") -> logging.Handler:
    """A handler writing one line per record, with the context fields attached."""
    handler = logging.StreamHandler(stream)
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(_ContextFilter())
    return handler
