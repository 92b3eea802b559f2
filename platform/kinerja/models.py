"""Every mapped class, imported once so the metadata (and Alembic) sees the whole schema.

`import kinerja.models` alone registers every table: an autogenerate that missed a module would
propose dropping its tables. tests/test_schema.py compares this with the migrated schema."""

from kinerja.audit import models as audit
from kinerja.city import models as city
from kinerja.competency import models as competency
from kinerja.db.base import Base
from kinerja.exports import models as exports
from kinerja.guidance import models as guidance
from kinerja.identity import models as identity
from kinerja.jobs import models as jobs
from kinerja.notifications import models as notifications
from kinerja.organisation import models as organisation
from kinerja.people import models as people
from kinerja.performance import feedback_models as feedback
from kinerja.performance import models as performance
from kinerja.performance import waiting_models as waiting
from kinerja.performance.aksi import models as aksi
from kinerja.performance.evaluation import models as evaluation
from kinerja.performance.log import models as log
from kinerja.plugins import models as plugins
from kinerja.reports import models as reports
from kinerja.tenancy import models as tenancy
from kinerja.tpp import models as tpp

MODULES = (
    aksi,
    audit,
    city,
    competency,
    evaluation,
    exports,
    feedback,
    guidance,
    identity,
    jobs,
    log,
    notifications,
    organisation,
    people,
    performance,
    plugins,
    reports,
    tenancy,
    waiting,
    tpp,
)

__all__ = ["MODULES", "Base"]
