"""What plugins hand to the core: plain, frozen values the core validates at start-up.

Every text a person reads comes in both languages: Indonesian in the plain field, English in
its `_en` twin (a name that reads the same in both is given twice). The start-up check
(`kinerja.plugins.languages`) refuses a plugin that leaves an English text out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

GROUPS = ("teknis", "manajerial", "sosial_kultural")


@dataclass(frozen=True)
class PluginInfo:
    """Who a plugin is: shown on the catalogue page, and its settings' schema (marshmallow)."""

    name: str
    title: str
    description: str = ""
    version: str = ""
    settings_schema: Any = None  # a marshmallow Schema class, or None for no settings
    title_en: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Competency:
    """One competency of the dictionary (PermenPANRB 38/2017): five levels, each described."""

    code: str
    name: str
    group: str  # one of GROUPS
    description: str
    levels: tuple[str, str, str, str, str]  # behavioural indicators of levels 1 to 5
    position_types: tuple[str, ...] = field(default=())  # empty: every position
    name_en: str = ""
    description_en: str = ""
    levels_en: tuple[str, ...] = ()  # the five levels in English


# The agency menu's groups, in the order the menu shows them. A plugin names one for each of its
# entries; an entry naming none (a plugin written before groups) or one not listed here is shown
# under "other", after the rest.
MENU_GROUPS = ("kinerja", "tim", "talenta", "administrasi", "other")


@dataclass(frozen=True)
class MenuItem:
    """An entry of the agency menu: a Flask endpoint under the tenant's URL space, shown in its
    `group` (one of MENU_GROUPS), ordered by `order` inside it."""

    endpoint: str
    label: Any
    description: Any = ""
    order: int = 100
    group: str = "other"


@dataclass(frozen=True)
class SkpSection:
    """A read-only section a plugin adds to an SKP page (e.g. the year's report-form totals)."""

    title: str
    title_en: str = ""
    lines: tuple[str, ...] = ()
    lines_en: tuple[str, ...] = ()  # the lines in English, one per line


DEVELOPMENT_KINDS = ("training", "coaching", "assignment")


@dataclass(frozen=True)
class DevelopmentOption:
    """A way to close a competency gap: a training, coaching or an assignment, for one
    competency `code` or for any ('*'), suggested when the gap is at least `min_gap` levels."""

    code: str
    kind: str  # one of DEVELOPMENT_KINDS
    text: str
    text_en: str = ""
    min_gap: int = 1


FIELD_TYPES = ("integer", "number", "text", "date", "choice")
AGGREGATES = ("sum", "average", "count")
FREQUENCIES = ("daily", "weekly", "monthly")


@dataclass(frozen=True)
class FormField:
    """One field of a report form; the core checks type, presence, bounds and choices."""

    name: str
    label: str  # Indonesian, as people see it
    type: str = "integer"  # one of FIELD_TYPES
    label_en: str = ""
    unit: str = ""
    required: bool = True
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    aggregate: str | None = None  # one of AGGREGATES: how a month of submissions adds up
    max_length: int = 500
    # A `choice` field whose choices are the agency's, given at request time by the plugin's
    # `kinerja_field_choices` hook (e.g. its registry of puskesmas); it declares no `choices`.
    # A value outside what the hook gives is refused like any other wrong choice.
    live_choices: bool = False
    unit_en: str = ""  # the unit in English (needed when `unit` is given)
    # The choices as English readers see them, one per choice, in order (the stored value is
    # the Indonesian choice; a name the same in both is given twice).
    choices_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ratio:
    """A derived figure of the monthly summary: Σ numerator ÷ Σ denominator, in percent."""

    name: str
    label: str
    numerator: str
    denominator: str
    # The name of a setting of the form's plugin holding the agency's target for this ratio, in
    # percent (e.g. "target_coverage"); summary lines below it are flagged. Empty: no target.
    target_setting: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class ReportForm:
    """A report form (laporan) a plugin declares; the core renders, stores and sums it up.

    `check` is the plugin's cross-field rule: given the values that passed the field checks, it
    returns {field: message} for what breaks a rule (empty when all is well).
    """

    code: str
    title: str
    fields: tuple[FormField, ...]
    title_en: str = ""
    frequency: str = "daily"  # one of FREQUENCIES
    position_types: tuple[str, ...] = ()  # who fills it in; empty: every employee
    group_by: tuple[str, ...] = ()  # fields the monthly summary is broken down by
    ratios: tuple[Ratio, ...] = ()
    check: Any = None  # Callable[[dict[str, Any]], dict[str, str]] | None


SCOPES = ("agency", "unit", "own", "none")
MAX_CHOICES = 1000  # per live field: a longer list is no list to choose from on a phone


@dataclass(frozen=True)
class Scope:
    """Whose reports the asking principal reads (`kinerja.plugins.api.scope`), so a page can
    say what its figures cover: the whole agency, the reader's unit (they and the people they
    lead), only the reader's own, or nobody's."""

    kind: str  # one of SCOPES
    name: str = ""  # the agency's ("agency"), the reader's unit's ("unit"), the reader's ("own")
    people: int = 0  # employees whose reports count ("unit", "own"); 0 for "agency" and "none"


@dataclass(frozen=True)
class Submission:
    """One submitted or approved report as a plugin reads it (`kinerja.plugins.api.submissions`):
    plain values, the form's fields already typed (integers, numbers, ISO dates, text)."""

    id: int
    employee_id: int
    employee_name: str
    unit: str  # the name of the employee's work unit ("" when none)
    report_date: date
    status: str  # "submitted" or "approved"
    values: Mapping[str, Any]
