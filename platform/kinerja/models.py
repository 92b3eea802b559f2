"""Every mapped class, imported once so the metadata (and Alembic) sees the whole schema."""

from kinerja.audit.models import AuditEntry
from kinerja.db.base import Base
from kinerja.identity.models import ApiToken, Membership, User
from kinerja.jobs.models import BackgroundJob
from kinerja.organisation.models import OrgUnit
from kinerja.people.models import Employee, EmployeeImport, Position
from kinerja.performance.evaluation.models import Evaluation, EvaluationItem, OrgAchievement
from kinerja.performance.feedback_models import FeedbackMessage, FeedbackRead, FeedbackThread
from kinerja.performance.log.models import EvidenceFile, LogPolicy, WorkEntry
from kinerja.performance.models import (
    AgencyYear,
    Iki,
    OrgTarget,
    PerformanceYear,
    Rhk,
    Skp,
    SkpVersion,
)
from kinerja.plugins.models import TenantPlugin
from kinerja.reports.models import ReportSubmission
from kinerja.tenancy.models import Tenant

__all__ = [
    "AgencyYear",
    "ApiToken",
    "AuditEntry",
    "BackgroundJob",
    "Base",
    "Employee",
    "EmployeeImport",
    "Evaluation",
    "EvaluationItem",
    "EvidenceFile",
    "FeedbackMessage",
    "FeedbackRead",
    "FeedbackThread",
    "Iki",
    "LogPolicy",
    "Membership",
    "OrgAchievement",
    "OrgTarget",
    "OrgUnit",
    "PerformanceYear",
    "Position",
    "ReportSubmission",
    "Rhk",
    "Skp",
    "SkpVersion",
    "Tenant",
    "TenantPlugin",
    "User",
    "WorkEntry",
]
