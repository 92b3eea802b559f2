"""The versioned REST API under /api/v1 (flask-smorest), with OpenAPI 3 served and browsable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Flask, abort, current_app, request, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from kinerja import errors
from kinerja.i18n import _

PREFIX = "/api/v1"
BODY_METHODS = {"POST", "PUT", "PATCH"}


class KinerjaApi(Api):
    """flask-smorest's Api with Kinerja's error shape (always code, status, message, errors)."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        return errors.handle_http_exception(error)


api = KinerjaApi()


def _accepts_upload() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(getattr(view, "view_class", view), "accepts_upload", False))


def check_body() -> None:
    """Bad bodies are refused before any view runs: 415 for non-JSON, 400 for broken JSON."""
    if not request.path.startswith(PREFIX + "/") or request.method not in BODY_METHODS:
        return
    if request.routing_exception is not None:
        return  # let 404/405 speak first
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
    if not has_body:
        return
    if request.mimetype == "multipart/form-data" and _accepts_upload():
        return
    if not request.is_json:
        abort(415, description="Send the request body as application/json.")
    try:
        body = json.loads(request.get_data(cache=True))
    except (UnicodeDecodeError, ValueError) as exc:
        abort(400, description=_("The request body is not valid JSON: %(problem)s", problem=exc))
    except RecursionError:
        abort(400, description=_("The request body is nested too deeply."))
    problem = inspect_json(body)
    if problem:
        abort(400, description=problem)


MAX_DEPTH = 32  # no form of ours nests deeper; deeper bodies are attacks on the parser


def inspect_json(value: Any, depth: int = 0) -> Any:
    """A reason to refuse a parsed JSON body (too deep, NUL characters), or None."""
    if depth > MAX_DEPTH:
        return _("The request body is nested too deeply.")
    if isinstance(value, str):
        return _("Text may not contain NUL characters.") if "\x00" in value else None
    items: Any = ()
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    for item in items:
        problem = inspect_json(item, depth + 1)
        if problem:
            return problem
    return None


def init_app(app: Flask) -> None:
    swagger_dir = Path(swagger_ui_bundle.swagger_ui_path)
    app.config.update(
        API_TITLE="Kinerja API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Served from the pip-installed swagger-ui-bundle: the docs work without internet.
        OPENAPI_SWAGGER_UI_URL=f"{PREFIX}/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Performance management for the civil servants (ASN) of Kota Medan. "
                    "Every agency (OPD) is a tenant: its data lives under "
                    "`/api/v1/tenants/{tenant}/...`. Errors always have the shape "
                    "`{code, status, message, errors}`."
                )
            },
            "components": {
                "securitySchemes": {
                    "apiToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal API token (`knj_...`), created in the UI, by "
                        "`POST /tokens` or by `kinerja tokens create`.",
                    },
                    "operatorToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "KINERJA_OPERATOR_TOKEN, for operator-only calls.",
                    },
                }
            },
        },
    )
    api.init_app(app)

    @app.route(f"{PREFIX}/docs/assets/<path:filename>")
    def swagger_assets(filename: str) -> Any:
        return send_from_directory(swagger_dir, filename, max_age=86400)

    from kinerja.api import (
        city,
        evaluation,
        exports,
        feedback,
        figures,
        imports,
        jobs,
        log,
        notifications,
        people,
        plugins,
        reports,
        skp,
        talent,
        tenants,
        units,
    )

    blueprints = (
        tenants,
        units,
        people,
        imports,
        jobs,
        plugins,
        reports,
        skp,
        log,
        evaluation,
        feedback,
        talent,
        notifications,
        figures,
        exports,
        city,
    )
    for blp in (module.blp for module in blueprints):
        api.register_blueprint(blp)
