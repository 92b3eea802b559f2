"""`kinerja.plugins.api`: the one module of Kinerja a plugin imports (`docs/plugins.md`).

It gathers what a plugin needs and nothing of the core's internals: the hook marker, the types
it hands to the core, the words (translations), Medan's clock, the permission questions a menu
asks, and the agency the core is serving, read from the context the core sets for each call:
its settings, the reader, the report submissions, a session for the plugin's own tables. A
test fails when a plugin imports any other `kinerja` module.

Threads: a hook (other than `kinerja_pages` and `kinerja_demo_data`) runs in a worker thread
under `KINERJA_PLUGIN_TIME_LIMIT`. Everything here is safe there: the agency is plain data, and
what reads the database opens a session of its own, bound to the agency, in the calling thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kinerja import clock as clock
from kinerja import numbers
from kinerja.db import Base as Base
from kinerja.db import TenantOwned as TenantOwned
from kinerja.db.rls import enable as enable_rls
from kinerja.i18n import N_ as N_
from kinerja.i18n import _ as _
from kinerja.i18n import in_language as in_language
from kinerja.permissions import Principal as Principal
from kinerja.permissions import is_agency_admin as is_agency_admin
from kinerja.permissions import is_member as is_member
from kinerja.permissions import is_visiting_city_admin as is_visiting_city_admin
from kinerja.permissions import may_be_inside as may_be_inside
from kinerja.plugins import context
from kinerja.plugins.context import Agency as Agency
from kinerja.plugins.hookspecs import hookimpl as hookimpl
from kinerja.plugins.types import Competency as Competency
from kinerja.plugins.types import DevelopmentOption as DevelopmentOption
from kinerja.plugins.types import FormField as FormField
from kinerja.plugins.types import MenuItem as MenuItem
from kinerja.plugins.types import PluginInfo as PluginInfo
from kinerja.plugins.types import Ratio as Ratio
from kinerja.plugins.types import ReportForm as ReportForm
from kinerja.plugins.types import Scope as Scope
from kinerja.plugins.types import SkpSection as SkpSection
from kinerja.plugins.types import Submission as Submission
from kinerja.presentation import formats as formats

__all__ = [
    "N_",
    "Agency",
    "Base",
    "Competency",
    "DevelopmentOption",
    "FormField",
    "MenuItem",
    "NoAgency",
    "PluginInfo",
    "Principal",
    "Ratio",
    "ReportForm",
    "Scope",
    "SkpSection",
    "Submission",
    "TenantOwned",
    "_",
    "agency",
    "clock",
    "enable_rls",
    "formats",
    "hookimpl",
    "in_language",
    "is_agency_admin",
    "is_member",
    "is_visiting_city_admin",
    "may_be_inside",
    "month",
    "principal",
    "record_submission",
    "scope",
    "settings",
    "submissions",
    "unit_of_work",
]


class NoAgency(RuntimeError):
    """Plugin code asked about "here" where the core serves no agency."""


def agency() -> Agency:
    """The agency the core is serving in this call (or on this plugin page)."""
    found = context.current()
    if found is None:
        raise NoAgency("no agency here: call this from a hook or a page the core serves")
    return found


def settings(name: str) -> Mapping[str, Any]:
    """The current agency's settings of plugin `name`: what its admin set, the settings schema's
    defaults for the rest (the defaults alone outside an agency, e.g. at start-up)."""
    here = context.current()
    if here is None or name not in here.settings:
        from kinerja import plugins

        try:
            return dict(plugins.get().defaults[name])
        except (KeyError, RuntimeError):
            raise NoAgency(f"no settings of plugin {name!r} here") from None
    return here.settings[name]


def principal() -> Principal:
    """Who is asking (an anonymous principal for the system: jobs, the demo)."""
    return agency().principal or Principal()


def month(raw: str | None = None, year: str | None = None) -> date:
    """A page's month as the first day of it: `raw` as `YYYY-MM` (`?month=2026-11`), or as the
    month's number with `year` beside it (`?month=11&year=2026`, a month and a year selector);
    this month when it is not one (or lies in 9999, a year whose end no date can hold)."""
    text = (raw or "").strip()
    if year is not None and "-" not in text:
        text = f"{(year or '').strip()}-{text}"
    head, dash, tail = text.partition("-")
    # ASCII digits only, bounded (`numbers.whole`): "٢٠٢٦" is no year, 5,000 digits no 500
    found_year, number = numbers.whole(head, 1, date.max.year - 1), numbers.whole(tail, 1, 12)
    if not dash or found_year is None or number is None:
        return clock.this_month()
    return date(found_year, number, 1)


def submissions(
    form_code: str,
    month: date | None = None,
    *,
    year: int | None = None,
    employee_id: int | None = None,
) -> list[Submission]:
    """The current agency's submitted and approved reports of form `form_code` in `month` (any
    day of it; this month by default) or in the whole `year`, optionally of one employee; only
    those the asking principal may see (the system sees all). Oldest first, values typed."""
    here = _inside()
    return list(
        context.provider("submissions")(
            here.tenant_id, here.principal, form_code, month, year, employee_id
        )
    )


def scope() -> Scope:
    """Whose reports `submissions` gives in this call, so a page can name what it covers:
    `Scope.kind` "agency" (everyone's: the agency's admin, the system), "unit" (the reader and
    the people they lead; `name` is the reader's unit), "own" (the reader's alone) or "none"."""
    here = _inside()
    found: Scope = context.provider("scope")(here.tenant_id, here.principal)
    return found


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A database session of this thread bound to the current agency, for the plugin's own
    tables (models on `Base` + `TenantOwned`): committed at the end, rolled back on error."""
    from kinerja.db import db

    with db.unit_of_work(_inside().tenant_id) as session:
        yield session


def record_submission(
    session: Session,
    form: ReportForm,
    nip: str,
    values: Mapping[str, Any],
    *,
    approved_by: str | None = None,
) -> bool:
    """Record a report of the employee with NIP `nip` made elsewhere (the demo, an import),
    checked like one typed in and submitted in their name; approved in the name of the employee
    `approved_by` (a NIP) when given. In `session` (from `unit_of_work`). False: no such NIP."""
    from kinerja import plugins

    plugin, _form = plugins.get().forms[form.code]
    return bool(
        context.provider("record_submission")(session, plugin, form, nip, values, approved_by)
    )


def _inside() -> Agency:
    here = agency()
    if here.tenant_id is None:
        raise NoAgency("no agency here: this needs an agency's hook call or page")
    return here
