"""Marshmallow schemas of the API: what goes out and what comes in."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from kinerja.jobs.models import JOB_STATUSES
from kinerja.tenancy.kinds import KINDS


class TenantSchema(Schema):
    slug = fields.String(dump_only=True, metadata={"description": "URL name of the agency"})
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": list(KINDS)})


class OrgUnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    parent_id = fields.Integer(
        allow_none=True,
        load_default=None,
        metadata={"description": "the unit above; null for the top"},
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OrgUnitPatchSchema(Schema):
    code = fields.String(validate=validate.Length(min=1, max=40))
    name = fields.String(validate=validate.Length(min=1, max=200))
    parent_id = fields.Integer(allow_none=True)


class OrgUnitQuerySchema(Schema):
    parent_id = fields.Integer(metadata={"description": "only the children of this unit"})
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "search in code and name"}
    )


class JobSchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(JOB_STATUSES)})
    attempts = fields.Integer(dump_only=True)
    max_attempts = fields.Integer(dump_only=True)
    progress = fields.Integer(dump_only=True, metadata={"description": "0-100"})
    message = fields.String(dump_only=True, allow_none=True)
    error = fields.String(dump_only=True, allow_none=True)
    result = fields.Dict(dump_only=True, allow_none=True)
    request_id = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    started_at = fields.DateTime(dump_only=True, allow_none=True)
    finished_at = fields.DateTime(dump_only=True, allow_none=True)


class JobQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(JOB_STATUSES))
