"""Both languages for every text a plugin shows: the start-up check that refuses a plugin
leaving an English text out, and the plugin's names entered into the one label registry
(report forms, their fields and choices, competencies), so pages print labels, not codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kinerja.i18n import _
from kinerja.plugins.types import Competency, DevelopmentOption, PluginInfo, ReportForm
from kinerja.presentation import labels

# What each hook a plugin implements gives the agencies: the catalogue page says this, never
# the hook's name.
HOOKS = {
    "kinerja_plugin_info": _("Its name and settings"),
    "kinerja_competencies": _("Competencies for the dictionary"),
    "kinerja_menu_items": _("Entries in the agency menu"),
    "kinerja_report_forms": _("Report forms"),
    "kinerja_pages": _("Its own pages"),
    "kinerja_demo_data": _("Demo data"),
    "kinerja_skp_sections": _("Sections on the SKP page"),
    "kinerja_field_choices": _("The agency's choices on its report forms"),
    "kinerja_development_options": _("Development options for competency gaps"),
}
labels.register("plugin.hook", HOOKS)


def _pairs(
    info: PluginInfo,
    competencies: Iterable[Competency],
    forms: Iterable[ReportForm],
    options: Iterable[DevelopmentOption],
) -> Iterator[tuple[str, str, str]]:
    """(what, Indonesian, English) of every text the plugin declares."""
    yield "title (title_en)", info.title, info.title_en
    yield "description (description_en)", info.description, info.description_en
    if info.settings_schema is not None:
        for name, field in info.settings_schema().fields.items():
            said = field.metadata
            where = f"setting {name}: metadata label (label_en)"
            yield where, said.get("label", ""), said.get("label_en", "")
    for c in competencies:
        yield f"competency {c.code}: name (name_en)", c.name, c.name_en
        yield f"competency {c.code}: description (description_en)", c.description, c.description_en
        for number, level in enumerate(c.levels, 1):
            english = c.levels_en[number - 1] if len(c.levels_en) >= number else ""
            yield f"competency {c.code}: level {number} (levels_en)", level, english
    for form in forms:
        where = f"report form {form.code}"
        yield f"{where}: title (title_en)", form.title, form.title_en
        for f in form.fields:
            yield f"{where}: field {f.name}: label (label_en)", f.label, f.label_en
            yield f"{where}: field {f.name}: unit (unit_en)", f.unit, f.unit_en
            for number, choice in enumerate(f.choices):
                english = f.choices_en[number] if len(f.choices_en) > number else ""
                yield f"{where}: field {f.name}: choice {choice!r} (choices_en)", choice, english
        for r in form.ratios:
            yield f"{where}: ratio {r.name}: label (label_en)", r.label, r.label_en
    for o in options:
        yield f"development option {o.code}: text (text_en)", o.text, o.text_en


def english_problem(
    info: PluginInfo,
    competencies: Iterable[Competency] = (),
    forms: Iterable[ReportForm] = (),
    options: Iterable[DevelopmentOption] = (),
) -> str | None:
    """The first text the plugin gives in Indonesian only (None when all have English)."""
    for what, indonesian, english in _pairs(info, competencies, forms, options):
        if indonesian and not english.strip():
            return f"{what} has no English text"
    return None


def register(competencies: Iterable[Competency], forms: Iterable[ReportForm]) -> None:
    """The plugin's codes into the label registry: a report's field names ("catatan_kipi"),
    its choices, its title by its code ("LHI"), a competency by its code."""
    labels.register(
        "competency", {c.code: labels.Bilingual(c.name, c.name_en) for c in competencies}
    )
    for form in forms:
        labels.register("report.form", {form.code: labels.Bilingual(form.title, form.title_en)})
        labels.register(
            field_kind(form.code),
            {f.name: labels.Bilingual(f.label, f.label_en) for f in form.fields}
            | {r.name: labels.Bilingual(r.label, r.label_en) for r in form.ratios},
        )
        for f in form.fields:
            if f.choices:
                labels.register(
                    choice_kind(form.code, f.name),
                    {
                        c: labels.Bilingual(c, e)
                        for c, e in zip(f.choices, f.choices_en, strict=False)
                    },
                )


def field_kind(form_code: str) -> str:
    return f"report.field.{form_code}"


def choice_kind(form_code: str, field: str) -> str:
    return f"report.choice.{form_code}.{field}"
