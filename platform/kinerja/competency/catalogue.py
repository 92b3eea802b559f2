"""What is in force in an agency: the competency dictionary (the core's and the enabled
plugins') and the development options they offer; inside a request, or for a tenant-bound
session outside one (jobs, the demo)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kinerja import plugins
from kinerja.plugins.types import Competency, DevelopmentOption


def dictionary() -> dict[str, Competency]:
    """{code: competency} of the core and the agency's enabled plugins."""
    return {c.code: c for _plugin, found in plugins.call("kinerja_competencies") for c in found}


def development() -> list[DevelopmentOption]:
    """The plugins' development options, the agency's enabled plugins before the core's."""
    return [o for _plugin, found in plugins.call("kinerja_development_options") for o in found]


def dictionary_of(session: Session, tenant_id: int) -> dict[str, Competency]:
    """The dictionary of an agency outside a request (a job, the demo): its enabled plugins'."""
    found = plugins.get().call_for(plugins.agency_of(session, tenant_id), "kinerja_competencies")
    return {c.code: c for _plugin, competencies in found for c in competencies}
