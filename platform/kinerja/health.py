"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its dependencies answer)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text

from kinerja import redis
from kinerja.db import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


def _check_database() -> str | None:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SET LOCAL statement_timeout = 2000"))
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.warning("readiness: database unavailable: %s", exc)
        return f"unavailable ({type(exc).__name__})"


def _check_redis() -> str | None:
    try:
        redis.client().ping()
        return None
    except Exception as exc:
        log.warning("readiness: redis unavailable: %s", exc)
        return f"unavailable ({type(exc).__name__})"


@bp.get("/readyz")
def readyz() -> Any:
    checks = {"database": _check_database(), "redis": _check_redis()}
    failed = [name for name, problem in checks.items() if problem]
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    if failed:
        body["message"] = "Not ready: " + ", ".join(failed) + " unavailable"
    return jsonify(body), (503 if failed else 200)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
