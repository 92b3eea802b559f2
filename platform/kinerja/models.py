"""Every mapped class, imported once so the metadata (and Alembic) sees the whole schema."""

from kinerja.db.base import Base
from kinerja.identity.models import (
    ApiToken,
    AuditEntry,
    Employee,
    EmployeeImport,
    Membership,
    Position,
    User,
)
from kinerja.jobs.models import BackgroundJob
from kinerja.organisation.models import OrgUnit
from kinerja.tenancy.models import Tenant

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BackgroundJob",
    "Base",
    "Employee",
    "EmployeeImport",
    "Membership",
    "OrgUnit",
    "Position",
    "Tenant",
    "User",
]
