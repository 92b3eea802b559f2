"""Words for a Rencana Aksi step's status, in the reader's language."""

from __future__ import annotations

from kinerja.i18n import _
from kinerja.performance.aksi import rules
from kinerja.presentation import labels

STATUSES = {
    rules.PLANNED: _("Planned"),
    rules.OVERDUE: _("Overdue"),
    rules.DONE: _("Done"),
}

labels.register("aksi.status", STATUSES)
