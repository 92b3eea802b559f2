"""What is in force in the current agency (inside a request): the competency dictionary (the
core's and the enabled plugins') and the development options they offer."""

from __future__ import annotations

from kinerja import plugins
from kinerja.plugins.types import Competency, DevelopmentOption


def dictionary() -> dict[str, Competency]:
    """{code: competency} of the core and the agency's enabled plugins."""
    return {c.code: c for _plugin, found in plugins.call("kinerja_competencies") for c in found}


def development() -> list[DevelopmentOption]:
    """The plugins' development options, the agency's enabled plugins before the core's."""
    return [o for _plugin, found in plugins.call("kinerja_development_options") for o in found]
