"""Helpers every API view uses; service errors need none (`kinerja.errors` maps them)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

import flask_smorest
import marshmallow
from flask import Request, request
from flask_smorest import abort as _abort
from flask_smorest.utils import deepupdate
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import PreconditionFailed

from kinerja.i18n import _
from kinerja.schema import InputSchema, KeyedInput, Schema, flat_messages, translate_field

# A body sent as JSON or as a multipart form (with files beside it) is one input: its field
# errors are named under `json` whichever way it came, as they always were.
BODY_EITHER = "json_or_form"


def abort(code: int, **kwargs: Any) -> NoReturn:
    """flask-smorest's abort, typed as never returning."""
    _abort(code, **kwargs)
    raise AssertionError("unreachable")


class Parser(FlaskParser):
    """webargs' parser, with messages in the reader's language for schemas that are not ours
    (flask-smorest's pagination), and a JSON-or-form body's errors under `json`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instances: dict[type, marshmallow.Schema] = {}

    def _get_schema(self, argmap: Any, req: Request) -> marshmallow.Schema:
        # A schema given as a class (flask-smorest's pagination, `arguments(EntryBody)`) is
        # made once, not per request: building one binds and translates every field, a cost
        # each request paid again. Our schemas keep no state between loads (no `context`);
        # their messages are lazy, in each reader's language.
        if isinstance(argmap, type):
            found = self.instances.get(argmap)
            if found is None:
                found = self.instances[argmap] = self._made(argmap, req)
            return found
        return self._made(argmap, req)

    def _made(self, argmap: Any, req: Request) -> marshmallow.Schema:
        schema = super()._get_schema(argmap, req)
        if not isinstance(schema, Schema):
            for field in schema.fields.values():
                translate_field(field)
            schema.error_messages = {**schema.error_messages, **Schema.error_messages}
        return schema

    def _on_validation_error(
        self,
        error: marshmallow.ValidationError,
        req: Request,
        schema: Any,
        location: str,
        **kw: Any,
    ) -> NoReturn:
        named = "json" if location == BODY_EITHER else location
        if isinstance(schema, InputSchema):  # named as the web form names them: `iki.0.unit`
            error = marshmallow.ValidationError(flat_messages(error.normalized_messages()))
        super()._on_validation_error(error, req, schema, named, **kw)
        raise AssertionError("unreachable")


def _keyed(schema: Any) -> bool:
    kind = schema if isinstance(schema, type) else type(schema)
    return isinstance(kind, type) and issubclass(kind, KeyedInput)


def _keyed_doc(schema: Any, api: Any) -> dict[str, Any]:
    """A body keyed by ids or codes, as what it is: an object whose every value is the value
    field's (apispec knows only "more properties: yes or no")."""
    value = api.ma_plugin.converter.field2property(schema.value())
    return {"type": "object", "description": schema.__doc__ or "", "additionalProperties": value}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, with an ETag check that `If-Match: *` cannot skip: an update
    must name the version it read, or it could silently overwrite someone else's change; and a
    request body documented once whether it comes as JSON, a form, files or a form with files
    (flask-smorest documents only the first body argument)."""

    ARGUMENTS_PARSER = Parser()
    PAGINATION_ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        BODY_EITHER: "application/json",
    }

    def _prepare_arguments_doc(
        self, doc: Any, doc_info: Any, *, api: Any, spec: Any, **kw: Any
    ) -> Any:
        operation = doc_info.get("arguments")
        for param in (operation or {}).get("parameters", []):
            if isinstance(param, dict) and _keyed(param.get("schema")):
                param["schema"] = _keyed_doc(param["schema"], api)
        bodies = [
            p
            for p in (operation or {}).get("parameters", [])
            if isinstance(p, dict) and p.get("in") in self.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING
        ]
        if len(bodies) < 2 and not any(p["in"] == BODY_EITHER for p in bodies):
            return super()._prepare_arguments_doc(doc, doc_info, api=api, spec=spec, **kw)
        operation = {
            **operation,
            "parameters": [p for p in operation["parameters"] if p not in bodies],
        }
        parts = [p["schema"] for p in sorted(bodies, key=lambda p: p["in"] == "files")]
        multipart = {"schema": parts[0] if len(parts) == 1 else {"allOf": parts}}
        content: dict[str, Any] = {"multipart/form-data": multipart}
        either = [p["schema"] for p in bodies if p["in"] == BODY_EITHER]
        if either:  # JSON carries the fields alone; files need the multipart form
            content = {"application/json": {"schema": either[0]}, **content}
        body: dict[str, Any] = {"required": True, "content": content}
        descriptions = [p["description"] for p in bodies if p.get("description")]
        if descriptions:
            body["description"] = " ".join(descriptions)
        operation["requestBody"] = body
        if not operation["parameters"]:
            del operation["parameters"]
        return deepupdate(doc, operation)

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
