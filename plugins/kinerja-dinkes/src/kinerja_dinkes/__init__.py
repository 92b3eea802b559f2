"""Kinerja plugin of Dinas Kesehatan: the technical competencies of a health agency, the
Laporan Harian Imunisasi (daily immunisation report of a puskesmas or posyandu) and its coverage
against the agency's target. The hook implementations only: what they hand over is declared in
`catalogue`, and everything of Kinerja comes through `kinerja.plugins.api`."""

from __future__ import annotations

from flask import Blueprint

from kinerja.plugins import api
from kinerja_dinkes import demo, pages, registry, sections
from kinerja_dinkes import models as models  # its table joins the metadata
from kinerja_dinkes.catalogue import (
    COMPETENCIES,
    COMPETENCIES_EN,
    DEVELOPMENT,
    HEALTH_POSITIONS,
    IMMUNISATION,
    NAME,
    Settings,
    levels,
    levels_en,
)

__all__ = ["IMMUNISATION", "NAME", "Settings"]


@api.hookimpl
def kinerja_plugin_info() -> api.PluginInfo:
    return api.PluginInfo(
        name=NAME,
        title="Dinas Kesehatan",
        description="Kompetensi teknis bidang kesehatan, Laporan Harian Imunisasi, cakupan.",
        version="0.2.0",
        settings_schema=Settings,
        title_en="Health Office (Dinas Kesehatan)",
        description_en="Technical health competencies, the daily immunisation report, coverage.",
    )


@api.hookimpl
def kinerja_competencies() -> list[api.Competency]:
    return [
        api.Competency(
            code,
            name,
            "teknis",
            description,
            levels(subject),
            HEALTH_POSITIONS,
            name_en=COMPETENCIES_EN[code][0],
            description_en=COMPETENCIES_EN[code][1],
            levels_en=levels_en(COMPETENCIES_EN[code][2]),
        )
        for code, name, description, subject in COMPETENCIES
    ]


@api.hookimpl
def kinerja_development_options() -> list[api.DevelopmentOption]:
    return list(DEVELOPMENT)


@api.hookimpl
def kinerja_report_forms() -> list[api.ReportForm]:
    return [IMMUNISATION]


@api.hookimpl
def kinerja_field_choices(form_code: str) -> dict[str, list[str]]:
    """The report's puskesmas is one of the agency's registry, never free text: a typo would
    count as another puskesmas on the coverage page."""
    if form_code != IMMUNISATION.code:
        return {}
    return {"puskesmas": registry.names()}


@api.hookimpl
def kinerja_demo_data(tenant_id: int) -> list[str]:
    return demo.load()  # the agency is the core's (`api.unit_of_work`), `tenant_id` says which


@api.hookimpl
def kinerja_pages() -> list[Blueprint]:
    return [pages.bp]


@api.hookimpl
def kinerja_menu_items(principal: api.Principal) -> list[api.MenuItem]:
    if not api.may_be_inside(principal):
        return []
    label = api.in_language("Cakupan imunisasi", "Immunisation coverage")
    hint = api.in_language(
        "Per antigen dan puskesmas, per bulan", "Per antigen and health centre, by month"
    )
    places = api.in_language("Daftar puskesmas", "Health centres")
    places_hint = api.in_language(
        "Yang dipilih pada Laporan Harian Imunisasi", "Chosen on the daily immunisation report"
    )
    return [
        api.MenuItem("dinkes.coverage_page", label, hint, 47, group="kinerja"),
        api.MenuItem("dinkes.registry_page", places, places_hint, 48, group="administrasi"),
    ]


@api.hookimpl
def kinerja_skp_sections(employee_id: int, year: int) -> list[api.SkpSection]:
    """The year's immunisation reports of the SKP's owner: evidence the rater reads beside the
    plan (submitted and approved reports only), against the agency's coverage target."""
    return sections.immunisation_year(employee_id, year)
