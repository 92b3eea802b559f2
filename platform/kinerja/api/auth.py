"""Operator authentication for the few API calls that exist before sign-in does.

Personal sign-in and per-user API tokens arrive with the identity capability; until then the
writes of the foundation (org units) and the job records are reserved to the deployment's
operator, who holds `KINERJA_OPERATOR_TOKEN`. No token configured means those calls are closed.
"""

from __future__ import annotations

import hmac

from flask import current_app, request
from flask_smorest import abort

OPERATOR: list[dict[str, list[str]]] = [{"operatorToken": []}]


def require_operator() -> None:
    expected = current_app.config.get("OPERATOR_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if expected and scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected):
        return
    abort(
        401,
        message="Operator token required (Authorization: Bearer ...).",
        headers={"WWW-Authenticate": 'Bearer realm="kinerja"'},
    )
