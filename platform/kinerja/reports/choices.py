"""A form's `live_choices` fields given their choices for one agency, at request time.

A plugin declares such a field without choices (they are the agency's: its registry of
puskesmas, say) and answers `kinerja_field_choices(form_code)` with them. Before a form is shown
or a submission checked, the core asks the form's own plugin, for the agency it serves, and
checks the value against the answer exactly as it checks a fixed choice: one rule
(`rules.read`) for the web form, the API and `api.record_submission`.
"""

from __future__ import annotations

from dataclasses import replace

from kinerja import plugins
from kinerja.exceptions import Unavailable
from kinerja.i18n import _
from kinerja.plugins.context import Agency
from kinerja.plugins.manager import live_fields
from kinerja.plugins.types import ReportForm

HOOK = "kinerja_field_choices"


def resolved(form: ReportForm, plugin: str, agency: Agency, *, strict: bool = True) -> ReportForm:
    """`form` with the choices its plugin gives its live fields in `agency` (a form without
    live fields as it is). When the plugin does not answer (an error, the time limit) nothing
    can be checked: `Unavailable` (503, try again), or with `strict=False` the fields keep no
    choices (a listing still answers, and such a form accepts no value for them)."""
    if not live_fields(form):
        return form
    # Only the form's plugin is asked: the choices of its fields are its business alone.
    answers = dict(
        plugins.get().call_for(
            replace(agency, enabled=frozenset({plugin})), HOOK, form_code=form.code
        )
    )
    if plugin not in answers:
        if strict:
            raise Unavailable(_("The form's choices could not be loaded; try again later."))
        answers[plugin] = {}
    given = answers[plugin]
    return replace(
        form,
        fields=tuple(
            replace(f, choices=tuple(c.strip() for c in given.get(f.name, ())))
            if f.live_choices
            else f
            for f in form.fields
        ),
    )
