"""Helpers every API view uses; service errors need none (`kinerja.errors` maps them)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

import flask_smorest
from flask import request
from flask_smorest import abort as _abort
from werkzeug.exceptions import PreconditionFailed

from kinerja.i18n import _


def abort(code: int, **kwargs: Any) -> NoReturn:
    """flask-smorest's abort, typed as never returning."""
    _abort(code, **kwargs)
    raise AssertionError("unreachable")


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, with an ETag check that `If-Match: *` cannot skip: an update
    must name the version it read, or it could silently overwrite someone else's change."""

    def check_etag(self, etag_data: Any, etag_schema: Any = None) -> None:
        if request.if_match.star_tag:
            raise PreconditionFailed(description=_("Send If-Match with the ETag you read, not *."))
        super().check_etag(etag_data, etag_schema)

    @staticmethod
    def _generate_etag(etag_data: Any, extra_data: Any = None) -> str:
        """flask-smorest's hash of the data, which also takes what plain JSON cannot (a date, a
        Decimal in a dict dumped without a schema) as its text."""
        if extra_data:
            etag_data = (etag_data, extra_data)
        data = json.dumps(etag_data, sort_keys=True, default=str)
        return hashlib.sha1(data.encode()).hexdigest()
