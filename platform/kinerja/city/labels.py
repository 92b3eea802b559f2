"""Words for the comparison's figures and the agencies' kinds, in the user's language."""

from __future__ import annotations

from kinerja.i18n import _
from kinerja.presentation import labels

FIGURE_WORDS = {
    "employees": _("Employees"),
    "skp_completion": _("SKP approved"),
    "log_compliance": _("Working days with daily work sent"),
    "log_on_time": _("Entries approved on time"),
    "evaluation_completion": _("Annual evaluations approved"),
    "curve_violations": _("Breaks of the curve"),
    "jpm_average": _("Average JPM"),
    "signed_in": _("Signed in at least once"),
    "with_skp": _("With an SKP"),
    "logged_this_week": _("Logged work this week"),
}
# The kinds of agency are their own names in both languages.
KIND_WORDS = {
    "dinas": "Dinas",
    "badan": "Badan",
    "kecamatan": "Kecamatan",
    "rsud": "RSUD",
    "sekretariat": "Sekretariat",
    "inspektorat": "Inspektorat",
    "satuan": "Satuan",
}
# The columns of the comparison table, in order; each a percentage but the last two.
COLUMNS = (
    "skp_completion",
    "log_compliance",
    "log_on_time",
    "evaluation_completion",
    "jpm_average",
    "curve_violations",
)
ADOPTION = ("signed_in", "with_skp", "logged_this_week")

NO_DATA = _("No agency reports this yet.")  # a chart's empty state

labels.register("city.figure", FIGURE_WORDS)
labels.register("agency.kind", KIND_WORDS)


def reporting(n: int, total: int) -> str:
    """Beside an average or a rank: how many agencies report the figure, of how many."""
    return str(_("%(n)s of %(total)s reporting", n=n, total=total))
