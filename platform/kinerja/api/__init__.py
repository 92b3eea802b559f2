"""The versioned REST API under /api/v1 (flask-smorest), with OpenAPI 3 served and browsable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from kinerja import errors
from kinerja.httpkit import API_PREFIX as PREFIX


class KinerjaApi(Api):
    """flask-smorest's Api with Kinerja's error shape (always code, status, message, errors)."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        return errors.handle_http_exception(error)


api = KinerjaApi()


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
        aksi,
        city,
        evaluation,
        exports,
        feedback,
        figures,
        imports,
        jobs,
        log,
        notifications,
        overseers,
        people,
        plugins,
        reports,
        skp,
        talent,
        tenants,
        tpp,
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
        aksi,
        log,
        evaluation,
        feedback,
        talent,
        notifications,
        figures,
        overseers,
        exports,
        city,
        tpp,
    )
    for blp in (module.blp for module in blueprints):
        api.register_blueprint(blp)
    api.register_blueprint(tpp.city_blp)
