"""Kinerja: multi-tenant performance management for the civil servants (ASN) of Kota Medan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application (imported lazily so `import kinerja` stays cheap)."""
    from kinerja.app import create_app as _create_app

    return _create_app(config)
