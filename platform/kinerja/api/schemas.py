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


class EmployeeSchema(Schema):
    id = fields.Integer(dump_only=True)
    nip = fields.String(required=True, metadata={"description": "NIP (PNS) or NI PPPK, 18 digits"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(allow_none=True, load_default=None)
    asn_type = fields.String(required=True, validate=validate.OneOf(["PNS", "PPPK"]))
    golongan = fields.String(allow_none=True, load_default=None)
    position_id = fields.Integer(allow_none=True, load_default=None)
    org_unit_id = fields.Integer(allow_none=True, load_default=None)
    superior_id = fields.Integer(
        allow_none=True, load_default=None, metadata={"description": "the direct superior (atasan)"}
    )
    active = fields.Boolean(load_default=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class EmployeePatchSchema(Schema):
    nip = fields.String()
    name = fields.String(validate=validate.Length(min=1, max=200))
    email = fields.Email(allow_none=True)
    asn_type = fields.String(validate=validate.OneOf(["PNS", "PPPK"]))
    golongan = fields.String(allow_none=True)
    position_id = fields.Integer(allow_none=True)
    org_unit_id = fields.Integer(allow_none=True)
    superior_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class EmployeeQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "name or NIP"})
    org_unit_id = fields.Integer()
    active = fields.Boolean()


class PositionSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(
        required=True,
        validate=validate.OneOf(
            [
                "jpt_utama",
                "jpt_madya",
                "jpt_pratama",
                "administrator",
                "pengawas",
                "fungsional",
                "pelaksana",
            ]
        ),
    )
    grade = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 17),
        metadata={"description": "kelas jabatan, 1-17"},
    )


class MembershipSchema(Schema):
    user_id = fields.Integer(dump_only=True)
    nip = fields.String(
        load_only=True, required=True, metadata={"description": "NIP of an employee of this agency"}
    )
    role = fields.String(required=True, validate=validate.OneOf(["pegawai", "admin_opd"]))
    created_at = fields.DateTime(dump_only=True)


class TokenSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(load_default="pegawai", validate=validate.OneOf(["pegawai", "admin_opd"]))
    expires_days = fields.Integer(
        load_only=True, load_default=90, allow_none=True, validate=validate.Range(1, 3650)
    )
    prefix = fields.String(dump_only=True, metadata={"description": "to recognise the token"})
    created_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)


class IssuedTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "shown once, never again"})


class AuditSchema(Schema):
    id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    actor_user_id = fields.Integer(dump_only=True, allow_none=True)
    actor_role = fields.String(dump_only=True, allow_none=True)
    action = fields.String(dump_only=True)
    object_type = fields.String(dump_only=True)
    object_id = fields.String(dump_only=True, allow_none=True)
    subject_employee_id = fields.Integer(dump_only=True, allow_none=True)
    changes = fields.Dict(dump_only=True)
    request_id = fields.String(dump_only=True, allow_none=True)
    address = fields.String(dump_only=True, allow_none=True)
