"""Words for daily entries' codes, in the user's language."""

from __future__ import annotations

from typing import Any

from kinerja.i18n import _
from kinerja.presentation import labels

STATUSES = {
    "draft": _("Draft"),
    "submitted": _("Waiting for verification"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
}
# The superior's feed opens on what waits for them; what they decided is a tab away.
FEED_TABS = {
    "submitted": _("Waiting"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "all": _("All"),
}
ACTIONS = {
    "submit": _("Send"),
    "withdraw": _("Withdraw"),
    "approve": _("Approve"),
    "reject": _("Reject"),
}


def status_label(code: str | None) -> Any:
    return labels.label("log.status", code)


# The steps of an entry's history (`service.history`).
STEPS = {
    "draft": _("Saved as a draft"),
    "submit": _("Sent"),
    "edit": _("Edited"),  # a draft changed
    "update": _("Corrected"),  # changed after a rejection
    "withdraw": _("Withdrawn"),
    "approve": _("Approved"),
    "reject": _("Rejected"),
}

labels.register("log.status", STATUSES)
labels.register("log.tab", FEED_TABS)
labels.register("log.action", ACTIONS)
labels.register("log.step", STEPS)
