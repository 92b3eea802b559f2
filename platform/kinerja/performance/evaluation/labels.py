"""Words for the evaluation's codes, in the user's language (the predikat and achievement
names are the regulation's own, the same in both languages)."""

from __future__ import annotations

from kinerja.i18n import _
from kinerja.presentation import labels

STATUS_WORDS = {
    "draft": _("Being filled in"),
    "submitted": _("Waiting for the rating"),
    "rated": _("Waiting for the reviewer"),
    "approved": _("Approved"),
}
ACHIEVEMENT_WORDS = {
    "ISTIMEWA": "Istimewa",
    "BAIK": "Baik",
    "BUTUH_PERBAIKAN": "Butuh Perbaikan",
    "KURANG": "Kurang",
    "SANGAT_KURANG": "Sangat Kurang",
}
RATING_WORDS = {
    "DI_ATAS": "Di atas ekspektasi",
    "SESUAI": "Sesuai ekspektasi",
    "DI_BAWAH": "Di bawah ekspektasi",
}
PREDIKAT_WORDS = {
    "SANGAT_BAIK": "Sangat Baik",
    "BAIK": "Baik",
    "BUTUH_PERBAIKAN": "Butuh Perbaikan",
    "KURANG": "Kurang/Misconduct",
    "SANGAT_KURANG": "Sangat Kurang",
}

labels.register("evaluation.status", STATUS_WORDS)
# The regulation's own names (PermenPANRB 6/2022): the same words in both languages.
labels.register("achievement", ACHIEVEMENT_WORDS)
labels.register("rating", RATING_WORDS)
labels.register("predikat", PREDIKAT_WORDS)
