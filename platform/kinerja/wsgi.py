"""WSGI entry point for production servers: `gunicorn kinerja.wsgi:app`."""

from __future__ import annotations

import sys

from kinerja.config import ConfigError

try:
    from kinerja.app import create_app

    app = create_app()
except ConfigError as exc:  # one clear line, not a traceback, when a setting is wrong
    sys.stderr.write(f"kinerja: configuration error: {exc}\n")
    raise SystemExit(2) from None
