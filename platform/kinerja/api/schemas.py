"""Marshmallow schemas of the API: what goes out and what comes in."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, ValidationError, fields, post_dump, validate

from kinerja import numbers
from kinerja.i18n import JOB_STATUS_LABELS, ROLE_LABELS, _
from kinerja.jobs.models import JOB_STATUSES
from kinerja.people.addresses import EmailAddress
from kinerja.people.classification import ASN_TYPES, POSITION_TYPE_ALIASES, POSITION_TYPES
from kinerja.performance.years import FIRST_YEAR, LAST_YEAR
from kinerja.permissions import TENANT_ROLES
from kinerja.schema import Schema
from kinerja.tenancy.kinds import KINDS


def year(**kwargs: Any) -> fields.Integer:
    """The year argument of every route that takes one (query or body): FIRST_YEAR to LAST_YEAR,
    else 422 naming the field; a year outside never reaches a query (PostgreSQL's integer
    overflows beyond 2**31 - 1, a 500)."""
    kwargs.setdefault("metadata", {"description": "the performance year; this year by default"})
    return fields.Integer(validate=validate.Range(FIRST_YEAR, LAST_YEAR), **kwargs)


YEAR = year()


def _a_month(value: str) -> None:
    """`YYYY-MM` of a year we keep (FIRST_YEAR to LAST_YEAR)."""
    head, _dash, tail = value.partition("-")
    shape = len(head) == 4 and len(tail) == 2 and value == value.strip()
    if not shape or numbers.year_month(value, FIRST_YEAR, LAST_YEAR) is None:
        raise ValidationError(_("Enter a month as YYYY-MM."))


def month(**kwargs: Any) -> fields.String:
    """The month argument of every route that takes one: a bad one is a 422 naming it, never
    silently this month."""
    kwargs.setdefault("metadata", {"description": "YYYY-MM; this month by default"})
    return fields.String(validate=_a_month, **kwargs)


class YearQuerySchema(Schema):
    year = YEAR


def query_year() -> int | None:
    """`?year=` read with the shared field where a view checks who asks before its arguments
    (a route outside the agencies); 422 naming the field like `@blp.arguments` would."""
    from flask import request

    from kinerja.api.common import abort

    if not request.args.get("year"):
        return None
    try:
        loaded = YearQuerySchema().load({"year": request.args["year"]})
    except ValidationError as problem:
        abort(422, errors={"query": problem.messages})
    return int(loaded["year"])


class Id(fields.Integer):
    """A row id: a positive whole number that fits PostgreSQL's bigint (else 422, never 500)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(1, numbers.BIGINT_MAX))
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)


class Choice(fields.String):
    """One of a set of codes; also accepts the labels people see ("Fungsional", "Agency admin"),
    in any case, and lists the accepted values when refused."""

    def __init__(self, labels: dict[str, Any], aliases: dict[str, str] | None = None, **kw: Any):
        super().__init__(metadata={"enum": list(labels), **kw.pop("metadata", {})}, **kw)
        self.labels = labels
        self.aliases = {code.lower(): code for code in labels} | (aliases or {})

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        code = self.aliases.get(text.lower())
        if code is None:
            for known, label in self.labels.items():
                if str(label).lower() == text.lower():
                    code = known
        if code is None:
            accepted = ", ".join(f"{c} ({self.labels[c]})" for c in self.labels)
            raise ValidationError(str(_("Must be one of: %(choices)s.", choices=accepted)))
        return code


class TenantSchema(Schema):
    slug = fields.String(dump_only=True, metadata={"description": "URL name of the agency"})
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": list(KINDS)})


class OrgUnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    parent_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "the unit above; null for the top"},
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OrgUnitPatchSchema(Schema):
    code = fields.String(validate=validate.Length(min=1, max=40))
    name = fields.String(validate=validate.Length(min=1, max=200))
    parent_id = Id(allow_none=True)


class OrgUnitQuerySchema(Schema):
    parent_id = Id(metadata={"description": "only the children of this unit"})
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

    @post_dump
    def _operator_sees_counts_only(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # The deployment's operator is not a member of the agency: no error texts, no report
        # rows (personal data), only status and counts.
        from kinerja.httpkit import is_operator

        if has_request_context() and is_operator():
            data["error"] = None
            result = data.get("result") or {}
            counts = {k: v for k, v in result.items() if type(v) is int}
            status = {"status": result["status"]} if isinstance(result.get("status"), str) else {}
            data["result"] = {**counts, **status} if result else None
        return data


class JobQuerySchema(Schema):
    status = Choice({s: JOB_STATUS_LABELS[s] for s in JOB_STATUSES})


class EmployeeSchema(Schema):
    id = fields.Integer(dump_only=True)
    nip = fields.String(required=True, metadata={"description": "NIP (PNS) or NI PPPK, 18 digits"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = EmailAddress(allow_none=True, load_default=None)
    asn_type = Choice({t: t for t in ASN_TYPES}, required=True)
    golongan = fields.String(allow_none=True, load_default=None)
    position_id = Id(allow_none=True, load_default=None)
    org_unit_id = Id(allow_none=True, load_default=None)
    superior_id = Id(
        allow_none=True, load_default=None, metadata={"description": "the direct superior (atasan)"}
    )
    active = fields.Boolean(load_default=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class EmployeePatchSchema(Schema):
    nip = fields.String()
    name = fields.String(validate=validate.Length(min=1, max=200))
    email = EmailAddress(allow_none=True)
    asn_type = Choice({t: t for t in ASN_TYPES})
    golongan = fields.String(allow_none=True)
    position_id = Id(allow_none=True)
    org_unit_id = Id(allow_none=True)
    superior_id = Id(allow_none=True)
    active = fields.Boolean()


class EmployeeQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "name or NIP"})
    org_unit_id = Id()
    active = fields.Boolean()


class PositionSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = Choice(POSITION_TYPES, POSITION_TYPE_ALIASES, required=True)
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
    role = Choice({r: ROLE_LABELS[r] for r in TENANT_ROLES}, required=True)
    created_at = fields.DateTime(dump_only=True)


class TokenSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = Choice({r: ROLE_LABELS[r] for r in TENANT_ROLES}, load_default="pegawai")
    expires_days = fields.Integer(
        load_only=True,
        load_default=90,
        allow_none=True,
        strict=True,
        validate=validate.Range(1, 3650),
        metadata={
            "description": "days until it expires (null: the longest allowed); at most "
            "KINERJA_TOKEN_MAX_DAYS"
        },
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

    @post_dump
    def _origin_for_admins(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Where an entry came from is for the agency's admin and the operator only (never
        for the person it is about); for anyone else the fields are null."""
        from kinerja.audit import may_see_origin
        from kinerja.httpkit import is_operator
        from kinerja.identity.principal import current

        if not has_request_context() or is_operator() or may_see_origin(current()):
            return data
        return {**data, "address": None, "request_id": None}


class EvidenceFiles(Schema):
    """The files of a multipart request: photos or PDFs as `evidence`, the type read from the
    content, never from the name."""

    class Meta:
        unknown = EXCLUDE

    evidence = fields.List(Upload(), load_default=list)
