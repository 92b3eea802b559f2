"""Every hook a plugin can implement. One contract line each; `docs/plugins.md` documents them
with their exact signatures (a test compares the two)."""

from __future__ import annotations

import pluggy
from flask import Blueprint

from kinerja.permissions import Principal
from kinerja.plugins.types import (
    Competency,
    DevelopmentOption,
    MenuItem,
    PluginInfo,
    ReportForm,
    SkpSection,
)

PROJECT = "kinerja"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def kinerja_plugin_info() -> PluginInfo:
    """Name, title, description, version and settings schema of the implementing plugin."""
    raise NotImplementedError


@hookspec
def kinerja_competencies() -> list[Competency]:
    """Competencies the plugin adds to the dictionary of the agencies that enable it."""
    raise NotImplementedError


@hookspec
def kinerja_menu_items(principal: Principal) -> list[MenuItem]:
    """Agency menu entries the plugin offers to `principal` where it is enabled."""
    raise NotImplementedError


@hookspec
def kinerja_report_forms() -> list[ReportForm]:
    """Report forms (laporan) the plugin offers to the agencies that enable it."""
    raise NotImplementedError


@hookspec
def kinerja_pages() -> list[Blueprint]:
    """Blueprints of the plugin's own pages, served under /t/<tenant>/p/<plugin>/ where enabled."""
    raise NotImplementedError


@hookspec
def kinerja_demo_data(tenant_id: int) -> list[str]:
    """Create the plugin's demo data in an agency where it is enabled (idempotent); say what."""
    raise NotImplementedError


@hookspec
def kinerja_skp_sections(employee_id: int, year: int) -> list[SkpSection]:
    """Read-only sections the plugin adds to the SKP of `employee_id` for `year` where enabled."""
    raise NotImplementedError


@hookspec
def kinerja_field_choices(form_code: str) -> dict[str, list[str]]:
    """The current agency's choices of the `live_choices` fields of form `form_code`, by name."""
    raise NotImplementedError


@hookspec
def kinerja_development_options() -> list[DevelopmentOption]:
    """Development options (training, coaching, assignment) suggested for competency gaps."""
    raise NotImplementedError
