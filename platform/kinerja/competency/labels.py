"""Words for the talent codes, in the user's language (category names of the regulation are
its own, the same in both languages)."""

from __future__ import annotations

from kinerja.i18n import _
from kinerja.presentation import labels

SOURCE_WORDS = {
    "self": _("Self"),
    "superior": _("Superior"),
    "peer": _("Peers"),
    "subordinate": _("Subordinates"),
    "assessor": _("Assessment centre"),
}
KIND_WORDS = {
    "training": _("Training"),
    "coaching": _("Coaching"),
    "assignment": _("Assignment"),
}
CATEGORY_WORDS = {
    "OPTIMAL": "Optimal",
    "CUKUP_OPTIMAL": "Cukup Optimal",
    "KURANG_OPTIMAL": "Kurang Optimal",
    "MS": "Memenuhi Syarat",
    "MMS": "Masih Memenuhi Syarat",
    "KMS": "Kurang Memenuhi Syarat",
}
AXIS_WORDS = {
    "DI_ATAS": _("Above expectations"),
    "SESUAI": _("As expected"),
    "DI_BAWAH": _("Below expectations"),
    "TINGGI": _("High"),
    "MENENGAH": _("Medium"),
    "RENDAH": _("Low"),
}
CAMPAIGN_WORDS = {"draft": _("Draft"), "open": _("Open"), "closed": _("Closed")}
# The grid as drawn: kinerja from DI_ATAS down, potensial from RENDAH to the right.
GRID_KINERJA = ("DI_ATAS", "SESUAI", "DI_BAWAH")
GRID_POTENSIAL = ("RENDAH", "MENENGAH", "TINGGI")

labels.register("competency.source", SOURCE_WORDS)
labels.register("development.kind", KIND_WORDS, same=("coaching",))
labels.register("talent.category", CATEGORY_WORDS)  # the regulation's names: the same in both
labels.register("talent.axis", AXIS_WORDS)
labels.register("campaign.status", CAMPAIGN_WORDS)
