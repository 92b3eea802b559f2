"""Words for the TPP's codes: a month's state, where an event came from, the attendance codes of
the default table, where a base and a predikat came from. A code the city adds to its table
without a word here reads humanised (the registry logs the gap)."""

from __future__ import annotations

from kinerja.i18n import _, pgettext
from kinerja.presentation import labels

# A month's state has words of its own (context "TPP month"): the plain "Open" is shared with
# other states that read "Berjalan" in Indonesian.
MONTH_STATUS = {
    "open": pgettext("TPP month", "Open"),
    "closed": pgettext("TPP month", "Closed"),
    "locked": pgettext("TPP month", "Locked"),
}
EVENT_SOURCE = {
    "import": _("Imported file"),
    "api": _("Attendance system"),
    "correction": _("Correction"),
}
ATTENDANCE_CODE = {
    "tanpa_keterangan": _("Absent without notice"),
    "terlambat_1": _("Late 1-30 minutes"),
    "terlambat_2": _("Late 31-60 minutes"),
    "terlambat_3": _("Late 61-90 minutes"),
    "terlambat_4": _("Late over 90 minutes or no check-in"),
    "pulang_cepat_1": _("Left 1-30 minutes early"),
    "pulang_cepat_2": _("Left 31-60 minutes early"),
    "pulang_cepat_3": _("Left 61-90 minutes early"),
    "pulang_cepat_4": _("Left over 90 minutes early or no check-out"),
}
BASE_SOURCE = {
    "position": _("The city's amount for this position"),
    "kelas": _("The city's amount for the kelas jabatan"),
    "none": _("No amount set for this position or its kelas"),
}
PREDIKAT_SOURCE = {
    "covering": _("The evaluation covering this month"),
    "latest": _("The latest approved evaluation"),
    "none": _("No approved evaluation"),
}

labels.register("tpp.status", MONTH_STATUS)
labels.register("tpp.source", EVENT_SOURCE)
labels.register("tpp.code", ATTENDANCE_CODE)
labels.register("tpp.base_source", BASE_SOURCE)
labels.register("tpp.predikat_source", PREDIKAT_SOURCE)


def status(code: str) -> object:
    return labels.label("tpp.status", code)
