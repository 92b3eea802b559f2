"""Words for the performance year's codes, in the user's language (never a raw code on screen)."""

from __future__ import annotations

from typing import Any

from kinerja.i18n import _
from kinerja.presentation import labels

KINDS = {"utama": _("Main (utama)"), "tambahan": _("Additional (tambahan)")}
CASCADING = {"langsung": _("Direct (langsung)"), "tidak_langsung": _("Indirect (tidak langsung)")}
ASPECTS = {
    "kuantitas": _("Quantity (kuantitas)"),
    "kualitas": _("Quality (kualitas)"),
    "waktu": _("Time (waktu)"),
    "biaya": _("Cost (biaya)"),
}
APPROACHES = {
    "kuantitatif": _("Quantitative (kuantitatif)"),
    "kualitatif": _("Qualitative (kualitatif)"),
}
# JPT SKPs group results by perspective [S] (domain.md).
PERSPECTIVES = {
    "penerima_layanan": _("Service recipients (penerima layanan)"),
    "proses_bisnis": _("Business process (proses bisnis)"),
    "penguatan_internal": _("Internal strengthening (penguatan internal)"),
    "anggaran": _("Budget (anggaran)"),
}
FREQUENCIES = {
    "monthly": _("Monthly"),
    "quarterly": _("Quarterly"),
    "semester": _("Per semester"),
}
ACTIONS = {
    "submit": _("Submit for approval"),
    "withdraw": _("Withdraw"),
    "approve": _("Approve"),
    "reject": _("Reject"),
    "revise": _("Open a revision"),
}
LAMPIRAN = {
    "dukungan": _("Resource support (dukungan sumber daya)"),
    "skema": _("Accountability scheme (skema pertanggungjawaban)"),
    "konsekuensi": _("Consequences (konsekuensi)"),
}
STARTS = {
    "empty": _("Empty"),
    "superior": _("From my superior's results"),
    "copy": _("Copy of last year's SKP"),
}
SECTIONS = {
    "header": _("Header"),
    "approach": _("Approach"),
    "rhk": _("Result (RHK)"),
    "iki": _("Indicator (IKI)"),
    "aksi": _("Rencana Aksi step"),
    "perilaku": _("Work behaviour"),
    "lampiran": _("Attachment"),
}


def label(table: dict[str, Any], code: str | None) -> Any:
    """`code`'s word in `table`; a code missing from it is humanised, never shown bare."""
    if not code:
        return ""
    return table.get(code) or labels.humanise(code)


labels.register("rhk.kind", KINDS)
labels.register("skp.cascading", CASCADING)
labels.register("iki.aspect", ASPECTS)
labels.register("skp.approach", APPROACHES)
labels.register("skp.perspective", PERSPECTIVES)
labels.register("plan.frequency", FREQUENCIES)
labels.register("skp.action", ACTIONS)
labels.register("skp.lampiran", LAMPIRAN)
labels.register("skp.start", STARTS)
labels.register("skp.section", SECTIONS)
